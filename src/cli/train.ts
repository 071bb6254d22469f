import type { Argv, CommandModule } from 'yargs';
import { REFIT_MODES, train, type TrainOptions } from '../app/train.js';
import { BATCH_DEFAULTS, STORE_DEFAULT, TRAIN_DEFAULTS } from '../config/defaults.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { withFileOptions } from './store-args.js';

type TrainArgs = GlobalArgs & TrainOptions;

/** `ccrg train`: learn the risk model from past inspections. */
export const trainCommand: CommandModule<GlobalArgs, TrainArgs> = {
  command: 'train',
  describe: 'Train the risk model on past inspection outcomes (docs/models.md)',
  builder: (yargs: Argv<GlobalArgs>) =>
    withFileOptions(yargs)
      .option('level', { type: 'string', choices: ['participant', 'item'], describe: 'What one example is: an inspected participant, or a labelled declaration item [default: participant]' })
      .option('from', { type: 'string', demandOption: true, describe: 'First as-of month of the examples, YYYY-MM' })
      .option('to', { type: 'string', demandOption: true, describe: 'Last as-of month of the examples, YYYY-MM' })
      .option('store', { type: 'string', describe: `DuckDB store to read [default: ${STORE_DEFAULT}, unless input files are given]` })
      .option('out', { type: 'string', describe: `Folder for model.json and model-card.md [default: ${TRAIN_DEFAULTS.out}, or ${TRAIN_DEFAULTS.item.out} for --level item]` })
      .option('known-by', { type: 'string', describe: 'Train as on this date, YYYY-MM-DD: only labels known by then (inspections completed, label lags passed) make examples [default: every known one]' })
      .option('seed', { type: 'number', describe: `Random seed [default: ${TRAIN_DEFAULTS.seed}]` })
      .option('refit', {
        type: 'string',
        choices: REFIT_MODES,
        describe: `all-labels: after the time split chose the tree count, grow the shipped model on every label of the window and calibrate it on cross-fitted scores; none: ship the model grown on the fit part [default: ${TRAIN_DEFAULTS.refit}]`,
      })
      .option('params', { type: 'string', describe: 'YAML file of the learner\'s hyperparameters, classifier: and amount: (docs/models.md, "Hyperparameters") [default: the built-in ones of the level]' })
      .option('risk-profile', { type: 'string', describe: 'Risk profile whose points the participant model reads (kept in the artifact) and which it is compared with [default: profiles/default.yaml]' })
      .option('threads', { type: 'number', describe: 'Threads for DuckDB and for growing the trees; the model is the same for any count [default: all cores]' })
      .option('memory-limit', { type: 'string', describe: `DuckDB memory limit, e.g. 4GB [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<TrainArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    ctx.stdout(await train(args, ctx.clock, ctx.logger));
  },
};
