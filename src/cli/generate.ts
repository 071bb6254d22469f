import type { Argv, CommandModule } from 'yargs';
import { generate, type GenerateFlags } from '../app/generate.js';
import { GENERATE_DEFAULTS } from '../config/defaults.js';
import { contextFromArgs, type GlobalArgs } from './context.js';

type GenerateArgs = GlobalArgs & GenerateFlags;

/** `ccrg generate`: synthetic extracts with planted schemes and bad rows. */
export const generateCommand: CommandModule<GlobalArgs, GenerateArgs> = {
  command: 'generate',
  describe: 'Write synthetic extracts with planted, labelled fraud schemes and bad rows (docs/generator.md)',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('participants', { type: 'number', describe: 'Participants in the register', defaultDescription: String(GENERATE_DEFAULTS.participants) })
      .option('months', { type: 'number', describe: 'Months generated, ending with --end', defaultDescription: String(GENERATE_DEFAULTS.months) })
      .option('end', { type: 'string', describe: 'Last month generated, YYYY-MM', defaultDescription: GENERATE_DEFAULTS.end })
      .option('seed', { type: 'number', describe: 'Random seed: same options and seed give identical files', defaultDescription: String(GENERATE_DEFAULTS.seed) })
      .option('out', { type: 'string', describe: 'Folder to write into (created if missing)', demandOption: true })
      .option('gzip', { type: 'boolean', describe: 'Write <name>.csv.gz files' })
      .option('monthly', { type: 'boolean', describe: 'One declarations, tax_returns and participants file per month' })
      .option('items-per-month', { type: 'number', describe: 'Mean declaration items per participant and month', defaultDescription: String(GENERATE_DEFAULTS.itemsPerMonth) })
      .option('inspection-rate', {
        type: 'number',
        describe: 'Share of the active importers inspected in a year, a tenth of them at random',
        defaultDescription: String(GENERATE_DEFAULTS.inspectionRate),
      })
      .option('traceable-goods', { type: 'string', describe: 'The list of goods subject to traceability (docs/traceability.md)', defaultDescription: 'profiles/traceable-goods.yaml' }),
  handler: async (argv) => {
    const ctx = contextFromArgs(argv);
    ctx.stdout(await generate(argv, ctx.logger));
  },
};
