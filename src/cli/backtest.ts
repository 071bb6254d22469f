import type { Argv, CommandModule } from 'yargs';
import { backtest, type BacktestOptions } from '../app/backtest.js';
import { BACKTEST_DEFAULTS, BATCH_DEFAULTS, PLAN_DEFAULTS, STORE_DEFAULT } from '../config/defaults.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { withFileOptions } from './store-args.js';

type BacktestArgs = GlobalArgs & BacktestOptions;

/** `ccrg backtest`: risk profiles tried on past months against the recorded inspections. */
export const backtestCommand: CommandModule<GlobalArgs, BacktestArgs> = {
  command: 'backtest',
  describe: 'Try risk profiles on past months: each month scored with each profile, the top at the capacity set against the recorded inspections (raw and weighted by inclusion probabilities, with intervals), and every indicator\'s hit rate',
  builder: (yargs: Argv<GlobalArgs>) =>
    withFileOptions(yargs)
      .option('risk-profile', { type: 'string', array: true, describe: 'A risk profile to try; repeat to compare (the first is the baseline of the differences) [default: profiles/default.yaml]' })
      .option('from', { type: 'string', demandOption: true, describe: 'First month to score, YYYY-MM' })
      .option('to', { type: 'string', demandOption: true, describe: 'Last month to score, YYYY-MM' })
      .option('capacity', { type: 'number', describe: `Inspections a month: the top of each ranking that counts as selected [default: ${PLAN_DEFAULTS.capacity}]` })
      .option('known-by', { type: 'string', describe: 'Only inspection results known by this date, YYYY-MM-DD' })
      .option('resamples', { type: 'number', describe: `Bootstrap resamples of the intervals [default: ${BACKTEST_DEFAULTS.resamples}]` })
      .option('truth', { type: 'string', describe: 'Generated data only: a generator truth.csv; also sets each top against the whole population' })
      .option('store', { type: 'string', describe: `DuckDB store to read [default: ${STORE_DEFAULT}, unless input files are given]` })
      .option('out', { type: 'string', describe: `Run folder for backtest.json [default: ${BATCH_DEFAULTS.outRoot}/<to>]` })
      .option('threads', { type: 'number', describe: 'DuckDB worker threads' })
      .option('memory-limit', { type: 'string', describe: `DuckDB memory limit [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<BacktestArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    ctx.stdout(await backtest(args, ctx.clock, ctx.logger));
  },
};
