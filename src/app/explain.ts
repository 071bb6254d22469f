/** `ccrg explain`: one participant's features, peers, indicators and rank, as `score` would list it, and why it is or is not in the period's plan. */
import { FEATURES } from '../features/compute.js';
import { readPlanFiles, whyInPlan } from '../plan/why.js';
import { explainParticipant } from '../score/explain.js';
import { loadCheckedProfile, loadScoreModel, rankingOf, scoreStore, withModel } from '../score/score-period.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { scoreConfig, type ScoreOptions } from './score.js';
import { withSource } from './store.js';

/** The options of `ccrg explain`: those of `score` and the participant. */
export interface ExplainOptions extends ScoreOptions {
  inn?: string;
}

/** Scores the period as `score` would with these options and explains one participant; returns the text. */
export async function explain(options: ExplainOptions, clock: Clock, logger: Logger): Promise<string> {
  const inn = options.inn;
  if (inn === undefined || inn.trim() === '') throw new UsageError('--inn must name the participant to explain');
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
    // Why it is or is not in the period's plan, when the run folder holds one.
    const plan = await readPlanFiles(config.outDir);
    if (plan === null) return `${explained.text}\n\nNo plan in ${config.outDir}: run ccrg plan --period ${config.period} to see why it would or would not be selected.`;
    if (plan.summary.period !== config.period) throw new UsageError(`${config.outDir} holds the plan of ${plan.summary.period}, not of ${config.period}`);
    const why = await whyInPlan(db, plan, inn);
    return `${explained.text}\n\n${why.join('\n')}`;
  });
}
