import type { Db } from '../../io/db.js';
import { ConfigError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import { asOfDates, fitRisk, riskArtifact, splitByTime, validationMetrics, type LabelledExample } from './fit-risk.js';
import { itemExampleFeatures, itemExamples, itemFeatureSet, type ItemExample } from './item-examples.js';
import { logRefit, type TrainConfig, type TrainingMatrix, type TrainResult } from './train.js';

/** What `ccrg train --level item` needs, defaults resolved: the participant configuration without a risk profile (it scores participants, not items). */
export type ItemTrainConfig = Omit<TrainConfig, 'profile'>;

/** The labelled items of the window with their item features as of each example's date. */
export async function itemTrainingMatrix(
  db: Db,
  config: Pick<ItemTrainConfig, 'from' | 'to' | 'knownBy' | 'validationShare' | 'stoppingShare' | 'features'>,
  logger: Logger,
): Promise<TrainingMatrix<ItemExample>> {
  const warnings: string[] = [];
  const all = await itemExamples(db, { from: config.from, to: config.to, ...(config.knownBy === undefined ? {} : { knownBy: config.knownBy }) });
  const asOfs = asOfDates(all);
  if (all.length < 100 || asOfs.length < 3) {
    throw new ConfigError(
      `Too few labelled items to train: ${all.length} over ${asOfs.length} as-of dates in ${config.from}..${config.to}; ` +
        'at least 100 over 3 as-of months are needed (widen --from/--to, or load item outcomes or declarations with labels)',
    );
  }
  const split = splitByTime(all, config.validationShare, config.stoppingShare);
  const { fit, stopping, validation, droppedUnknownLabel, validationStart } = split;
  logger.info(`item examples: ${fit.length} to fit, ${stopping.length} for early stopping and calibration, ${validation.length} to validate (from ${validationStart}); ${droppedUnknownLabel} dropped (label known only after ${validationStart})`);

  const set = await itemFeatureSet(db);
  logger.info(`computing ${set.features.length} item features for ${asOfs.length} as-of dates`);
  const { values, notFound } = await itemExampleFeatures(db, all, set, config.features);
  if (notFound > 0) warnings.push(`${notFound} labelled items were not in the store's declarations of the control period as of their date: their own figures are missing`);
  return { all, split, names: set.features, values, warnings };
}

/**
 * Trains the item-level risk model on labelled declaration items (items
 * examined in inspections, and label columns carried on declaration rows):
 * a logistic GBDT on the item's own figures, extra numeric columns and
 * entity history rates as of each example's date, calibrated, plus a gamma
 * GBDT for the charges given a violation when enough charges are known.
 *
 * The time split is that of the participant model (src/models/risk/fit-risk.ts):
 * the last `validationShare` of the as-of dates validate, training labels
 * must be known before the validation part starts, the latest training
 * dates stop the trees and fit the calibrator. Only the store is read.
 */
export async function trainItemModel(db: Db, config: ItemTrainConfig, logger: Logger): Promise<TrainResult> {
  const { all, split, names, values, warnings } = await itemTrainingMatrix(db, config, logger);
  const { fit, stopping, validation, droppedUnknownLabel } = split;
  const refit = { ...config.refit, groupOf: (e: LabelledExample) => (e as ItemExample).declId, groupName: 'declaration' };
  const fitted = await fitRisk(values, names, all, split, { classifier: config.classifier, amount: config.amount, seed: config.seed, refit, threads: config.threads }, warnings);
  logRefit(logger, fitted.refit);
  const artifact = riskArtifact({
    level: 'item',
    names,
    values,
    all,
    split,
    classifier: fitted.classifier,
    amount: fitted.amount,
    calibrator: fitted.calibrator,
    refit: fitted.refit,
    metrics: validationMetrics(all, validation, fitted.validationProbability, null),
    shares: { validationShare: config.validationShare, stoppingShare: config.stoppingShare },
    seed: config.seed,
    window: { from: config.from, to: config.to },
    fingerprintRows: all.map((e) => `${e.exampleId},${e.inn},${e.asOf},${e.label},${e.chargesRub},${e.knownDate}`),
    codeVersion: config.codeVersion,
  });
  return { artifact, split: { fit: fit.length, stopping: stopping.length, validation: validation.length, droppedUnknownLabel }, warnings };
}
