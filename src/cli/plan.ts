import type { Argv, CommandModule } from 'yargs';
import { PLAN_RANK_BY_ITEMS, planConfig, runPlan, type PlanOptions } from '../app/plan.js';
import { RANK_BY } from '../app/score.js';
import { PLAN_DEFAULTS } from '../config/defaults.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { DRIFT_MONTHS_FLAG, withScoreOptions } from './score.js';

/** Flags of `ccrg plan`: those of `score` and the planner's. */
type PlanArgs = GlobalArgs & PlanOptions;

function withPlanOptions(yargs: Argv<GlobalArgs>): Argv<PlanArgs> {
  return withScoreOptions(yargs, {
    choices: [...RANK_BY, PLAN_RANK_BY_ITEMS],
    describe:
      'What the plan is ranked by: auto, rules or model as for score (the participant scores), or items: the participants in the order of items-by-participant.csv (needs score --level item first; docs/plan.md) [default: auto]',
  })
    .option('report', { type: 'boolean', describe: 'Also write report.html, the batch report with the plan summary, into the run folder (docs/outputs.md)' })
    .option('drift-months', DRIFT_MONTHS_FLAG)
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

/** `ccrg plan`: the inspection plan of a period (docs/plan.md). */
export const planCommand: CommandModule<GlobalArgs, PlanArgs> = {
  command: 'plan',
  describe: 'Turn a period\'s scores into an inspection plan: routing, capacity, quotas, exploration (docs/plan.md)',
  builder: withPlanOptions,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    const config = await planConfig(args);
    const result = await runPlan(config, ctx.clock, ctx.logger);
    ctx.stdout(result.text);
  },
};
