import { FEATURES } from '../../features/compute.js';
import type { FeatureParams } from '../../features/types.js';
import type { Db } from '../../io/db.js';
import type { Evaluation, RiskProfile } from '../../rules/index.js';
import { ConfigError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { ProfileMargin, RiskModelArtifact } from './artifact.js';
import { exampleFeatures, participantExamples, type ExampleFeatures, type ParticipantExample } from './examples.js';
import { asOfDates, fitRisk, riskArtifact, splitByTime, validationMetrics, type LabelledExample, type RefitSummary, type TimeSplit } from './fit-risk.js';
import { MODEL_INPUTS, PROFILE_INPUTS, evaluateRows, modelInputValues } from './inputs.js';
import { fitPlatt } from '../learners/calibration.js';
import type { GbdtParams } from '../learners/gbdt/index.js';

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
  /** Share of the training months, at their end, used for early stopping (and calibration without a refit). */
  stoppingShare: number;
  /** Whether the shipped model is refitted on every label (src/models/risk/fit-risk.ts `fitRisk`), and the cross-fitting folds. */
  refit: { mode: 'all-labels' | 'none'; folds: number };
  features: Omit<FeatureParams, 'asOf'>;
  /** The risk profile the model is compared with, and whose points it reads (src/models/risk/inputs.ts). */
  profile: RiskProfile;
  codeVersion: string;
  /** Train as on this date (YYYY-MM-DD): only labels known by then count, i.e. inspections completed (and, for items, label lags passed) (default: every known one). */
  knownBy?: string;
  /** Threads that grow the trees (default: the machine's cores); the model is the same for any count. */
  threads?: number;
}

/** A trained model and what was learnt on the way. */
export interface TrainResult {
  artifact: RiskModelArtifact;
  /** Counts of the time split. */
  split: { fit: number; stopping: number; validation: number; droppedUnknownLabel: number };
  warnings: string[];
}

/** Declaration items with a label of their own (a generic mapping's labels, or the findings of item_outcomes). */
async function labelledItemCount(db: Db): Promise<number> {
  const rows = await db.all(`SELECT (SELECT count(*) FROM declarations WHERE label_violation IS NOT NULL OR label_charges_rub IS NOT NULL)
    + (SELECT count(*) FROM item_outcomes) AS n`);
  return Number(rows[0]?.['n'] ?? 0);
}

/** Says in the log how the shipped classifier was obtained. */
export function logRefit(logger: Logger, refit: RefitSummary): void {
  logger.info(
    refit.mode === 'all-labels'
      ? `refitted on all ${refit.rows} labelled examples with ${refit.trees} trees (${refit.treesChosen} chosen by ${refit.chosenBy}); calibrated on ${refit.calibration}`
      : `no refit: shipped the model grown on ${refit.rows} examples with ${refit.trees} trees; calibrated on ${refit.calibration}`,
  );
}

/** Slope below which the profile's points would no longer order the participants (a flat or reversed fit is floored here). */
const MIN_PROFILE_SLOPE = 1e-6;

/**
 * The risk profile's score (the sum of its points per authority) mapped to
 * log-odds on the fit examples: a logistic fit of the label on the points,
 * the classifier's starting margin. A fit that finds the points no better
 * than flat (slope <= 0: the inspected participants were picked by the
 * profile, so among them it may not separate) keeps the profile's order
 * with a floor slope, and says so.
 */
export function fitProfileMargin(values: Float64Array, names: readonly string[], all: readonly LabelledExample[], rows: readonly number[], warnings: string[]): ProfileMargin {
  const columns = PROFILE_INPUTS.map((f) => f.id);
  const n = names.length;
  const at = columns.map((c) => names.indexOf(c));
  const points = Float64Array.from(rows, (r) => at.reduce((sum, j) => sum + values[r * n + j]!, 0));
  const labels = Float64Array.from(rows, (r) => (all[r] as LabelledExample).label);
  const platt = fitPlatt(points, labels);
  if (!(platt.a > MIN_PROFILE_SLOPE)) {
    warnings.push(
      `the risk profile's points do not separate the ${rows.length} fit examples (fitted slope ${platt.a.toFixed(6)}): the model starts from the profile's order with a floor slope and learns the rest from the features`,
    );
  }
  return { intercept: platt.b, slope: Math.max(platt.a, MIN_PROFILE_SLOPE), columns };
}

/** The examples of a training window, their time split and their model inputs: what training fits, and `export examples` writes. */
export interface TrainingMatrix<E extends LabelledExample> {
  all: E[];
  split: TimeSplit;
  /** The model inputs, in column order. */
  names: readonly string[];
  /** Row-major, examples × names. */
  values: Float64Array;
  warnings: string[];
}

