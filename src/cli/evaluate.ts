import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { BATCH_DEFAULTS, SCORE_DEFAULTS, TRAIN_DEFAULTS } from '../config/defaults.js';
import { writeFileAtomic } from '../io/csv-write.js';
import { artifactFile, inSampleOverlap, loadArtifact } from '../models/artifact.js';
import { evaluateRiskModel, formatEvaluation, type EvaluationReport } from '../models/evaluate-model.js';
import { evaluateItemModel, formatItemEvaluation, loadItemModel } from '../models/evaluate-item-model.js';
import { evaluatePopulation, formatPopulation, type PopulationReport } from '../models/evaluate-population.js';
import { readTruth } from '../evaluate/truth.js';
import { ConfigError } from '../util/errors.js';
import { loadRiskProfile } from '../rules/index.js';
import { openScoreStore } from '../score/run-score.js';
import { UsageError } from '../util/errors.js';
import { contextFromArgs, duckDbOptionsFromArgs, type GlobalArgs } from './context.js';
import { inputsFromArgs, withFileOptions, type FileArgs } from './store-args.js';
import { MODEL_INPUT_IDS } from '../models/inputs.js';
import { isPeriod } from '../util/period.js';

interface EvaluateArgs extends GlobalArgs, FileArgs {
  model?: string;
  from?: string;
  to?: string;
  capacity?: number;
  store?: string;
  out?: string;
  'risk-profile'?: string;
  threads?: number;
  'memory-limit'?: string;
  truth?: string;
}


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
      .option('store', { type: 'string', describe: `DuckDB store to read [default: ${BATCH_DEFAULTS.store}, unless input files are given]` })
      .option('out', { type: 'string', describe: `Run folder for evaluation.json [default: ${BATCH_DEFAULTS.outRoot}/<to>]` })
      .option('risk-profile', { type: 'string', describe: 'Risk profile compared with [default: profiles/default.yaml]' })
      .option('truth', { type: 'string', describe: 'Generated data only: a generator truth.csv; also ranks the whole population of every month of the window and scores the rankings against it' })
      .option('threads', { type: 'number', describe: 'DuckDB worker threads' })
      .option('memory-limit', { type: 'string', describe: `DuckDB memory limit [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<EvaluateArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    const modelPath = artifactFile(String(args.model));
    const from = args.from ?? '';
    const to = args.to ?? '';
    if (!isPeriod(from) || !isPeriod(to) || from > to) throw new UsageError(`--from and --to must be months YYYY-MM with --from <= --to, got "${from}" and "${to}"`);
    const capacity = args.capacity ?? null;
    if (capacity !== null && (!Number.isInteger(capacity) || capacity < 1)) throw new UsageError(`--capacity must be a whole number >= 1, got ${String(capacity)}`);
    const inputs = await inputsFromArgs(args);
    if (inputs.length > 0 && args.store !== undefined) throw new UsageError('Give either --store or input files, not both');
    const store = args.store ?? BATCH_DEFAULTS.store;
    if (inputs.length === 0 && !existsSync(store)) throw new UsageError(`The store ${store} does not exist: run ccrg ingest first, or give input files`);
    const { artifact } = await loadArtifact(modelPath, { kind: 'risk' });
    const inSample = inSampleOverlap(artifact, from, to);
    if (inSample !== null) ctx.logger.warn(inSample.note);
    const source = inputs.length > 0 ? { inputs, mappingPath: args.mapping ?? null } : { store };
    if (artifact.level === 'item') {
      if (args.truth !== undefined) throw new UsageError('--truth ranks participants: it applies to participant models, and this is an item model');
      const { db } = await openScoreStore({ source, duckdb: { memoryLimit: BATCH_DEFAULTS.memoryLimit, ...duckDbOptionsFromArgs(args) } }, ctx.clock, ctx.logger);
      try {
        const { loaded, set } = await loadItemModel(db, modelPath);
        const report = await evaluateItemModel(db, loaded, set, { from, to, capacity, features: SCORE_DEFAULTS, seed: TRAIN_DEFAULTS.seed });
        const out = args.out ?? join(BATCH_DEFAULTS.outRoot, to);
        await writeFileAtomic(join(out, 'evaluation.json'), `${JSON.stringify({ model: modelPath, inSample, ...report }, null, 2)}\n`);
        ctx.stdout(`${formatItemEvaluation(report)}\n\nwrote ${join(out, 'evaluation.json')}`);
      } finally {
        db.close();
      }
      return;
    }
    const loaded = await loadArtifact(modelPath, { kind: 'risk', level: 'participant', features: MODEL_INPUT_IDS });
    const profile = await loadRiskProfile(args['risk-profile'] ?? null);
    const { db } = await openScoreStore({ source, duckdb: { memoryLimit: BATCH_DEFAULTS.memoryLimit, ...duckDbOptionsFromArgs(args) } }, ctx.clock, ctx.logger);
    const truthPath = args.truth ?? null;
    if (truthPath !== null && !existsSync(truthPath)) throw new UsageError(`The truth file ${truthPath} does not exist`);
    const truth = truthPath === null ? null : await readTruth(truthPath);
    try {
      const config = { from, to, capacity, features: SCORE_DEFAULTS, profile, seed: TRAIN_DEFAULTS.seed };
      let report: EvaluationReport | null = null;
      try {
        report = await evaluateRiskModel(db, loaded, config);
      } catch (error) {
        // With a truth file the whole population is evaluated, so a window without completed inspections still has an answer.
        if (!(error instanceof ConfigError) || truth === null) throw error;
        ctx.logger.warn(error.message);
      }
      let population: PopulationReport | null = null;
      if (truth !== null && truthPath !== null) population = await evaluatePopulation(db, loaded, config, truth, truthPath, ctx.logger);
      const out = args.out ?? join(BATCH_DEFAULTS.outRoot, to);
      const json = { model: modelPath, inSample, ...(report ?? { window: { from, to }, examples: 0 }), ...(population === null ? {} : { population }) };
      await writeFileAtomic(join(out, 'evaluation.json'), `${JSON.stringify(json, null, 2)}\n`);
      const printed = [report === null ? null : formatEvaluation(report), population === null ? null : formatPopulation(population)].filter((x) => x !== null);
      ctx.stdout(`${printed.join('\n\n')}\n\nwrote ${join(out, 'evaluation.json')}`);
    } finally {
      db.close();
    }
  },
};
