/** `ccrg train`: learn the risk model from past inspections and write its folder (model.json, model-card.md). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SCORE_DEFAULTS, TRAIN_DEFAULTS } from '../config/defaults.js';
import { checkReplaceable, MODEL_FOLDER, replaceDirectory } from '../io/run-dir.js';
import { serializeArtifact } from '../models/risk/artifact.js';
import { modelCardMarkdown } from '../models/monitoring/model-card.js';
import { trainItemModel } from '../models/risk/train-item.js';
import { loadTrainParams } from '../models/risk/train-params.js';
import { trainParticipantModel } from '../models/risk/train.js';
import { loadRiskProfile } from '../rules/index.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { isCalendarDate } from '../util/period.js';
import { codeVersion } from '../util/version.js';
import { engineOf, sourceOf, withSource, type SourceOptions } from './store.js';
import { windowOf } from './window.js';

/** The options of `ccrg train`, as the user gives them. */
export interface TrainOptions extends SourceOptions {
  level?: string;
  from?: string;
  to?: string;
  out?: string;
  seed?: number;
  'risk-profile'?: string;
  'known-by'?: string;
  refit?: string;
  params?: string;
}

/** The values of `--refit`. */
export const REFIT_MODES = ['all-labels', 'none'] as const;

/** Trains a model on the examples of the window and replaces its folder; returns the lines to print. */
export async function train(options: TrainOptions, clock: Clock, logger: Logger): Promise<string> {
  const { from, to } = windowOf(options);
  const knownBy = options['known-by'];
  if (knownBy !== undefined && !isCalendarDate(knownBy)) throw new UsageError(`--known-by must be a date YYYY-MM-DD, got "${knownBy}"`);
  const level = options.level ?? 'participant';
  if (level !== 'participant' && level !== 'item') throw new UsageError(`--level must be participant or item, got "${level}"`);
  const seed = options.seed ?? TRAIN_DEFAULTS.seed;
  const refit = REFIT_MODES.find((m) => m === (options.refit ?? TRAIN_DEFAULTS.refit));
  if (refit === undefined) throw new UsageError(`--refit must be one of ${REFIT_MODES.join(', ')}, got "${String(options.refit)}"`);
  if (level === 'item' && options['risk-profile'] !== undefined) throw new UsageError('--risk-profile applies to --level participant only: the risk profile scores participants, not items');
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number >= 0, got ${String(seed)}`);
  const source = await sourceOf(options);
  const out = options.out ?? (level === 'item' ? TRAIN_DEFAULTS.item.out : TRAIN_DEFAULTS.out);
  await checkReplaceable(out, MODEL_FOLDER);
  const profile = level === 'participant' ? await loadRiskProfile(options['risk-profile'] ?? null) : null;
  const defaults = level === 'item' ? TRAIN_DEFAULTS.item : TRAIN_DEFAULTS;
  const { classifier, amount } = options.params === undefined ? defaults : (await loadTrainParams(options.params, defaults)).params;
  return withSource(source, engineOf(options), clock, logger, async ({ db }) => {
    const common = {
      from,
      to,
      seed,
      validationShare: TRAIN_DEFAULTS.validationShare,
      stoppingShare: TRAIN_DEFAULTS.stoppingShare,
      refit: { mode: refit, folds: TRAIN_DEFAULTS.crossFitFolds },
      features: SCORE_DEFAULTS,
      codeVersion: codeVersion(),
      ...(knownBy === undefined ? {} : { knownBy }),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    };
    const result =
      profile === null
        ? await trainItemModel(db, { ...common, classifier, amount }, logger)
        : await trainParticipantModel(db, { ...common, classifier, amount, profile }, logger);
    for (const w of result.warnings) logger.warn(w);
    await replaceDirectory(
      out,
      async (dir) => {
        await writeFile(join(dir, 'model.json'), serializeArtifact(result.artifact));
        await writeFile(join(dir, 'model-card.md'), modelCardMarkdown(result.artifact));
      },
      MODEL_FOLDER,
    );
    const m = result.artifact.metrics;
    return [
      refit === 'all-labels'
        ? `tree count chosen on ${result.split.fit + result.split.stopping} examples (${result.split.fit} fit, ${result.split.stopping} early stopping), validated on ${result.split.validation}; ` +
          `refitted on all ${result.artifact.labelCount.examples} labelled examples, calibrated on cross-fitted scores; wrote ${out}/model.json and model-card.md`
        : `trained on ${result.split.fit + result.split.stopping} examples (${result.split.fit} fit, ${result.split.stopping} early stopping and calibration), validated on ${result.split.validation}; wrote ${out}/model.json and model-card.md`,
      level === 'item'
        ? `validation item-level AUC: model ${String(m['aucModel'])}; Brier ${String(m['brierModel'])}`
        : `validation AUC: model ${String(m['aucModel'])}, risk profile ${String(m['aucProfile'])}; Brier ${String(m['brierModel'])}`,
    ].join('\n');
  });
}
