import type { Argv, CommandModule } from 'yargs';
import { explain, type ExplainOptions } from '../app/explain.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { withScoreOptions } from './score.js';

type ExplainArgs = GlobalArgs & ExplainOptions;

/** `ccrg explain`: one participant's features, peers, indicators and rank. */
export const explainCommand: CommandModule<GlobalArgs, ExplainArgs> = {
  command: 'explain',
  describe: "Explain one participant's score: features, peer levels, fired and unfired indicators, rank",
  builder: (yargs: Argv<GlobalArgs>) =>
    withScoreOptions(yargs)
      .option('inn', { type: 'string', describe: 'The participant to explain', demandOption: true })
      .option('sources', { type: 'boolean', describe: 'Under each reason, list the source rows behind it: file and physical line of each declaration item, VAT return, tax signal, register snapshot and inspection' })
      .option('sources-limit', { type: 'number', describe: 'Source rows listed per extract and reason; 0 lists all [default: 20]' }) as Argv<ExplainArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    ctx.stdout(await explain(args, ctx.clock, ctx.logger));
  },
};
