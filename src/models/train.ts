import { FEATURES } from '../features/compute.js';
import type { FeatureDef, FeatureParams } from '../features/types.js';
import { fitIsotonic, fitPlatt, type Calibrator } from '../evaluate/calibration.js';
import { auc, brierScore, topKReport } from '../evaluate/metrics.js';
import type { Db } from '../io/db.js';
import { evaluateIndicators, type RiskProfile } from '../rules/index.js';
import { ConfigError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import {
  ARTIFACT_FORMAT,
  ARTIFACT_FORMAT_VERSION,
  distributionOf,
  fingerprintOf,
  importanceTable,
  type MetricTable,
  type RiskModelArtifact,
} from './artifact.js';
import { exampleFeatures, participantExamples, type ParticipantExample } from './examples.js';
import { predictRisk } from './predict.js';
import { trainGbdt, type FeatureMatrix, type GbdtModel, type GbdtParams } from './gbdt/index.js';

/** What `ccrg train --level participant` needs, defaults resolved. */
export interface TrainConfig {
  /** First and last as-of month of the examples, YYYY-MM. */
  from: string;
  to: string;
  seed: number;
  /** Classifier hyperparameters (objective and seed are set here). */
  classifier: Partial<GbdtParams>;
  /** Amount model hyperparameters (gamma objective). */
  amount: Partial<GbdtParams>;
  /** Share of the as-of months, at the end, held out for validation. */
  validationShare: number;
  /** Share of the training months, at their end, used for early stopping and calibration. */
  stoppingShare: number;
  features: Omit<FeatureParams, 'asOf'>;
  /** The risk profile the model is compared with. */
  profile: RiskProfile;
  codeVersion: string;
}

/** A trained model and what was learnt on the way. */
export interface TrainResult {
  artifact: RiskModelArtifact;
  /** Counts of the time split. */
  split: { fit: number; stopping: number; validation: number; droppedUnknownLabel: number };
  warnings: string[];
}

const TOP_SHARES = [0.01, 0.02, 0.05, 0.1];

function matrixOf(values: Float64Array, nCols: number, rows: readonly number[]): FeatureMatrix {
  const out = new Float64Array(rows.length * nCols);
  rows.forEach((r, i) => out.set(values.subarray(r * nCols, (r + 1) * nCols), i * nCols));
  return { values: out, nRows: rows.length, nCols, layout: 'row-major' };
}

function months(examples: readonly ParticipantExample[]): string[] {
  return [...new Set(examples.map((e) => e.asOf))].sort();
}

/**
 * Trains the participant-level risk model on past inspections:
 * a logistic GBDT on the features `score` computes (as of each example's
 * date), calibrated, plus a gamma GBDT for the charges given a violation.
 *
 * Time is respected throughout: the last `validationShare` of the as-of
 * months is held out; training examples must have their labels known
 * before the validation part starts; early stopping and calibration use
 * the latest `stoppingShare` of the training months, never the validation
 * part. Nothing but the store is read (no truth file).
 */
export async function trainParticipantModel(db: Db, config: TrainConfig, logger: Logger): Promise<TrainResult> {
  const warnings: string[] = [];
  const all = await participantExamples(db, { from: config.from, to: config.to });
  const asOfs = months(all);
  if (all.length < 30 || asOfs.length < 3) {
    throw new ConfigError(
      `Too few labelled examples to train: ${all.length} completed inspections over ${asOfs.length} as-of months in ${config.from}..${config.to}; ` +
        'at least 30 over 3 months are needed (widen --from/--to or load more outcomes)',
    );
  }
  const validationMonths = Math.max(1, Math.ceil(asOfs.length * config.validationShare));
  const validationStart = asOfs[asOfs.length - validationMonths] as string;
  const trainMonths = asOfs.filter((m) => m < validationStart);
  const stoppingMonths = Math.max(1, Math.ceil(trainMonths.length * config.stoppingShare));
  const stoppingStart = trainMonths[trainMonths.length - stoppingMonths] as string;

  const fit: number[] = [];
  const stopping: number[] = [];
  const validation: number[] = [];
  let droppedUnknownLabel = 0;
  all.forEach((e, i) => {
    if (e.asOf >= validationStart) validation.push(i);
    // A training label must be known before the validation part starts.
    else if (e.knownDate >= validationStart) droppedUnknownLabel++;
    else if (e.asOf >= stoppingStart) stopping.push(i);
    else fit.push(i);
  });
  if (fit.length === 0 || validation.length === 0) {
    throw new ConfigError(`The time split left ${fit.length} training and ${validation.length} validation examples: widen --from/--to`);
  }
  logger.info(`examples: ${fit.length} to fit, ${stopping.length} for early stopping and calibration, ${validation.length} to validate (from ${validationStart}); ${droppedUnknownLabel} dropped (label known only after ${validationStart})`);

  logger.info(`computing features for ${asOfs.length} as-of dates`);
  const { values, outsideUniverse } = await exampleFeatures(db, all, config.features, FEATURES, logger);
  if (outsideUniverse > 0) warnings.push(`${outsideUniverse} examples had no declaration in the feature window at their as-of date: their features are all missing`);
  const names = FEATURES.map((f) => f.id);
  const n = names.length;
  const labels = (rows: readonly number[]): Float64Array => Float64Array.from(rows, (r) => (all[r] as ParticipantExample).label);

  const hasBothClasses = (rows: readonly number[]): boolean => {
    const y = labels(rows);
    return y.some((v) => v === 1) && y.some((v) => v === 0);
  };
  const earlyStopping = stopping.length > 0 && hasBothClasses(stopping);
  if (!hasBothClasses(fit)) throw new ConfigError('The training examples have only one class: no model can be learnt from them');
  const classifierParams: Partial<GbdtParams> = {
    ...config.classifier,
    objective: 'logistic',
    seed: config.seed,
    ...(earlyStopping ? {} : { earlyStoppingRounds: 0 }),
  };
  if (!earlyStopping) warnings.push('no early stopping: the latest training months hold no example of both classes');
  const classifier = trainGbdt(
    { x: matrixOf(values, n, fit), y: labels(fit) },
    { featureNames: names, params: classifierParams, ...(earlyStopping ? { validation: { x: matrixOf(values, n, stopping), y: labels(stopping) } } : {}) },
  );

  const calibrator = calibrate(classifier, values, n, all, stopping.length > 0 ? stopping : fit, warnings);
  const amount = trainAmount(values, n, all, fit, config, warnings);

  const models = { kind: 'risk' as const, classifier, amount, calibrator };
  const probabilityOf = (rows: readonly number[]): Float64Array => predictRisk(models, matrixOf(values, n, rows)).probability;
  const metrics = validationMetrics(all, validation, probabilityOf(validation), rulesScores(validation, values, FEATURES, config.profile));
  metrics['featureImportance'] = importanceTable(classifier.featureImportance());
  metrics['trees'] = classifier.toJSON().trees.length;

  const trainingRows = [...fit, ...stopping];
  const featureDistributions = Object.fromEntries(
    names.map((name, j) => [name, distributionOf(Float64Array.from(trainingRows, (r) => values[r * n + j] as number))]),
  );
  const artifact: RiskModelArtifact = {
    format: ARTIFACT_FORMAT,
    formatVersion: ARTIFACT_FORMAT_VERSION,
    kind: 'risk',
    level: 'participant',
    features: names,
    hyperparameters: {
      classifier: { ...flatParams(classifier.toJSON().params) },
      ...(amount === null ? {} : { amount: { ...flatParams(amount.toJSON().params) } }),
      split: { validationShare: config.validationShare, stoppingShare: config.stoppingShare, validationStart, stoppingStart },
    },
    seed: config.seed,
    window: { from: config.from, to: config.to },
    dataFingerprint: fingerprintOf(all.map((e) => `${e.exampleId},${e.inn},${e.asOf},${e.label},${e.chargesRub},${e.knownDate}`)),
    labelCount: { examples: trainingRows.length, positives: trainingRows.filter((r) => (all[r] as ParticipantExample).label === 1).length },
    metrics,
    featureDistributions,
    scoreDistribution: distributionOf(probabilityOf(trainingRows)),
    createdWith: { codeVersion: config.codeVersion },
    body: {
      classifier: classifier.toJSON(),
      ...(amount === null ? {} : { amount: amount.toJSON() }),
      ...(calibrator === null ? {} : { calibrator: calibrator.toJSON() }),
    },
  };
  return { artifact, split: { fit: fit.length, stopping: stopping.length, validation: validation.length, droppedUnknownLabel }, warnings };
}

function flatParams(params: object): Record<string, number | string | boolean | null> {
  const out: Record<string, number | string | boolean | null> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : v === null ? null : JSON.stringify(v);
  return out;
}

/**
 * Calibrates on the rows not used to grow the trees. Risk-selected
 * inspections overstate the violation rate of the population: the random
 * slice is used when it is large enough, inverse-propensity weights when
 * every row has one; otherwise a warning says the probabilities are those
 * of selected participants.
 */
function calibrate(classifier: GbdtModel, values: Float64Array, n: number, all: readonly ParticipantExample[], rows: readonly number[], warnings: string[]): Calibrator | null {
  const random = rows.filter((r) => (all[r] as ParticipantExample).selection === 'random');
  const withPropensity = rows.filter((r) => (all[r] as ParticipantExample).propensity !== null);
  let use: readonly number[] = rows;
  let weights: Float64Array | undefined;
  if (random.length >= 30) use = random;
  else if (withPropensity.length === rows.length && rows.length > 0) weights = Float64Array.from(rows, (r) => 1 / ((all[r] as ParticipantExample).propensity as number));
  else warnings.push(`calibrated on ${rows.length} mostly risk-selected inspections (${random.length} random): probabilities describe selected participants and may be inflated`);
  const y = Float64Array.from(use, (r) => (all[r] as ParticipantExample).label);
  if (!y.some((v) => v === 1) || !y.some((v) => v === 0)) {
    warnings.push('not calibrated: the calibration examples hold only one class');
    return null;
  }
  const p = classifier.predictProbability(matrixOf(values, n, use));
  return use.length >= 200 ? fitIsotonic(p, y, weights) : fitPlatt(p, y, weights);
}

/** E[charges | violation]: a gamma GBDT on the violating training examples with charges. */
function trainAmount(values: Float64Array, n: number, all: readonly ParticipantExample[], fit: readonly number[], config: TrainConfig, warnings: string[]): GbdtModel | null {
  const rows = fit.filter((r) => (all[r] as ParticipantExample).label === 1 && (all[r] as ParticipantExample).chargesRub > 0);
  if (rows.length < 20) {
    warnings.push(`no amount model: ${rows.length} violating training examples with charges (at least 20 are needed); expected charges stay empty`);
    return null;
  }
  return trainGbdt(
    { x: matrixOf(values, n, rows), y: Float64Array.from(rows, (r) => (all[r] as ParticipantExample).chargesRub) },
    { featureNames: FEATURES.map((f) => f.id), params: { ...config.amount, objective: 'gamma', seed: config.seed, earlyStoppingRounds: 0 } },
  );
}

/** The risk profile's score of each row, for the side-by-side comparison. */
function rulesScores(rows: readonly number[], values: Float64Array, features: readonly FeatureDef[], profile: RiskProfile): Float64Array {
  const map = new Map(features.map((f) => [f.id, f]));
  return Float64Array.from(rows, (r) => {
    const row: Record<string, number | null> = {};
    features.forEach((f, j) => {
      const v = values[r * features.length + j] as number;
      row[f.id] = Number.isNaN(v) ? null : v;
    });
    return evaluateIndicators(profile, row, { lang: 'en', disabled: new Set(), features: map }).score;
  });
}

/** AUC, Brier and the top-k table of the model beside the risk profile and random, on the validation part. */
function validationMetrics(all: readonly ParticipantExample[], rows: readonly number[], probability: Float64Array, rules: Float64Array): Record<string, number | string | null | MetricTable> {
  const y = Float64Array.from(rows, (r) => (all[r] as ParticipantExample).label);
  const charges = Float64Array.from(rows, (r) => (all[r] as ParticipantExample).chargesRub);
  const ids = rows.map((r) => (all[r] as ParticipantExample).exampleId);
  const finite = (x: number): number | null => (Number.isFinite(x) ? Number(x.toFixed(6)) : null);
  const model = topKReport(probability, y, charges, ids, { shares: TOP_SHARES });
  const profile = topKReport(rules, y, charges, ids, { shares: TOP_SHARES });
  const table: MetricTable = {
    columns: ['top', 'model precision', 'model revenue', 'profile precision', 'profile revenue', 'random precision', 'random revenue'],
    rows: model.rows.map((m, i) => {
      const p = profile.rows[i];
      return [`${TOP_SHARES[i] === undefined ? '' : TOP_SHARES[i] * 100}%`, finite(m.precision), finite(m.revenue), finite(p?.precision ?? Number.NaN), finite(p?.revenue ?? Number.NaN), finite(model.baseRate), finite(m.selectedShare)];
    }),
  };
  return {
    validationExamples: rows.length,
    validationPositives: y.reduce((a, b) => a + b, 0),
    aucModel: finite(auc(probability, y)),
    aucProfile: finite(auc(rules, y)),
    brierModel: finite(brierScore(probability, y)),
    topK: table,
  };
}
