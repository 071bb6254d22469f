/**
 * `ccrg plan`: the inspection plan of a period (docs/plan.md). Reads the
 * period's score run (scoring it first when absent), makes the plan
 * (src/plan) and replaces the plan's set in the run folder as a whole,
 * report.html included when asked.
 */
import { dirname, join } from 'node:path';
import { PLAN_DEFAULTS } from '../config/defaults.js';
import { checkReplaceable, replaceFilesOf, RUN_FOLDER } from '../io/run-dir.js';
import { loadArtifact, serializeArtifact } from '../models/risk/artifact.js';
import { MODEL_INPUT_IDS } from '../models/risk/inputs.js';
import { buildPlan, PLAN_FILES, type CapacitySpec, type PlanSettings } from '../plan/build-plan.js';
import type { PlanSummary } from '../run-folder/plan-summary.js';
import { readExclusionList, readQuotas } from '../plan/inputs.js';
import { REPORT_FILE } from '../report/batch-report.js';
import { driftMonthsOption, writeRunReport } from './report.js';
import { readItemRun, type ItemRun } from '../run-folder/item-run.js';
import { ITEM_ROLL_UP_FILE, ITEMS_MANIFEST_FILE, missingItemFiles } from '../run-folder/items.js';
import { MANIFEST_FILE } from '../run-folder/manifest.js';
import { RANKED_FILE } from '../run-folder/ranked.js';
import { missingScoreFiles, readScoreRun, type ScoreRun } from '../run-folder/score-run.js';
import { loadCheckedProfile } from '../score/score-period.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import type { Logger } from '../util/logger.js';
import { runScore, scoreConfig, type ScoreConfig, type ScoreOptions } from './score.js';
import { openSource } from './store.js';

/** The `--rank-by` value that ranks the plan by the item scores (items-by-participant.csv) instead of ranked.csv. */
export const PLAN_RANK_BY_ITEMS = 'items';

/** The options of `ccrg plan`: those of `score` and the planner's. */
export interface PlanOptions extends ScoreOptions {
  capacity?: number;
  'capacity-desk'?: number;
  'capacity-field'?: number;
  'quota-by'?: string;
  quotas?: string;
  reallocate?: boolean;
  exclude?: string;
  explore?: number;
  'explore-weighting'?: string;
  seed?: number;
  'recent-months'?: number;
  'allow-recent'?: string[];
  'aeo-min-score'?: number;
  'material-rub'?: number;
  'dominance-share'?: number;
  'field-min-rub'?: number;
  rescore?: boolean;
}

/** Everything `ccrg plan` needs, defaults resolved (the planner's files not yet read). */
export interface PlanConfig extends Omit<PlanSettings, 'quotas' | 'exclusions'> {
  /** How the period is scored when its run is absent (the same flags as `ccrg score`). */
  score: ScoreConfig;
  /** Score flags given on the command line: an existing run must have been made with them. */
  explicit: { lang: boolean; model: boolean; rankBy?: boolean; riskProfile: boolean; leadMonths: boolean; returnGraceDays: boolean; paymentProcedures: boolean };
  /** Score again even when the period's run exists. */
  rescore: boolean;
  quotasPath: string | null;
  excludePath: string | null;
  /** Also write report.html (the batch report, with the plan summary) into the run folder. */
  report?: boolean;
  /** Months pooled as the reference of the report's drift watch (0: off). */
  driftMonths?: number;
}

/** What a plan run returns. */
export interface PlanResult {
  summary: PlanSummary;
  /** The per-quota table for stdout. */
  text: string;
}

function whole(flag: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${flag} must be a whole number >= ${min}, got ${String(value)}`);
  return value;
}

function amount(flag: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${flag} must be a number >= 0, got ${String(value)}`);
  return value;
}

