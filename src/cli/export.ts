import type { Argv, CommandModule } from 'yargs';
import { EXPORT_FORMATS, exportExamples, exportFeatures, type ExportExamplesOptions, type ExportFeaturesOptions } from '../app/export.js';
import { BATCH_DEFAULTS } from '../config/defaults.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { withSourceOptions } from './store-args.js';

type ExamplesArgs = GlobalArgs & ExportExamplesOptions;

/** `--pseudonymise --key-file K`, the same on both exports. */
function withPseudonymOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option('pseudonymise', {
      type: 'boolean',
      describe: 'Replace INNs and other ids by keyed HMAC-SHA256 pseudonyms (stable across months and exports made with the same key) and drop names and free text',
    })
    .option('key-file', { type: 'string', describe: 'The secret key of --pseudonymise: a file of at least 32 bytes, kept on the secure machine' }) as Argv<T>;
}
type FeaturesArgs = GlobalArgs & ExportFeaturesOptions;

const examplesCommand: CommandModule<GlobalArgs, ExamplesArgs> = {
  command: 'examples',
  describe: 'Write the training matrix train would fit on a window (labels, charges, split part, inclusion probabilities, model inputs) as Parquet or CSV',
  builder: (yargs: Argv<GlobalArgs>) =>
    withPseudonymOptions(withSourceOptions(yargs))
      .option('level', { type: 'string', choices: ['participant', 'item'], describe: 'Participant examples (inspections) or item examples [default: participant]' })
      .option('from', { type: 'string', demandOption: true, describe: 'First as-of month of the examples, YYYY-MM' })
      .option('to', { type: 'string', demandOption: true, describe: 'Last as-of month of the examples, YYYY-MM' })
      .option('format', { type: 'string', choices: EXPORT_FORMATS, describe: 'File format [default: parquet]' })
      .option('out', { type: 'string', describe: `File to write [default: ${BATCH_DEFAULTS.outRoot}/examples-<level>-<from>-<to>.<format>]` })
      .option('known-by', { type: 'string', describe: 'Only labels known by this date, YYYY-MM-DD, as train --known-by' })
      .option('risk-profile', { type: 'string', describe: "Risk profile whose points are columns of the matrix, the participant model's starting margin [default: profiles/default.yaml]" }) as Argv<ExamplesArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    ctx.stdout(await exportExamples(args, ctx.clock, ctx.logger));
  },
};

const featuresCommand: CommandModule<GlobalArgs, FeaturesArgs> = {
  command: 'features',
  describe: "Write a month's feature table (one row per participant, as score computes it) as Parquet or CSV",
  builder: (yargs: Argv<GlobalArgs>) =>
    withPseudonymOptions(withSourceOptions(yargs))
      .option('period', { type: 'string', demandOption: true, describe: 'Month, YYYY-MM, or latest' })
      .option('format', { type: 'string', choices: EXPORT_FORMATS, describe: 'File format [default: parquet]' })
      .option('out', { type: 'string', describe: `File to write [default: ${BATCH_DEFAULTS.outRoot}/features-<period>.<format>]` }) as Argv<FeaturesArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    ctx.stdout(await exportFeatures(args, ctx.clock, ctx.logger));
  },
};

/** `ccrg export examples | features`. */
export const exportCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'export <command>',
  describe: "Write data for analysis elsewhere: the training examples, or a month's features",
  builder: (yargs: Argv<GlobalArgs>) => yargs.command(examplesCommand).command(featuresCommand).demandCommand(1, 'Name an export command: examples or features'),
  handler: () => undefined,
};
