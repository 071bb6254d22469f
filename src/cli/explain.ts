import type { Argv, CommandModule } from 'yargs';
import { FEATURES } from '../features/compute.js';
import { explainParticipant } from '../score/explain.js';
import { loadCheckedProfile, loadScoreModel, openScoreStore, scoreStore, withModel } from '../score/run-score.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { scoreConfigFromArgs, withScoreOptions, type ScoreArgs } from './score.js';

interface ExplainArgs extends ScoreArgs {
  inn?: string;
}

/** `ccrg explain`: one participant's features, peers, indicators and rank. */
export const explainCommand: CommandModule<GlobalArgs, ExplainArgs> = {
  command: 'explain',
  describe: "Explain one participant's score: features, peer levels, fired and unfired indicators, rank",
  builder: (yargs: Argv<GlobalArgs>) =>
    withScoreOptions(yargs).option('inn', { type: 'string', describe: 'The participant to explain', demandOption: true }) as Argv<ExplainArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    const config = await scoreConfigFromArgs(args);
    const profile = await loadCheckedProfile(config.riskProfilePath);
    const { model, byModel } = await loadScoreModel(config);
    const { db } = await openScoreStore(config, ctx.clock, ctx.logger);
    try {
      const byRules = await scoreStore(db, config, profile, ctx.logger);
      // The same ranking `score` writes with these flags, so the rank shown is the rank on the list.
      const scored = model === null ? byRules : { ...byRules, ranked: withModel(model, byRules.ranked, byModel, config.lang) };
      const explanation = await explainParticipant(db, scored, FEATURES, String(args.inn), config.features.asOf);
      ctx.stdout(explanation.text);
    } finally {
      db.close();
    }
  },
};