/** Checks the options and resolves the defaults. */
export async function planConfig(options: PlanOptions): Promise<PlanConfig> {
  const desk = whole('capacity-desk', options['capacity-desk'], 0);
  const field = whole('capacity-field', options['capacity-field'], 0);
  const total = whole('capacity', options.capacity, 0);
  let capacity: CapacitySpec;
  if (desk !== undefined || field !== undefined) {
    if (desk === undefined || field === undefined) throw new UsageError('Give both --capacity-desk and --capacity-field');
    if (total !== undefined) throw new UsageError('Give either --capacity or --capacity-desk with --capacity-field, not both');
    capacity = { mode: 'desk_field', desk, field };
  } else capacity = { mode: 'total', total: total ?? null };
  const quotaBy = options['quota-by'] ?? null;
  if (quotaBy !== null && quotaBy !== 'office' && quotaBy !== 'region') throw new UsageError(`--quota-by must be office or region, got "${quotaBy}"`);
  if ((quotaBy === null) !== (options.quotas === undefined)) throw new UsageError('--quota-by and --quotas go together');
  const explore = options.explore ?? PLAN_DEFAULTS.explore;
  if (!(explore >= 0 && explore <= 1)) throw new UsageError(`--explore must be a share from 0 to 1, got ${String(options.explore)}`);
  const weighting = options['explore-weighting'] ?? PLAN_DEFAULTS.exploreWeighting;
  if (weighting !== 'none' && weighting !== 'uncertainty') throw new UsageError(`--explore-weighting must be none or uncertainty, got "${weighting}"`);
  const dominance = options['dominance-share'] ?? PLAN_DEFAULTS.routing.dominanceShare;
  if (!(dominance > 0.5 && dominance <= 1)) throw new UsageError(`--dominance-share must be above 0.5 and at most 1, got ${String(dominance)}`);
  const seed = whole('seed', options.seed, 0) ?? PLAN_DEFAULTS.seed;
  if (seed > 0xffffffff) throw new UsageError(`--seed must be below 2^32, got ${seed}`);
  const aeo = options['aeo-min-score'];
  if (aeo !== undefined && !Number.isFinite(aeo)) throw new UsageError(`--aeo-min-score must be a number, got ${String(aeo)}`);
  const driftMonths = driftMonthsOption(options['drift-months'], options.report === true);
  // --rank-by items is the plan's own: the participant scores it needs are read as they were made, whatever their ranking.
  const { 'rank-by': rankBy, ...scoreOptions } = options;
  const byItems = rankBy === PLAN_RANK_BY_ITEMS;
  if (byItems && options.rescore === true) {
    throw new UsageError(
      '--rescore replaces the run folder, the item scores with it, so it cannot go with --rank-by items: score the participants (ccrg score --period P), then the items (ccrg score --level item --model PATH --period P), then plan with --rank-by items',
    );
  }
  return {
    // The score's capacity (what --rank-by auto weighs the model's evidence at) is the plan's.
    score: await scoreConfig({ ...(byItems ? scoreOptions : options), ...(capacity.mode === 'desk_field' ? { capacity: capacity.desk + capacity.field } : {}) }),
    explicit: {
      lang: options.lang !== undefined,
      model: options.model !== undefined,
      rankBy: rankBy !== undefined && !byItems,
      riskProfile: options['risk-profile'] !== undefined,
      leadMonths: options['lead-months'] !== undefined,
      returnGraceDays: options['return-grace-days'] !== undefined,
      paymentProcedures: options['payment-procedures'] !== undefined,
    },
    rescore: options.rescore === true,
    capacity,
    quotaBy,
    quotasPath: options.quotas ?? null,
    reallocate: options.reallocate === true,
    excludePath: options.exclude ?? null,
    explore,
    weighting,
    seed,
    recentMonths: whole('recent-months', options['recent-months'], 0) ?? PLAN_DEFAULTS.recentMonths,
    allowRecent: options['allow-recent'] ?? [],
    aeoMinScore: aeo ?? null,
    routing: { materialRub: amount('material-rub', options['material-rub'], PLAN_DEFAULTS.routing.materialRub), dominanceShare: dominance },
    fieldMinRub: amount('field-min-rub', options['field-min-rub'], PLAN_DEFAULTS.fieldMinRub),
    report: options.report === true,
    driftMonths,
    rankBy: byItems ? 'items' : 'scores',
  };
}

function mismatch(outDir: string, what: string): never {
  throw new UsageError(`${outDir} holds scores made with ${what}: add --rescore to score the period again (it replaces the folder), or drop the flag to plan on those scores`);
}

/** Checks that an existing run was made with the score flags given explicitly. */
async function checkRunMatches(run: ScoreRun, config: PlanConfig): Promise<void> {
  const m = run.manifest.result;
  const dir = config.score.outDir;
  const params = m.parameters;
  const features = config.score.features;
  if (m.period !== config.score.period) throw new UsageError(`${dir} holds the scores of period ${m.period}, not ${config.score.period}`);
  const e = config.explicit;
  if (e.lang && params.lang !== config.score.lang) mismatch(dir, `--lang ${params.lang}`);
  if (e.rankBy && (params.rank_by ?? 'auto') !== (config.score.rankBy ?? 'auto')) mismatch(dir, `--rank-by ${params.rank_by ?? 'auto'}`);
  if (e.leadMonths && params.lead_months !== features.leadMonths) mismatch(dir, `--lead-months ${params.lead_months}`);
  if (e.returnGraceDays && params.return_grace_days !== features.returnGraceDays) mismatch(dir, `--return-grace-days ${params.return_grace_days}`);
  if (e.paymentProcedures && JSON.stringify(params.payment_procedures) !== JSON.stringify(features.paymentProcedures)) {
    mismatch(dir, `--payment-procedures ${JSON.stringify(params.payment_procedures)}`);
  }
  if (e.riskProfile) {
    const profile = await loadCheckedProfile(config.score.riskProfilePath);
    if (m.risk_profile.sha256 !== profile.sha256) mismatch(dir, 'another risk profile');
  }
  if (e.model && config.score.modelPath !== null && config.score.modelPath !== undefined) {
    if (m.model === null || m.model === undefined) mismatch(dir, 'the risk profile, no model');
    const loaded = await loadArtifact(config.score.modelPath, { kind: 'risk', level: 'participant', features: MODEL_INPUT_IDS });
    if (m.model.sha256 !== sha256Hex(serializeArtifact(loaded.artifact))) mismatch(dir, `another model (${m.model.path})`);
  }
}

