import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { BATCH_DEFAULTS, SCORE_DEFAULTS, TRAIN_DEFAULTS } from '../config/defaults.js';
import { checkReplaceable, MODEL_FOLDER, replaceDirectory } from '../io/run-dir.js';
import { serializeArtifact } from '../models/artifact.js';
import { modelCardMarkdown } from '../models/model-card.js';
import { trainParticipantModel } from '../models/train.js';
import { isCalendarDate, isPeriod } from '../util/period.js';
import { trainItemModel } from '../models/train-item.js';
import { loadRiskProfile } from '../rules/index.js';
import { codeVersion, openScoreStore } from '../score/run-score.js';
import { UsageError } from '../util/errors.js';
import { contextFromArgs, duckDbOptionsFromArgs, type GlobalArgs } from './context.js';
import { inputsFromArgs, withFileOptions, type FileArgs } from './store-args.js';
import { existsSync } from 'node:fs';

interface TrainArgs extends GlobalArgs, FileArgs {
  level?: string;
  from?: string;
  to?: string;
  store?: string;
  out?: string;
  seed?: number;
  'risk-profile'?: string;
  threads?: number;
  'memory-limit'?: string;
  'known-by'?: string;
}



/** `ccrg train`: learn the risk model from past inspections. */
export const trainCommand: CommandModule<GlobalArgs, TrainArgs> = {
  command: 'train',
  describe: 'Train the risk model on past inspection outcomes (docs/models.md)',
  builder: (yargs: Argv<GlobalArgs>) =>
    withFileOptions(yargs)
      .option('level', { type: 'string', choices: ['participant', 'item'], default: 'participant', describe: 'What one example is: an inspected participant, or a labelled declaration item' })
      .option('from', { type: 'string', demandOption: true, describe: 'First as-of month of the examples, YYYY-MM' })
      .option('to', { type: 'string', demandOption: true, describe: 'Last as-of month of the examples, YYYY-MM' })
      .option('store', { type: 'string', describe: `DuckDB store to read [default: ${BATCH_DEFAULTS.store}, unless input files are given]` })
      .option('out', { type: 'string', describe: `Folder for model.json and model-card.md [default: ${TRAIN_DEFAULTS.out}, or ${TRAIN_DEFAULTS.item.out} for --level item]` })
      .option('known-by', { type: 'string', describe: 'Train as on this date, YYYY-MM-DD: only labels known by then (inspections completed, label lags passed) make examples [default: every known one]' })
      .option('seed', { type: 'number', describe: `Random seed [default: ${TRAIN_DEFAULTS.seed}]` })
      .option('risk-profile', { type: 'string', describe: 'Risk profile whose points the participant model reads (kept in the artifact) and which it is compared with [default: profiles/default.yaml]' })
      .option('threads', { type: 'number', describe: 'DuckDB worker threads' })
      .option('memory-limit', { type: 'string', describe: `DuckDB memory limit, e.g. 4GB [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<TrainArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    const from = args.from ?? '';
    const to = args.to ?? '';
    if (!isPeriod(from) || !isPeriod(to) || from > to) throw new UsageError(`--from and --to must be months YYYY-MM with --from <= --to, got "${from}" and "${to}"`);
    const knownBy = args['known-by'];
    if (knownBy !== undefined && !isCalendarDate(knownBy)) throw new UsageError(`--known-by must be a date YYYY-MM-DD, got "${knownBy}"`);
    const level = args.level === 'item' ? 'item' : 'participant';
    const seed = args.seed ?? TRAIN_DEFAULTS.seed;
    if (level === 'item' && args['risk-profile'] !== undefined) throw new UsageError('--risk-profile applies to --level participant only: the risk profile scores participants, not items');
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number >= 0, got ${String(seed)}`);
    const inputs = await inputsFromArgs(args);
    if (inputs.length > 0 && args.store !== undefined) throw new UsageError('Give either --store or input files, not both');
    const store = args.store ?? BATCH_DEFAULTS.store;
    if (inputs.length === 0 && !existsSync(store)) throw new UsageError(`The store ${store} does not exist: run ccrg ingest first, or give input files`);
    const source = inputs.length > 0 ? { inputs, mappingPath: args.mapping ?? null } : { store };
    const out = args.out ?? (level === 'item' ? TRAIN_DEFAULTS.item.out : TRAIN_DEFAULTS.out);
    await checkReplaceable(out, MODEL_FOLDER);
    const { db } = await openScoreStore({ source, duckdb: { memoryLimit: BATCH_DEFAULTS.memoryLimit, ...duckDbOptionsFromArgs(args) } }, ctx.clock, ctx.logger);
    try {
      const common = {
        from,
        to,
        seed,
        validationShare: TRAIN_DEFAULTS.validationShare,
        stoppingShare: TRAIN_DEFAULTS.stoppingShare,
        features: SCORE_DEFAULTS,
        codeVersion: codeVersion(),
        ...(knownBy === undefined ? {} : { knownBy }),
      };
      const result =
        level === 'item'
          ? await trainItemModel(db, { ...common, classifier: TRAIN_DEFAULTS.item.classifier, amount: TRAIN_DEFAULTS.item.amount }, ctx.logger)
          : await trainParticipantModel(db, { ...common, classifier: TRAIN_DEFAULTS.classifier, amount: TRAIN_DEFAULTS.amount, profile: await loadRiskProfile(args['risk-profile'] ?? null) }, ctx.logger);
      for (const w of result.warnings) ctx.logger.warn(w);
      await replaceDirectory(
        out,
        async (dir) => {
          await writeFile(join(dir, 'model.json'), serializeArtifact(result.artifact));
          await writeFile(join(dir, 'model-card.md'), modelCardMarkdown(result.artifact));
        },
        MODEL_FOLDER,
      );
      const m = result.artifact.metrics;
      ctx.stdout(
        [
          `trained on ${result.split.fit + result.split.stopping} examples (${result.split.fit} fit, ${result.split.stopping} early stopping and calibration), validated on ${result.split.validation}; wrote ${out}/model.json and model-card.md`,
          level === 'item'
            ? `validation item-level AUC: model ${String(m['aucModel'])}; Brier ${String(m['brierModel'])}`
            : `validation AUC: model ${String(m['aucModel'])}, risk profile ${String(m['aucProfile'])}; Brier ${String(m['brierModel'])}`,
        ].join('\n'),
      );
    } finally {
      db.close();
    }
  },
};
