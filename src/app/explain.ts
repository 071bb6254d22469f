/** `ccrg explain`: one participant's features, peers, indicators and rank, as `score` would list it, and why it is or is not in the period's plan. */
import { FEATURES } from '../features/compute.js';
import { readPlanFiles, whyInPlan } from '../plan/why.js';
import { explainParticipant } from '../score/explain.js';
import type { RankedParticipant } from '../score/score.js';
import { reasonSources } from '../score/sources.js';
import type { FeatureParams } from '../features/types.js';
import type { Db } from '../io/db.js';
import type { RiskProfile } from '../rules/index.js';
import { loadCheckedProfile, loadScoreModel, rankingOf, scoreStore, withModel } from '../score/score-period.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { scoreConfig, type ScoreOptions } from './score.js';
import { withSource } from './store.js';

/** The options of `ccrg explain`: those of `score` and the participant. */
export interface ExplainOptions extends ScoreOptions {
  inn?: string;
  /** List the source rows (file and line) behind each reason. */
  sources?: boolean;
  /** Rows listed per extract and reason; 0 lists all. */
  'sources-limit'?: number;
}

/** Source rows listed per extract and reason unless `--sources-limit` says otherwise. */
export const SOURCES_LIMIT = 20;

const EXTRACT_WORDS: Record<string, string> = {
  declarations: 'declaration items of the window the features read, largest customs value first',
  tax_returns: 'VAT returns of the compared quarters, as filed by the as-of date',
  tax_signals: "the tax authority's signals of the control period",
  participants: 'the register snapshot valid on the as-of date',
  outcomes: 'inspections started by the as-of date',
};

/** Scores the period as `score` would with these options and explains one participant; returns the text. */
export async function explain(options: ExplainOptions, clock: Clock, logger: Logger): Promise<string> {
  const inn = options.inn;
  if (inn === undefined || inn.trim() === '') throw new UsageError('--inn must name the participant to explain');
  const limit = options['sources-limit'] ?? SOURCES_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--sources-limit must be a whole number >= 0, got ${String(options['sources-limit'])}`);
  if (options['sources-limit'] !== undefined && options.sources !== true) throw new UsageError('--sources-limit applies to --sources: give both');
  const config = await scoreConfig(options);
  const profile = await loadCheckedProfile(config.riskProfilePath);
  const { model, rankBy } = await loadScoreModel(config);
  return withSource(config.source, config.duckdb, clock, logger, async ({ db }) => {
    const byRules = await scoreStore(db, config, profile, logger);
    // The same ranking `score` writes with these flags, so the rank shown is the rank on the list.
    const { byModel } = rankingOf(model, rankBy, config.capacity, byRules.ranked.length);
    const scored = model === null ? byRules : { ...byRules, ranked: withModel(model, byRules.ranked, byModel, config.lang) };
    const explained = await explainParticipant(db, scored, FEATURES, inn, config.features.asOf);
    await byRules.workspace.drop();
    if (options.sources === true) explained.text += `\n\n${(await sourcesText(db, byRules.ranked.find((p) => p.inn === inn), profile, config.features, limit)).join('\n')}`;
    // Why it is or is not in the period's plan, when the run folder holds one.
    const plan = await readPlanFiles(config.outDir);
    if (plan === null) return `${explained.text}\n\nNo plan in ${config.outDir}: run ccrg plan --period ${config.period} to see why it would or would not be selected.`;
    if (plan.summary.period !== config.period) throw new UsageError(`${config.outDir} holds the plan of ${plan.summary.period}, not of ${config.period}`);
    const why = await whyInPlan(db, plan, inn);
    return `${explained.text}\n\n${why.join('\n')}`;
  });
}

/** Under each fired indicator, the source rows behind it with their file and line. */
async function sourcesText(db: Db, participant: RankedParticipant | undefined, profile: RiskProfile, features: FeatureParams, limit: number): Promise<string[]> {
  const lines = [`Sources behind each reason (file:line as ingested; the store as of ${features.asOf}):`];
  if (participant === undefined) return [...lines, '  none: it is not scored'];
  if (participant.evaluation.fired.length === 0) return [...lines, '  none: no indicator fired'];
  for (const fired of participant.evaluation.fired) {
    const indicator = profile.indicators.find((i) => i.id === fired.id);
    if (indicator === undefined) continue;
    lines.push(`  + ${fired.id}: ${fired.reason}`);
    for (const group of await reasonSources(db, participant.inn, indicator, features, limit)) {
      lines.push(`    ${group.extract}: ${group.total} ${EXTRACT_WORDS[group.extract] ?? 'rows'}${group.total === 0 ? '' : ':'}`);
      for (const r of group.rows) lines.push(`      ${r.file}:${r.line}  ${r.what}`);
      if (group.total > group.rows.length) lines.push(`      and ${group.total - group.rows.length} more (--sources-limit 0 lists all)`);
    }
  }
  return lines;
}
