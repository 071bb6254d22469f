import type { Argv, CommandModule } from 'yargs';
import { EXPORT_FORMATS, exportExamples, exportFeatures, type ExportExamplesOptions, type ExportFeaturesOptions } from '../app/export.js';
import { BATCH_DEFAULTS, STORE_DEFAULT } from '../config/defaults.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { withFileOptions } from './store-args.js';

type ExamplesArgs = GlobalArgs & ExportExamplesOptions;
type FeaturesArgs = GlobalArgs & ExportFeaturesOptions;

const examplesCommand: CommandModule<GlobalArgs, ExamplesArgs> = {
  command: 'examples',
  describe: 'Write the training matrix train would fit on a window (labels, charges, split part, inclusion probabilities, model inputs) as Parquet or CSV',
  builder: (yargs: Argv<GlobalArgs>) =>
    withFileOptions(yargs)
      .option('level', { type: 'string', choices: ['participant', 'item'], describe: 'Participant examples (inspections) or item examples [default: participant]' })
      .option('from', { type: 'string', demandOption: true, describe: 'First as-of month of the examples, YYYY-MM' })
      .option('to', { type: 'string', demandOption: true, describe: 'Last as-of month of the examples, YYYY-MM' })
      .option('format', { type: 'string', choices: EXPORT_FORMATS, describe: 'File format [default: parquet]' })
      .option('out', { type: 'string', describe: `File to write [default: ${BATCH_DEFAULTS.outRoot}/examples-<level>-<from>-<to>.<format>]` })
      .option('known-by', { type: 'string', describe: 'Only labels known by this date, YYYY-MM-DD, as train --known-by' })
      .option('risk-profile', { type: 'string', describe: 'Risk profile whose points are model inputs (participant level) [default: profiles/default.yaml]' })
      .option('store', { type: 'string', describe: `DuckDB store to read [default: ${STORE_DEFAULT}, unless input files are given]` })
      .option('threads', { type: 'number', describe: 'DuckDB worker threads [default: all cores]' })
      .option('memory-limit', { type: 'string', describe: `DuckDB memory limit [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<ExamplesArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    ctx.stdout(await exportExamples(args, ctx.clock, ctx.logger));
  },
};

const featuresCommand: CommandModule<GlobalArgs, FeaturesArgs> = {
  command: 'features',
  describe: "Write a month's feature table (one row per participant, as score computes it) as Parquet or CSV",
  builder: (yargs: Argv<GlobalArgs>) =>
    withFileOptions(yargs)
      .option('period', { type: 'string', demandOption: true, describe: 'Month, YYYY-MM, or latest' })
      .option('format', { type: 'string', choices: EXPORT_FORMATS, describe: 'File format [default: parquet]' })
      .option('out', { type: 'string', describe: `File to write [default: ${BATCH_DEFAULTS.outRoot}/features-<period>.<format>]` })
      .option('store', { type: 'string', describe: `DuckDB store to read [default: ${STORE_DEFAULT}, unless input files are given]` })
      .option('threads', { type: 'number', describe: 'DuckDB worker threads [default: all cores]' })
      .option('memory-limit', { type: 'string', describe: `DuckDB memory limit [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<FeaturesArgs>,
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
