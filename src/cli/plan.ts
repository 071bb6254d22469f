import type { Argv, CommandModule } from 'yargs';
import { PLAN_DEFAULTS } from '../config/defaults.js';
import { runPlan, type CapacitySpec, type PlanConfig } from '../plan/run-plan.js';
import { UsageError } from '../util/errors.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { scoreConfigFromArgs, withScoreOptions, type ScoreArgs } from './score.js';

/** Flags of `ccrg plan`: those of `score` and the planner's. */
export interface PlanArgs extends ScoreArgs {
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

function withPlanOptions(yargs: Argv<GlobalArgs>): Argv<PlanArgs> {
  return withScoreOptions(yargs)
    .option('report', { type: 'boolean', describe: 'Also write report.html, the batch report with the plan summary, into the run folder (docs/outputs.md)' })
    .option('capacity', { type: 'number', describe: `Inspections in the plan [default: ${PLAN_DEFAULTS.capacity}, or the sum of --quotas]` })
    .option('capacity-desk', { type: 'number', describe: 'Desk inspections (with --capacity-field, instead of --capacity)' })
    .option('capacity-field', { type: 'number', describe: 'Field inspections (with --capacity-desk)' })
    .option('quota-by', { type: 'string', choices: ['office', 'region'], describe: 'Quotas per customs office or region (with --quotas)' })
    .option('quotas', { type: 'string', describe: 'CSV of quotas: quota,capacity or quota,desk,field (docs/plan.md)' })
    .option('reallocate', { type: 'boolean', describe: 'Pass unused quota to the national pool, filled in score order' })
    .option('exclude', { type: 'string', describe: 'CSV of participants not to plan: inn,reason' })
    .option('explore', { type: 'number', describe: `Share of each quota drawn at random from the eligible rest, 0 to 1 [default: ${PLAN_DEFAULTS.explore}]` })
    .option('explore-weighting', { type: 'string', choices: ['none', 'uncertainty'], describe: `Exploration draw: uniform, or PPS on the model's p(1 − p) [default: ${PLAN_DEFAULTS.exploreWeighting}]` })
    .option('seed', { type: 'number', describe: `Seed of the exploration draws [default: ${PLAN_DEFAULTS.seed}]` })
    .option('recent-months', { type: 'number', describe: `Months in which a completed or open inspection makes a participant ineligible; 0: off [default: ${PLAN_DEFAULTS.recentMonths}]` })
    .option('allow-recent', { type: 'string', array: true, describe: 'INNs to plan despite a recent inspection' })
    .option('aeo-min-score', {
      type: 'number',
      describe: `Minimum score of an authorised economic operator [default: ${PLAN_DEFAULTS.aeoMinScore.rules} by rules, ${PLAN_DEFAULTS.aeoMinScore.model} RUB by a model]`,
    })
    .option('material-rub', { type: 'number', describe: `RUB at stake from which a side is material (routing) [default: ${PLAN_DEFAULTS.routing.materialRub}]` })
    .option('dominance-share', { type: 'number', describe: `Share of the RUB at stake from which a side dominates (routing) [default: ${PLAN_DEFAULTS.routing.dominanceShare}]` })
    .option('field-min-rub', { type: 'number', describe: `Customs-side RUB at stake from which a field check is recommended [default: ${PLAN_DEFAULTS.fieldMinRub}]` })
    .option('rescore', { type: 'boolean', describe: 'Score the period again even when its run exists' }) as Argv<PlanArgs>;
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

/** Checks the flags and builds the plan configuration. */
export async function planConfigFromArgs(args: PlanArgs): Promise<PlanConfig> {
  const desk = whole('capacity-desk', args['capacity-desk'], 0);
  const field = whole('capacity-field', args['capacity-field'], 0);
  const total = whole('capacity', args.capacity, 0);
  let capacity: CapacitySpec;
  if (desk !== undefined || field !== undefined) {
    if (desk === undefined || field === undefined) throw new UsageError('Give both --capacity-desk and --capacity-field');
    if (total !== undefined) throw new UsageError('Give either --capacity or --capacity-desk with --capacity-field, not both');
    capacity = { mode: 'desk_field', desk, field };
  } else capacity = { mode: 'total', total: total ?? null };
  const quotaBy = (args['quota-by'] ?? null) as PlanConfig['quotaBy'];
  if ((quotaBy === null) !== (args.quotas === undefined)) throw new UsageError('--quota-by and --quotas go together');
  const explore = args.explore ?? PLAN_DEFAULTS.explore;
  if (!(explore >= 0 && explore <= 1)) throw new UsageError(`--explore must be a share from 0 to 1, got ${String(args.explore)}`);
  const dominance = args['dominance-share'] ?? PLAN_DEFAULTS.routing.dominanceShare;
  if (!(dominance > 0.5 && dominance <= 1)) throw new UsageError(`--dominance-share must be above 0.5 and at most 1, got ${String(dominance)}`);
  const seed = whole('seed', args.seed, 0) ?? PLAN_DEFAULTS.seed;
  if (seed > 0xffffffff) throw new UsageError(`--seed must be below 2^32, got ${seed}`);
  const aeo = args['aeo-min-score'];
  if (aeo !== undefined && !Number.isFinite(aeo)) throw new UsageError(`--aeo-min-score must be a number, got ${String(aeo)}`);
  return {
    score: await scoreConfigFromArgs(args),
    explicit: {
      lang: args.lang !== undefined,
      model: args.model !== undefined,
      rankBy: args['rank-by'] !== undefined,
      riskProfile: args['risk-profile'] !== undefined,
      leadMonths: args['lead-months'] !== undefined,
      returnGraceDays: args['return-grace-days'] !== undefined,
      paymentProcedures: args['payment-procedures'] !== undefined,
    },
    rescore: args.rescore === true,
    capacity,
    quotaBy,
    quotasPath: args.quotas ?? null,
    reallocate: args.reallocate === true,
    excludePath: args.exclude ?? null,
    explore,
    weighting: (args['explore-weighting'] ?? PLAN_DEFAULTS.exploreWeighting) as PlanConfig['weighting'],
    seed,
    recentMonths: whole('recent-months', args['recent-months'], 0) ?? PLAN_DEFAULTS.recentMonths,
    allowRecent: args['allow-recent'] ?? [],
    aeoMinScore: aeo ?? null,
    routing: { materialRub: amount('material-rub', args['material-rub'], PLAN_DEFAULTS.routing.materialRub), dominanceShare: dominance },
    fieldMinRub: amount('field-min-rub', args['field-min-rub'], PLAN_DEFAULTS.fieldMinRub),
    report: args.report === true,
  };
}

/** `ccrg plan`: the inspection plan of a period (docs/plan.md). */
export const planCommand: CommandModule<GlobalArgs, PlanArgs> = {
  command: 'plan',
  describe: 'Turn a period\'s scores into an inspection plan: routing, capacity, quotas, exploration (docs/plan.md)',
  builder: withPlanOptions,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    const config = await planConfigFromArgs(args);
    const result = await runPlan(config, ctx.clock, ctx.logger);
    ctx.stdout(result.text);
  },
};