/** The participant examples of the window with their features and the risk profile's points, as of each example's date. */
export async function participantTrainingMatrix(
  db: Db,
  config: Pick<TrainConfig, 'from' | 'to' | 'knownBy' | 'validationShare' | 'stoppingShare' | 'features' | 'profile'>,
  logger: Logger,
): Promise<TrainingMatrix<ParticipantExample> & { evaluations: Evaluation[]; population: ExampleFeatures['population'] }> {
  const warnings: string[] = [];
  const all = await participantExamples(db, { from: config.from, to: config.to, ...(config.knownBy === undefined ? {} : { knownBy: config.knownBy }) });
  const asOfs = asOfDates(all);
  if (all.length < 30 || asOfs.length < 3) {
    const items = await labelledItemCount(db);
    throw new ConfigError(
      `Too few labelled examples to train: ${all.length} completed inspections over ${asOfs.length} as-of months in ${config.from}..${config.to}; ` +
        'at least 30 over 3 months are needed (widen --from/--to or load more outcomes)' +
        (items > 0 ? `. The store holds ${items} labelled declaration items: to train on them, use --level item` : ''),
    );
  }
  const split = splitByTime(all, config.validationShare, config.stoppingShare);
  const { fit, stopping, validation, droppedUnknownLabel, validationStart } = split;
  logger.info(`examples: ${fit.length} to fit, ${stopping.length} for early stopping and calibration, ${validation.length} to validate (from ${validationStart}); ${droppedUnknownLabel} dropped (label known only after ${validationStart})`);

  logger.info(`computing features for ${asOfs.length} as-of dates`);
  const computed = await exampleFeatures(db, all, config.features, FEATURES, logger);
  const { outsideUniverse } = computed;
  if (outsideUniverse > 0) warnings.push(`${outsideUniverse} examples had no declaration in the feature window at their as-of date: their features are all missing`);
  // The model reads the features and the risk profile's points (src/models/risk/inputs.ts).
  const evaluations = evaluateRows(computed.values, all.length, config.profile);
  const values = modelInputValues(computed.values, all.length, config.profile, evaluations);
  const population = computed.population === null ? null : { ...computed.population, values: modelInputValues(computed.population.values, computed.population.rows, config.profile) };
  const names = MODEL_INPUTS.map((f) => f.id);
  return { all, split, names, values, warnings, evaluations, population };
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
  const { all, split, names, values, warnings, evaluations, population } = await participantTrainingMatrix(db, config, logger);
  const { fit, stopping, validation, droppedUnknownLabel } = split;
  const refit = { ...config.refit, groupOf: (e: LabelledExample) => (e as ParticipantExample).inn, groupName: 'participant' };
  const profileMargin = fitProfileMargin(values, names, all, split.fit, warnings);
  logger.info(`the risk profile's points as starting log-odds: ${profileMargin.intercept.toFixed(4)} + ${profileMargin.slope.toFixed(6)} x points`);
  const fitted = await fitRisk(values, names, all, split, { classifier: config.classifier, amount: config.amount, seed: config.seed, refit, threads: config.threads, profileMargin, calibration: 'platt' }, warnings);
  logRefit(logger, fitted.refit);
  const metrics = validationMetrics(all, validation, fitted.validationProbability, { name: 'profile', scores: Float64Array.from(validation, (r) => (evaluations[r] as Evaluation).score) });
  const artifact = riskArtifact({
    level: 'participant',
    names,
    values,
    all,
    split,
    classifier: fitted.classifier,
    amount: fitted.amount,
    calibrator: fitted.calibrator,
    refit: fitted.refit,
    metrics,
    shares: { validationShare: config.validationShare, stoppingShare: config.stoppingShare },
    seed: config.seed,
    window: { from: config.from, to: config.to },
    fingerprintRows: all.map((e) => `${e.exampleId},${e.inn},${e.asOf},${e.label},${e.chargesRub},${e.knownDate}`),
    codeVersion: config.codeVersion,
    population,
    riskProfile: config.profile,
    profileMargin: fitted.profileMargin,
    rankingEvidence: {
      from: split.validationStart,
      model: Array.from(fitted.validationProbability, (p) => Number(p.toFixed(6))),
      profile: validation.map((r) => (evaluations[r] as Evaluation).score),
      label: validation.map((r) => (all[r] as ParticipantExample).label),
      chargesRub: validation.map((r) => (all[r] as ParticipantExample).chargesRub),
      propensity: validation.map((r) => (all[r] as ParticipantExample).propensity),
    },
  });
  return { artifact, split: { fit: fit.length, stopping: stopping.length, validation: validation.length, droppedUnknownLabel }, warnings };
}
