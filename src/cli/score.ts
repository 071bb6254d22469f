import type { Argv, CommandModule } from 'yargs';
import { RANK_BY, score, type ScoreOptions } from '../app/score.js';
import { BATCH_DEFAULTS, PLAN_DEFAULTS, REPORT_DEFAULTS, SCORE_DEFAULTS, STORE_DEFAULT } from '../config/defaults.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { withFileOptions } from './store-args.js';

/** Flags shared by `score` and `explain`. */
export type ScoreArgs = GlobalArgs & ScoreOptions;

/** How a command that takes the score flags shows `--rank-by`: `plan` adds a value of its own. */
export interface RankByFlag {
  choices: readonly string[];
  describe: string;
}

const SCORE_RANK_BY: RankByFlag = {
  choices: RANK_BY,
  describe:
    'What the list is ranked by: auto (the model when the evidence it carries shows it recovers more charges than the risk profile at --capacity, else the profile), rules, or model [default: auto]',
};

/** Adds the flags shared by `score`, `explain` and `plan`. */
export function withScoreOptions(yargs: Argv<GlobalArgs>, rankBy: RankByFlag = SCORE_RANK_BY): Argv<ScoreArgs> {
  return withFileOptions(yargs)
    .option('period', { type: 'string', describe: 'Month scored, YYYY-MM: as of its last day; `latest`: the last month with releases in the store', demandOption: true })
    .option('store', { type: 'string', describe: `DuckDB store to read [default: ${STORE_DEFAULT}, unless input files are given]` })
    .option('model', { type: 'string', describe: 'A trained risk model (models/NAME/model.json, or its folder): rank by its expected charges [default: rank by the risk profile]' })
    .option('rank-by', { type: 'string', choices: [...rankBy.choices], describe: rankBy.describe })
    .option('risk-profile', { type: 'string', describe: 'Risk profile YAML (docs/risk-profile.md) [default: the shipped profiles/default.yaml]' })
    .option('lang', { type: 'string', choices: ['en', 'ru'], describe: `Language of reasons [default: ${BATCH_DEFAULTS.lang}]` })
    .option('top', { type: 'number', describe: `Participants whose evidence items are written [default: ${BATCH_DEFAULTS.top}]` })
    .option('out', { type: 'string', describe: `Run folder [default: ${BATCH_DEFAULTS.outRoot}/<period>]` })
    .option('return-grace-days', { type: 'number', describe: `Days after a VAT return's due date before it counts as missing [default: ${SCORE_DEFAULTS.returnGraceDays}]` })
    .option('lead-months', { type: 'number', describe: `Months before the 3-year control limit after which an item no longer counts [default: ${SCORE_DEFAULTS.leadMonths}]` })
    .option('traceable-goods', { type: 'string', describe: 'The list of goods subject to traceability, whose imports must show movements (docs/traceability.md)', defaultDescription: 'profiles/traceable-goods.yaml' })
    .option('payment-procedures', { type: 'string', array: true, describe: `Customs procedures whose payments count [default: ${SCORE_DEFAULTS.paymentProcedures.join(' ')}]` })
    .option('threads', { type: 'number', describe: 'DuckDB worker threads [default: all cores]' })
    .option('memory-limit', { type: 'string', describe: `DuckDB memory limit, e.g. 4GB [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<ScoreArgs>;
}

/** `--drift-months` of score and plan, which write the batch report with `--report`. */
export const DRIFT_MONTHS_FLAG = {
  type: 'number',
  describe: `Months before the period pooled as the reference of the report's drift watch of the risk profile's features (with --report); 0 turns it off [default: ${REPORT_DEFAULTS.driftMonths}]`,
} as const;

/** `ccrg score`: the monthly batch: features as of the period, rules, ranked list. */
export const scoreCommand: CommandModule<GlobalArgs, ScoreArgs> = {
  command: 'score',
  describe: 'Score every participant as of a month and write the ranked, explained list (docs/outputs.md)',
  builder: (yargs) =>
    withScoreOptions(yargs)
      .option('report', { type: 'boolean', describe: 'Also write report.html, the batch report with charts, into the run folder (docs/outputs.md)' })
      .option('drift-months', DRIFT_MONTHS_FLAG)
      .option('capacity', { type: 'number', describe: `Inspections the plan can hold: --rank-by auto weighs the model's evidence at their share of the participants [default: ${PLAN_DEFAULTS.capacity}]` })
      .option('level', {
        type: 'string',
        choices: ['participant', 'item'],
        describe: 'participant: rank participants (ranked.csv, ...); item: score every item released in the period with an item --model into items.csv [default: participant]',
      }) as Argv<ScoreArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    ctx.stdout(await score(args, ctx.clock, ctx.logger));
  },
};