/** The folder's item set (`score --level item`), checked against its manifest; null when there is none. It must be of the plan's period. */
async function readPeriodItems(outDir: string, period: string): Promise<ItemRun | null> {
  const items = await readItemRun(outDir);
  if (items !== null && items.manifest.period !== period) {
    throw new UsageError(
      `${join(outDir, ITEMS_MANIFEST_FILE)} holds the item scores of period ${items.manifest.period}, not ${period}: score the items of ${period} into the folder (ccrg score --level item --model PATH --period ${period} --out ${outDir}), or plan in the folder of ${items.manifest.period}`,
    );
  }
  return items;
}

/**
 * Refuses `--rank-by items` on a folder that lacks the participant scores or
 * the item scores, naming the missing files and the commands that make
 * them, in the order they must run.
 */
function checkItemRankingInputs(outDir: string, period: string): void {
  const missing = [...missingScoreFiles(outDir), ...missingItemFiles(outDir)];
  if (missing.length === 0) return;
  throw new UsageError(
    `--rank-by items ranks the plan by the item scores (${ITEM_ROLL_UP_FILE}) and takes routing and eligibility from the participant scores, and ${outDir} lacks ${missing.join(', ')}: ` +
      `run ccrg score --period ${period} --out ${outDir}, then ccrg score --level item --model PATH --period ${period} --out ${outDir} (in this order: a participant score replaces the item set), then plan again`,
  );
}

/**
 * Replaces the plan's set of files in the run folder as a whole (the score
 * files and anything else carried over unchanged), with `also` (report.html)
 * in the same swap.
 */
export async function replacePlanFiles(outDir: string, write: (dir: string) => Promise<void>, also: readonly string[] = []): Promise<void> {
  await replaceFilesOf(outDir, [...PLAN_FILES, ...also], write);
}

/** Makes the plan of a period and replaces its files in the run folder (with report.html when asked) in one swap. */
export async function runPlan(config: PlanConfig, clock: Clock, logger: Logger): Promise<PlanResult> {
  const outDir = config.score.outDir;
  await checkReplaceable(outDir, RUN_FOLDER);
  const settings: PlanSettings = {
    ...config,
    quotas: { path: config.quotasPath, lines: config.quotasPath === null ? [] : await readQuotas(config.quotasPath) },
    exclusions: { path: config.excludePath, list: config.excludePath === null ? new Map<string, string>() : await readExclusionList(config.excludePath) },
  };
  const byItems = config.rankBy === 'items';
  if (byItems) checkItemRankingInputs(outDir, config.score.period);
  const store = await openSource(config.score.source, config.score.duckdb, clock, logger);
  try {
    let run = config.rescore ? null : await readScoreRun(outDir);
    if (run !== null) await checkRunMatches(run, config);
    // Scoring first would replace the folder, the item set with it.
    if (run === null && byItems) throw new UsageError(`${join(outDir, MANIFEST_FILE)} is not the manifest of a participant score run: --rank-by items needs one (ccrg score --period ${config.score.period} --out ${outDir}, then score the items again)`);
    if (run === null) {
      logger.info(`${config.rescore ? 'rescoring' : `no score run in ${outDir}: scoring`} ${config.score.period} first`);
      // The report, when asked for, is written once the plan is there too.
      await runScore({ ...config.score, report: false }, clock, logger, store);
      run = await readScoreRun(outDir);
      if (run === null) throw new Error(`scoring wrote no complete run into ${outDir}`);
    }
    // Read once the scores are in place: scoring the period first replaces the folder, an item set with it.
    const items = await readPeriodItems(outDir, config.score.period);
    const plan = await buildPlan(store.db, run, items, settings, outDir);
    const notPlanned = plan.summary.item_set?.ranking?.not_in_score_run ?? [];
    if (notPlanned.length > 0) {
      logger.warn(
        `${notPlanned.length} importers with item scores in ${join(outDir, ITEM_ROLL_UP_FILE)} are not in ${join(outDir, RANKED_FILE)} and are not planned (first: ${notPlanned.slice(0, 5).join(', ')}; all in plan-summary.json item_set.ranking.not_in_score_run): score the participants and the items from the same store`,
      );
    }
    const { period, parameters } = run.manifest.result;
    // The report shows the plan: it is rendered from the fresh folder and swapped in with it, never beside an older plan.
    await replacePlanFiles(
      outDir,
      async (dir) => {
        await plan.files.writeInto(dir);
        if (config.report === true) {
          await writeRunReport(
            store.db,
            dir,
            { period, lang: parameters.lang, parentDir: dirname(outDir), riskProfilePath: config.score.riskProfilePath, driftMonths: config.driftMonths },
            clock,
            logger,
          );
        }
      },
      config.report === true ? [REPORT_FILE] : [],
    );
    logger.info(`planned ${plan.summary.totals.selected} inspections for ${period}; wrote ${outDir}`);
    if (config.report === true) logger.info(`wrote ${join(outDir, REPORT_FILE)}`);
    return { summary: plan.summary, text: plan.text };
  } finally {
    store.db.close();
  }
}
