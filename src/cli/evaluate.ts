import type { Argv, CommandModule } from 'yargs';
import { evaluate, type EvaluateOptions } from '../app/evaluate.js';
import { BATCH_DEFAULTS, STORE_DEFAULT } from '../config/defaults.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { withFileOptions } from './store-args.js';

type EvaluateArgs = GlobalArgs & EvaluateOptions;

/** `ccrg evaluate`: a risk model against the risk profile and random on labelled examples. */
export const evaluateCommand: CommandModule<GlobalArgs, EvaluateArgs> = {
  command: 'evaluate',
  describe: 'Evaluate a trained risk model on past inspections (participant level: beside the risk profile and random; item level: beside random) (docs/models.md)',
  builder: (yargs: Argv<GlobalArgs>) =>
    withFileOptions(yargs)
      .option('model', { type: 'string', demandOption: true, describe: 'The model to evaluate (models/NAME/model.json, or its folder)' })
      .option('from', { type: 'string', demandOption: true, describe: 'First as-of month of the examples, YYYY-MM' })
      .option('to', { type: 'string', demandOption: true, describe: 'Last as-of month of the examples, YYYY-MM' })
      .option('capacity', { type: 'number', describe: 'Inspection capacity: also report the figures at k = capacity' })
      .option('store', { type: 'string', describe: `DuckDB store to read [default: ${STORE_DEFAULT}, unless input files are given]` })
      .option('out', { type: 'string', describe: `Run folder for evaluation.json [default: ${BATCH_DEFAULTS.outRoot}/<to>]` })
      .option('risk-profile', { type: 'string', describe: 'Risk profile compared with [default: profiles/default.yaml]' })
      .option('truth', { type: 'string', describe: 'Generated data only: a generator truth.csv; also ranks the whole population of every month of the window and scores the rankings against it' })
      .option('scores', { type: 'string', describe: 'Item models: also write every evaluated item with its label, margin and probability to this CSV' })
      .option('threads', { type: 'number', describe: 'DuckDB worker threads' })
      .option('memory-limit', { type: 'string', describe: `DuckDB memory limit [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<EvaluateArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    ctx.stdout(await evaluate(args, ctx.clock, ctx.logger));
  },
};
