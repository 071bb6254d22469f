/**
 * The steps of training a risk model that do not depend on what one example
 * is (participant or item): the time split, the classifier with early
 * stopping, calibration, the amount model and the validation metrics.
 */

import type { RiskProfile } from '../../rules/index.js';
import { profileSnapshot } from './inputs.js';
import { fitIsotonic, fitPlatt, type Calibrator } from '../learners/calibration.js';
import { auc, brierScore, clippedWeightsFromPropensities, topKReport } from '../stats/metrics.js';
import { ConfigError } from '../../util/errors.js';
import { sha256Hex } from '../../util/hash.js';
import {
  ARTIFACT_FORMAT,
  ARTIFACT_FORMAT_VERSION,
  distributionOf,
  fingerprintOf,
  importanceTable,
  type MetricTable,
  type ProfileMargin,
  type MetricValue,
  type ModelLevel,
  type ReferenceDistributions,
  type RiskModelArtifact,
} from './artifact.js';
import { predictRisk, profileOffsets } from './predict.js';
import type { RankingEvidence } from './ranking-evidence.js';
import { OBJECTIVES, resolveParams, trainGbdt, trainGbdtMany, type FeatureMatrix, type GbdtJob, type GbdtModel, type GbdtParams, type ObjectiveId } from '../learners/gbdt/index.js';

/** What the fitting steps read of an example. */
export interface LabelledExample {
  exampleId: string;
  /** YYYY-MM-DD. */
  asOf: string;
  /** The date the label became known, YYYY-MM-DD. */
  knownDate: string;
  label: 0 | 1;
  chargesRub: number;
  /** `random` marks an unbiased (random-selection) example; anything else is treated as selected. */
  selection: string | null;
  propensity: number | null;
  /**
   * True when the label came with the data for every row (label columns
   * carried on declarations) rather than from an inspection that picked the
   * example: such labels describe the population, not a risk selection.
   */
  unselected?: boolean;
}

/** Row indexes of the examples in each part of the time split. */
export interface TimeSplit {
  fit: number[];
  stopping: number[];
  validation: number[];
  /** Training examples whose label became known only in the validation part. */
  droppedUnknownLabel: number;
  /** First as-of date of the validation part and of the early-stopping part. */
  validationStart: string;
  stoppingStart: string;
}

/** Top shares of the validation metrics. */
export const TOP_SHARES = [0.01, 0.02, 0.05, 0.1];

/** A row-major matrix of the given rows of a row-major value array. */
export function matrixOf(values: Float64Array, nCols: number, rows: readonly number[]): FeatureMatrix {
  const out = new Float64Array(rows.length * nCols);
  rows.forEach((r, i) => out.set(values.subarray(r * nCols, (r + 1) * nCols), i * nCols));
  return { values: out, nRows: rows.length, nCols, layout: 'row-major' };
}

/** {@link profileOffsets} of the given rows of a row-major value array whose columns are `names`. */
export function offsetsOf(margin: ProfileMargin | null, names: readonly string[], values: Float64Array, rows: readonly number[]): Float64Array | undefined {
  const n = names.length;
  return profileOffsets(margin, names, { values, nRows: values.length / n, nCols: n, layout: 'row-major' }, rows);
}

/**
 * How much of the classifier's margin the risk profile sets, on the given
 * rows: the spread (standard deviation) of the profile's offsets against
 * that of what the trees add, sd(offset) / (sd(offset) + sd(trees)); 1 when
 * the trees add nothing that varies. 4 decimals.
 */
function profileShare(margin: ProfileMargin, classifier: GbdtModel, names: readonly string[], values: Float64Array, rows: readonly number[]): number {
  const offsets = offsetsOf(margin, names, values, rows) as Float64Array;
  const total = classifier.predictMargin(matrixOf(values, names.length, rows), offsets);
  const trees = Float64Array.from(total, (m, i) => m - offsets[i]!);
  const sd = (x: Float64Array): number => {
    const mean = x.reduce((sum, v) => sum + v, 0) / x.length;
    return Math.sqrt(x.reduce((sum, v) => sum + (v - mean) * (v - mean), 0) / x.length);
  };
  const a = sd(offsets);
  const b = sd(trees);
  return a + b === 0 ? 1 : Number((a / (a + b)).toFixed(4));
}

/** Column `j` of the given rows of a row-major value array. */
function columnOf(values: Float64Array, nCols: number, j: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[(rows[i] as number) * nCols + j] as number;
  return out;
}

/** The distinct as-of dates, ascending. */
export function asOfDates(examples: readonly LabelledExample[]): string[] {
  return [...new Set(examples.map((e) => e.asOf))].sort();
}

/**
 * Splits by time: the last `validationShare` of the as-of dates validate;
 * a training example whose label became known on or after the validation
 * start is dropped (counted); the last `stoppingShare` of the training dates
 * stop the classifier and fit the calibrator. Nothing is split at random.
 */
export function splitByTime(all: readonly LabelledExample[], validationShare: number, stoppingShare: number): TimeSplit {
  const asOfs = asOfDates(all);
  const validationMonths = Math.max(1, Math.ceil(asOfs.length * validationShare));
  const validationStart = asOfs[asOfs.length - validationMonths] as string;
  const trainMonths = asOfs.filter((m) => m < validationStart);
  const stoppingMonths = Math.max(1, Math.ceil(trainMonths.length * stoppingShare));
  const stoppingStart = trainMonths[trainMonths.length - stoppingMonths] as string;
  const split: TimeSplit = { fit: [], stopping: [], validation: [], droppedUnknownLabel: 0, validationStart, stoppingStart };
  all.forEach((e, i) => {
    if (e.asOf >= validationStart) split.validation.push(i);
    // A training label must be known before the validation part starts.
    else if (e.knownDate >= validationStart) split.droppedUnknownLabel++;
    else if (e.asOf >= stoppingStart) split.stopping.push(i);
    else split.fit.push(i);
  });
  if (split.fit.length === 0 || split.validation.length === 0) {
    throw new ConfigError(`The time split left ${split.fit.length} training and ${split.validation.length} validation examples: widen --from/--to`);
  }
  return split;
}

function labelsOf(all: readonly LabelledExample[], rows: readonly number[]): Float64Array {
  return Float64Array.from(rows, (r) => (all[r] as LabelledExample).label);
}

function hasBothClasses(all: readonly LabelledExample[], rows: readonly number[]): boolean {
  const y = labelsOf(all, rows);
  return y.some((v) => v === 1) && y.some((v) => v === 0);
}

/**
 * Fewest examples of each class the early-stopping months need to choose the
 * tree count. Below it their loss curve is noise (the samples' last training
 * months held 3 examples), and the count is chosen by cross-validation on the
 * fit part instead (see {@link fitClassifier}).
 */
export const EARLY_STOPPING_MIN_PER_CLASS = 30;
/** Folds of the cross-validation that chooses the tree count when the early-stopping months are too few. */
export const TREE_COUNT_FOLDS = 5;

/** How {@link fitClassifier} chose its tree count. */
export interface TreeCountChoice {
  /** `all`: every tree, as the hyperparameters asked (earlyStoppingRounds 0); `none`: every tree, for want of both classes to stop on. */
  method: 'early-stopping' | 'cross-validation' | 'all' | 'none';
  /** Trees kept: 0 for the starting margin alone. */
  trees: number;
  /** For cross-validation: the tree count of the lowest loss, of which the one-standard-error rule kept `trees`. */
  lowest?: number;
}

function classCount(all: readonly LabelledExample[], rows: readonly number[]): number {
  const { positives, negatives } = classCounts(all, rows);
  return Math.min(positives, negatives);
}

/**
 * The logistic GBDT grown on the fit part. Its tree count: every tree when
 * `params.earlyStoppingRounds` is 0; otherwise early stopping
 * on the early-stopping months when they hold at least
 * {@link EARLY_STOPPING_MIN_PER_CLASS} examples of each class; otherwise,
 * when `groupOf` is given, the count (0 included: the starting margin alone)
 * that {@link treeCountByFolds} chooses over {@link TREE_COUNT_FOLDS} folds of
 * the fit part drawn by group; otherwise early stopping on whatever the
 * months hold, or every tree when they hold one class (a warning). Few
 * labels thus keep a model grown from the risk profile close to it.
 */
export async function fitClassifier(
  values: Float64Array,
  names: readonly string[],
  all: readonly LabelledExample[],
  split: TimeSplit,
  params: Partial<GbdtParams>,
  seed: number,
  warnings: string[],
  threads?: number,
  margin: ProfileMargin | null = null,
  groupOf?: (e: LabelledExample) => string,
): Promise<{ model: GbdtModel; treeCount: TreeCountChoice }> {
  const n = names.length;
  if (!hasBothClasses(all, split.fit)) throw new ConfigError('The training examples have only one class: no model can be learnt from them');
  const offset = (rows: readonly number[]): { offset?: Float64Array } => {
    const o = offsetsOf(margin, names, values, rows);
    return o === undefined ? {} : { offset: o };
  };
  const options = {
    featureNames: [...names],
    ...(threads === undefined ? {} : { threads }),
    ...(margin === null ? {} : { excludeFeatures: margin.columns }),
  };
  const job = (rows: readonly number[], p: Partial<GbdtParams>, validation?: readonly number[]): GbdtJob => ({
    train: { x: matrixOf(values, n, rows), y: labelsOf(all, rows), ...offset(rows) },
    options: { ...options, params: { ...p, objective: 'logistic', seed }, ...(validation === undefined ? {} : { validation: { x: matrixOf(values, n, validation), y: labelsOf(all, validation), ...offset(validation) } }) },
  });
  const train = (rows: readonly number[], p: Partial<GbdtParams>, validation?: readonly number[]): GbdtModel => {
    const { train: data, options: o } = job(rows, p, validation);
    return trainGbdt(data, o);
  };
  // earlyStoppingRounds 0 asks for every tree: no count is chosen.
  if (resolveParams(params).earlyStoppingRounds === 0) {
    const model = train(split.fit, params);
    return { model, treeCount: { method: 'all', trees: model.trees.length } };
  }
  const stoppingClasses = split.stopping.length > 0 ? classCount(all, split.stopping) : 0;
  if (stoppingClasses < EARLY_STOPPING_MIN_PER_CLASS && groupOf !== undefined) {
    const nTrees = resolveParams(params).nTrees;
    const fold = foldsOf(all, { folds: TREE_COUNT_FOLDS, groupOf }, seed);
    const target = (r: number): number => (all[r] as LabelledExample).label;
    const cv = await treeCountByFolds(
      split.fit,
      fold,
      nTrees,
      'logistic',
      target,
      (rows) => hasBothClasses(all, rows),
      (rows, held) => job(rows, { ...params, earlyStoppingRounds: 0 }, held),
      (rows) => offset(rows).offset,
      threads,
    );
    if (cv !== null) return { model: train(split.fit, { ...params, nTrees: Math.max(1, cv.trees), earlyStoppingRounds: 0 }).firstTrees(cv.trees), treeCount: cv };
  }
  if (stoppingClasses === 0) {
    warnings.push('no early stopping: the latest training months hold no example of both classes');
    const model = train(split.fit, { ...params, earlyStoppingRounds: 0 });
    return { model, treeCount: { method: 'none', trees: model.trees.length } };
  }
  const model = train(split.fit, params, split.stopping);
  return { model, treeCount: { method: 'early-stopping', trees: model.trees.length } };
}

/** How a tree count was chosen, for the log and the model card. */
function treeCountWords(choice: TreeCountChoice, split: TimeSplit, groupName: string): string {
  if (choice.method === 'cross-validation') {
    const lowest = choice.lowest ?? choice.trees;
    const rule =
      lowest === 0
        ? '; no tree improved on the starting margin'
        : choice.trees < lowest
          ? `; the one-standard-error rule kept ${choice.trees} of the ${lowest} trees of the lowest loss`
          : '';
    return `${TREE_COUNT_FOLDS}-fold cross-validation by ${groupName} (the early-stopping months held fewer than ${EARLY_STOPPING_MIN_PER_CLASS} examples of each class)${rule}`;
  }
  if (choice.method === 'early-stopping') return `early stopping on the ${split.stopping.length} examples of the early-stopping months`;
  if (choice.method === 'all') return 'none: every tree, as earlyStoppingRounds 0 asks';
  return 'none: every tree was kept (the early-stopping months hold one class)';
}

/**
 * The tree count by out-of-fold loss of `objective` over folds of `rows`
 * drawn by group: each fold's model is grown on the other folds with every
 * tree and its loss read on the held-out fold after each tree, the starting
 * margin (no tree) included; the fewest trees whose mean loss is within one
 * standard error (of the fold losses at the lowest) of the lowest. Null when a fold leaves
 * nothing usable to grow on (`usable`) or holds nothing out. A held-out fold
 * of one class still measures the loss: when it had to hold both, 38 fit
 * examples of a 2,000-participant store (seed 9002) fell back to early
 * stopping on 3 examples, whose 22 trees recovered 0.57 of the charges in the
 * top 5% against 0.69 for the risk profile alone (docs/quality.md). The folds'
 * fits are independent: they share `threads` (default the cores).
 */
async function treeCountByFolds(
  rows: readonly number[],
  fold: Int32Array,
  nTrees: number,
  objective: ObjectiveId,
  target: (r: number) => number,
  usable: (rows: readonly number[]) => boolean,
  job: (rows: readonly number[], held: readonly number[]) => GbdtJob,
  offsets: (rows: readonly number[]) => Float64Array | undefined,
  threads?: number,
): Promise<TreeCountChoice | null> {
  const { loss } = OBJECTIVES[objective];
  const folds: { held: number[]; rest: number[] }[] = [];
  for (let k = 0; k < TREE_COUNT_FOLDS; k++) {
    const held = rows.filter((r) => fold[r] === k);
    const rest = rows.filter((r) => fold[r] !== k);
    if (!usable(rest) || held.length === 0) return null;
    folds.push({ held, rest });
  }
  const models = await trainGbdtMany(
    folds.map(({ held, rest }) => job(rest, held)),
    threads,
  );
  // byFold[k][t]: fold k's mean held-out loss after t trees (t = 0: the starting margin); total[t]: summed over examples.
  const total = new Float64Array(nTrees + 1);
  const byFold: Float64Array[] = [];
  let n = 0;
  for (const [k, { held }] of folds.entries()) {
    const model = models[k] as GbdtModel;
    const losses = model.training.validationLoss;
    const start = offsets(held);
    const mean = new Float64Array(nTrees + 1);
    held.forEach((r, i) => (mean[0] = (mean[0] as number) + loss(start === undefined ? model.baseMargin : (start[i] as number), target(r)) / held.length));
    for (let t = 1; t <= nTrees; t++) mean[t] = losses[t - 1] as number;
    for (let t = 0; t <= nTrees; t++) total[t] = (total[t] as number) + held.length * (mean[t] as number);
    byFold.push(mean);
    n += held.length;
  }
  let best = 0;
  for (let t = 1; t <= nTrees; t++) if ((total[t] as number) < (total[best] as number)) best = t;
  // The one-standard-error rule: the fewest trees whose loss is within one standard error (across
  // folds) of the lowest. On 39 examples the lowest fell at 228 trees, and that model lost to the rules.
  const atBest = byFold.map((m) => m[best] as number);
  const foldMean = atBest.reduce((a, b) => a + b, 0) / atBest.length;
  const se = Math.sqrt(atBest.reduce((a, b) => a + (b - foldMean) ** 2, 0) / Math.max(1, atBest.length - 1) / atBest.length);
  const within = (total[best] as number) / n + se;
  let chosen = best;
  for (let t = 0; t < best; t++) {
    if ((total[t] as number) / n <= within) {
      chosen = t;
      break;
    }
  }
  return { method: 'cross-validation', trees: chosen, lowest: best };
}

/**
 * Fewest examples of each class a calibration set needs. Below it the random
 * slice is not used, and isotonic regression gives way to Platt scaling.
 * Pool-adjacent-violators makes at most about as many steps as the rarer
 * class has examples, and every example in a step ties: fitted on the few
 * violations of a random slice, it maps almost every score to one or two
 * values, which loses the classifier's ranking (AUC 0.77 -> 0.53 on a
 * 20,000-participant generated store, where 269 random items held 2
 * violations). Platt scaling is strictly increasing, so it keeps the ranking.
 */
export const CALIBRATION_MIN_PER_CLASS = { random: 30, isotonic: 100 } as const;

function classCounts(all: readonly LabelledExample[], rows: readonly number[]): { positives: number; negatives: number } {
  const positives = rows.filter((r) => (all[r] as LabelledExample).label === 1).length;
  return { positives, negatives: rows.length - positives };
}

/**
 * Calibrates on the rows not used to grow the trees. Risk-selected
 * inspections overstate the violation rate of the population: the random
 * slice is used when it holds at least `CALIBRATION_MIN_PER_CLASS.random`
 * examples of each class, inverse-propensity weights clipped at ten times
 * their median when every row has one; otherwise a warning says the probabilities are those of selected
 * examples. Isotonic regression with at least
 * `CALIBRATION_MIN_PER_CLASS.isotonic` examples of each class, Platt scaling
 * below; a Platt slope that is not positive would flatten or reverse the
 * ranking, so the model then stays uncalibrated (a warning).
 */
export function calibrate(
  scoresOf: (rows: readonly number[]) => Float64Array,
  all: readonly LabelledExample[],
  rows: readonly number[],
  warnings: string[],
  method: CalibrationMethod = 'auto',
): Calibrator | null {
  const random = rows.filter((r) => (all[r] as LabelledExample).selection === 'random');
  const withPropensity = rows.filter((r) => (all[r] as LabelledExample).propensity !== null);
  const randomCounts = classCounts(all, random);
  let use: readonly number[] = rows;
  let weights: Float64Array | undefined;
  // Labels that came with every row were not selected for risk: nothing to correct.
  if (rows.every((r) => (all[r] as LabelledExample).unselected === true)) use = rows;
  else if (Math.min(randomCounts.positives, randomCounts.negatives) >= CALIBRATION_MIN_PER_CLASS.random) use = random;
  else if (withPropensity.length === rows.length && rows.length > 0) weights = clippedWeightsFromPropensities(Float64Array.from(rows, (r) => (all[r] as LabelledExample).propensity as number));
  else {
    warnings.push(
      `calibrated on ${rows.length} examples of which ${random.length} were randomly selected (${randomCounts.positives} with a violation; ` +
        `${CALIBRATION_MIN_PER_CLASS.random} of each class are needed to calibrate on them alone): probabilities describe the labelled examples, ` +
        'which were likely selected for their risk, and may be inflated',
    );
  }
  const y = labelsOf(all, use);
  const counts = classCounts(all, use);
  if (counts.positives === 0 || counts.negatives === 0) {
    warnings.push('not calibrated: the calibration examples hold only one class');
    return null;
  }
  const p = scoresOf(use);
  if (method === 'auto' && Math.min(counts.positives, counts.negatives) >= CALIBRATION_MIN_PER_CLASS.isotonic) return fitIsotonic(p, y, weights);
  const platt = fitPlatt(p, y, weights);
  if (!(platt.a > 0)) {
    warnings.push(`not calibrated: Platt scaling on ${use.length} examples (${counts.positives} with a violation) found no increasing relation (slope ${platt.a.toFixed(4)})`);
    return null;
  }
  return platt;
}

/**
 * The classifier's uncalibrated probability of the given rows: the scorer
 * {@link calibrate} reads. `offsets` gives the rows' starting margins of a
 * classifier grown from them (see {@link offsetsOf}).
 */
export function probabilityOf(
  classifier: GbdtModel,
  values: Float64Array,
  nCols: number,
  offsets: (rows: readonly number[]) => Float64Array | undefined = () => undefined,
): (rows: readonly number[]) => Float64Array {
  return (rows) => classifier.predictProbability(matrixOf(values, nCols, rows), offsets(rows));
}

/**
 * `auto`: isotonic regression with enough examples of each class, Platt
 * scaling below; `platt`: Platt scaling always, for lists ranked by the
 * calibrated probability (participants: P × E[charges]). Isotonic regression
 * is a step function: on a 20,000-participant world it mapped the margin to
 * 10 steps, and within a step the amount alone ordered the list (charges in
 * the top 5%: 56.7% against 58.7% with Platt scaling, profile 58.0%).
 */
export type CalibrationMethod = 'auto' | 'platt';

/** The most the refit multiplies the chosen tree count by (see {@link fitRisk}). */
export const MAX_REFIT_SCALE = 2;

/** How the shipped classifier is obtained once the time split has chosen its tree count. */
export interface RefitOptions {
  /**
   * `all-labels`: grown again on every labelled example of the window, with
   * the tree count scaled to the rows and calibrated on cross-fitted
   * predictions; `none`: the model grown on the fit part is shipped, calibrated
   * on the early-stopping part.
   */
  mode: 'all-labels' | 'none';
  /** Folds of the cross-fitting, grouped by {@link RefitOptions.groupOf}. */
  folds: number;
  /** The group an example's fold is drawn by (its declaration, its participant): examples of a group share a fold. */
  groupOf: (e: LabelledExample) => string;
  /** What a group is, in words (`declaration`). */
  groupName: string;
}

/** What the model card says about the refit. */
export interface RefitSummary {
  mode: RefitOptions['mode'];
  /** Trees kept on the fit part (0: the starting margin alone). */
  treesChosen: number;
  /** How that count was chosen, in words, and by which method. */
  chosenBy: string;
  countMethod: TreeCountChoice['method'];
  /** Trees of the shipped classifier. */
  trees: number;
  /** Examples the shipped classifier was grown on. */
  rows: number;
  /** Cross-fitting folds (0 without a refit). */
  folds: number;
  /** Examples whose scores fitted the calibration, and how they were scored. */
  calibration: string;
}

/** The fitted models of a risk artifact, with the validation scores of the model chosen on the time split. */
export interface FittedRisk {
  classifier: GbdtModel;
  calibrator: Calibrator | null;
  amount: GbdtModel | null;
  /** Calibrated probability of each validation row, from the model that never saw them. */
  validationProbability: Float64Array;
  refit: RefitSummary;
  /** The risk profile's starting margin the classifier grew from, or null. */
  profileMargin: ProfileMargin | null;
}

/** A fold in 0..folds-1 per example, the same for every example of a group, drawn from a hash of the seed and the group. */
export function foldsOf(all: readonly LabelledExample[], options: Pick<RefitOptions, 'folds' | 'groupOf'>, seed: number): Int32Array {
  const byGroup = new Map<string, number>();
  return Int32Array.from(all, (e) => {
    const group = options.groupOf(e);
    let fold = byGroup.get(group);
    if (fold === undefined) {
      fold = Number.parseInt(sha256Hex(`${seed}|${group}`).slice(0, 8), 16) % options.folds;
      byGroup.set(group, fold);
    }
    return fold;
  });
}

/**
 * Fits the classifier, its calibration and the amount model.
 *
 * The time split chooses: the classifier grown on the fit part and stopped
 * on the early-stopping part gives the tree count, and, calibrated on the
 * early-stopping part, the validation scores (the honest estimate: those
 * months are never trained on). With `refit.mode` `all-labels` the shipped
 * classifier is then grown on every labelled example of the window (the
 * validation months and the labels known only from them included), with
 * the tree count scaled by the rows (`chosen × min(2, all / fit)`); its calibration
 * is fitted on cross-fitted scores: each example scored by a model grown,
 * with the tree count scaled the same way, on the other folds (folds drawn
 * by group, so no declaration or participant is on both sides). The amount
 * model learns from every violating example with charges. With `none` the
 * chosen model is shipped as it is.
 */
export async function fitRisk(
  values: Float64Array,
  names: readonly string[],
  all: readonly LabelledExample[],
  split: TimeSplit,
  config: {
    classifier: Partial<GbdtParams>;
    amount: Partial<GbdtParams>;
    seed: number;
    refit: RefitOptions;
    threads?: number | undefined;
    /** Grow the classifier from the risk profile's points as log-odds (participant models); its columns are never split on. */
    profileMargin?: ProfileMargin | null;
    /** How the probability is calibrated (default `auto`). */
    calibration?: CalibrationMethod;
  },
  warnings: string[],
): Promise<FittedRisk> {
  const n = names.length;
  const { mode } = config.refit;
  const margin = config.profileMargin ?? null;
  const excluded = margin === null ? {} : { excludeFeatures: margin.columns };
  const { model: chosen, treeCount } = await fitClassifier(values, names, all, split, config.classifier, config.seed, warnings, config.threads, margin, config.refit.groupOf);
  const calibrationRows = split.stopping.length > 0 ? split.stopping : split.fit;
  // With a refit, the chosen model's calibration only serves the validation scores: its warnings are not the shipped model's.
  const chosenWarnings = mode === 'none' ? warnings : [];
  const method = config.calibration ?? 'auto';
  const chosenCalibrator = calibrate(probabilityOf(chosen, values, n, (rows) => offsetsOf(margin, names, values, rows)), all, calibrationRows, chosenWarnings, method);
  const validationProbability = predictRisk(
    { kind: 'risk', classifier: chosen, amount: null, calibrator: chosenCalibrator, profileMargin: margin },
    matrixOf(values, n, split.validation),
  ).probability;
  const treesChosen = chosen.toJSON().trees.length;
  const chosenBy = treeCountWords(treeCount, split, config.refit.groupName);
  if (mode === 'none') {
    return {
      classifier: chosen,
      calibrator: chosenCalibrator,
      amount: await trainAmount(values, names, all, split.fit, config.amount, config.seed, warnings, config.threads, margin?.columns, config.refit.groupOf),
      validationProbability,
      refit: { mode, treesChosen, chosenBy, countMethod: treeCount.method, trees: treesChosen, rows: split.fit.length, folds: 0, calibration: `${calibrationRows.length} examples of the early-stopping part` },
      profileMargin: margin,
    };
  }
  const everyRow = all.map((_, i) => i);
  // Scaled to the rows, at most doubled: when the time split kept few examples to grow on (labels
  // known late), a plain ratio asked for thousands of trees (400 × 47,362 / 5,612 = 3,376).
  const treesFor = (rows: number): number => Math.round(treesChosen * Math.min(MAX_REFIT_SCALE, rows / split.fit.length));
  const job = (rows: readonly number[]): GbdtJob => {
    const offset = offsetsOf(margin, names, values, rows);
    return {
      train: { x: matrixOf(values, n, rows), y: labelsOf(all, rows), ...(offset === undefined ? {} : { offset }) },
      options: {
        featureNames: [...names],
        // A tree count of 0 (the starting margin alone) grows one tree and keeps none (see below).
        params: { ...config.classifier, objective: 'logistic', seed: config.seed, nTrees: Math.max(1, treesFor(rows.length)), earlyStoppingRounds: 0 },
        ...excluded,
      },
    };
  };
  const fold = foldsOf(all, config.refit, config.seed);
  // Each non-empty fold: its held-out rows and the rows its model grows on.
  const splits: { held: number[]; rest: number[] }[] = [];
  for (let k = 0; k < config.refit.folds; k++) {
    const held = everyRow.filter((r) => fold[r] === k);
    if (held.length === 0) continue;
    const rest = everyRow.filter((r) => fold[r] !== k);
    if (!hasBothClasses(all, rest)) {
      throw new ConfigError(`Cross-fitting fold ${k + 1} of ${config.refit.folds} leaves examples of one class only to train on: too few labelled examples to refit (give --refit none)`);
    }
    splits.push({ held, rest });
  }
  // The folds' models and the shipped one are independent fits: they share the cores.
  const jobs = [...splits.map(({ rest }) => rest), everyRow];
  const models = (await trainGbdtMany(jobs.map(job), config.threads)).map((m, i) => m.firstTrees(treesFor((jobs[i] as number[]).length)));
  const crossFitted = new Float64Array(all.length).fill(Number.NaN);
  splits.forEach(({ held }, i) => {
    const p = (models[i] as GbdtModel).predictProbability(matrixOf(values, n, held), offsetsOf(margin, names, values, held));
    held.forEach((r, j) => (crossFitted[r] = p[j] as number));
  });
  const folds = splits.length;
  const calibrator = calibrate((rows) => Float64Array.from(rows, (r) => crossFitted[r] as number), all, everyRow, warnings, method);
  return {
    classifier: models[models.length - 1] as GbdtModel,
    calibrator,
    amount: await trainAmount(values, names, all, everyRow, config.amount, config.seed, warnings, config.threads, margin?.columns, config.refit.groupOf),
    validationProbability,
    refit: {
      mode,
      treesChosen,
      chosenBy,
      countMethod: treeCount.method,
      trees: treesFor(everyRow.length),
      rows: everyRow.length,
      folds,
      calibration: `${everyRow.length} examples, each scored by a model grown on the other ${folds - 1} of ${folds} folds (folds by ${config.refit.groupName})`,
    },
    profileMargin: margin,
  };
}

/**
 * Most violating examples with charges whose amount model gets its tree count
 * by cross-validation (by group; 0 trees: one mean amount for all). Above it
 * every tree is grown: enough rows for the shrinkage and the minimum leaf
 * weight to hold the trees, and five more fits would cost the item models'
 * training time.
 */
export const AMOUNT_CROSS_VALIDATION_MAX_ROWS = 2000;

/**
 * Fewest violating examples with charges an amount model is grown on. Below
 * it the list ranks by the probability alone: an amount learnt from a few
 * dozen charges (22 on the samples' training window) reordered a model that
 * kept the risk profile's ranking and lost a fifth of its charges recovered.
 */
export const AMOUNT_MIN_ROWS = 50;

/** E[charges | violation]: a gamma GBDT on the violating training examples with charges (null below {@link AMOUNT_MIN_ROWS} of them). */
export async function trainAmount(
  values: Float64Array,
  names: readonly string[],
  all: readonly LabelledExample[],
  fit: readonly number[],
  params: Partial<GbdtParams>,
  seed: number,
  warnings: string[],
  threads?: number,
  exclude?: readonly string[],
  groupOf?: (e: LabelledExample) => string,
): Promise<GbdtModel | null> {
  const rows = fit.filter((r) => (all[r] as LabelledExample).label === 1 && (all[r] as LabelledExample).chargesRub > 0);
  if (rows.length < AMOUNT_MIN_ROWS) {
    warnings.push(
      rows.length === 0 && all.every((e) => !(e.chargesRub > 0))
        ? 'no amount model: no labelled example carries charges (the labels have none); expected charges stay empty'
        : `no amount model: ${rows.length} violating training examples with charges (at least ${AMOUNT_MIN_ROWS} are needed); expected charges stay empty`,
    );
    return null;
  }
  const charges = (r: number): number => (all[r] as LabelledExample).chargesRub;
  const options = { featureNames: [...names], ...(threads === undefined ? {} : { threads }), ...(exclude === undefined ? {} : { excludeFeatures: exclude }) };
  const job = (on: readonly number[], nTrees: number, held?: readonly number[]): GbdtJob => ({
    train: { x: matrixOf(values, names.length, on), y: Float64Array.from(on, charges) },
    options: {
      ...options,
      params: { ...params, objective: 'gamma', seed, earlyStoppingRounds: 0, nTrees },
      ...(held === undefined ? {} : { validation: { x: matrixOf(values, names.length, held), y: Float64Array.from(held, charges) } }),
    },
  });
  const grow = (on: readonly number[], nTrees: number): GbdtModel => {
    const { train, options: o } = job(on, nTrees);
    return trainGbdt(train, o);
  };
  const nTrees = resolveParams(params).nTrees;
  if (groupOf === undefined || rows.length > AMOUNT_CROSS_VALIDATION_MAX_ROWS) return grow(rows, nTrees);
  // Few violations with charges: the tree count (0 included: one mean amount for all) by cross-validation.
  const fold = foldsOf(all, { folds: TREE_COUNT_FOLDS, groupOf }, seed);
  const cv = await treeCountByFolds(rows, fold, nTrees, 'gamma', charges, (r) => r.length > 0, (on, held) => job(on, nTrees, held), () => undefined, threads);
  const trees = cv === null ? nTrees : cv.trees;
  return grow(rows, Math.max(1, trees)).firstTrees(trees);
}

/** Hyperparameters as flat JSON scalars (nested values as JSON text). */
function flatParams(params: object): Record<string, number | string | boolean | null> {
  const out: Record<string, number | string | boolean | null> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : v === null ? null : JSON.stringify(v);
  return out;
}

/** A number rounded to 6 decimals, null when not finite (JSON has no NaN). */
export function finiteMetric(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toFixed(6)) : null;
}

/**
 * AUC, Brier and the top-k table of the model beside random (and beside a
 * baseline ranking such as the risk profile, when given), on the validation
 * part. `baseline.name` prefixes its metrics (`aucProfile`, `profile precision`).
 */
export function validationMetrics(
  all: readonly LabelledExample[],
  rows: readonly number[],
  probability: Float64Array,
  baseline: { name: string; scores: Float64Array } | null,
): Record<string, number | string | null | MetricTable> {
  const y = labelsOf(all, rows);
  const charges = Float64Array.from(rows, (r) => (all[r] as LabelledExample).chargesRub);
  const ids = rows.map((r) => (all[r] as LabelledExample).exampleId);
  const model = topKReport(probability, y, charges, ids, { shares: TOP_SHARES });
  const base = baseline === null ? null : topKReport(baseline.scores, y, charges, ids, { shares: TOP_SHARES });
  const table: MetricTable = {
    columns: [
      'top',
      'model precision',
      'model revenue',
      ...(baseline === null ? [] : [`${baseline.name} precision`, `${baseline.name} revenue`]),
      'random precision',
      'random revenue',
    ],
    rows: model.rows.map((m, i) => {
      const b = base?.rows[i];
      return [
        `${TOP_SHARES[i] === undefined ? '' : TOP_SHARES[i] * 100}%`,
        finiteMetric(m.precision),
        finiteMetric(m.revenue),
        ...(base === null ? [] : [finiteMetric(b?.precision ?? Number.NaN), finiteMetric(b?.revenue ?? Number.NaN)]),
        finiteMetric(model.baseRate),
        finiteMetric(m.selectedShare),
      ];
    }),
  };
  const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return {
    validationExamples: rows.length,
    validationPositives: y.reduce((a, b) => a + b, 0),
    aucModel: finiteMetric(auc(probability, y)),
    ...(baseline === null ? {} : { [`auc${capital(baseline.name)}`]: finiteMetric(auc(baseline.scores, y)) }),
    brierModel: finiteMetric(brierScore(probability, y)),
    topK: table,
  };
}

/** Everything {@link riskArtifact} assembles. */
export interface RiskArtifactParts {
  level: ModelLevel;
  names: readonly string[];
  values: Float64Array;
  all: readonly LabelledExample[];
  split: TimeSplit;
  classifier: GbdtModel;
  amount: GbdtModel | null;
  calibrator: Calibrator | null;
  refit: RefitSummary;
  metrics: Record<string, MetricValue>;
  /** Hyperparameters of the split besides its start dates. */
  shares: { validationShare: number; stoppingShare: number };
  seed: number;
  window: { from: string; to: string };
  /** One text row per example for the data fingerprint. */
  fingerprintRows: readonly string[];
  codeVersion: string;
  /** Every unit scored at the latest example date (row-major, `names` order): the drift watch's reference. */
  population?: { asOf: string; rows: number; values: Float64Array } | null;
  /** The risk profile whose points are among `names` (participant models). */
  riskProfile?: RiskProfile;
  /** Participant models: the validation tail `score --rank-by auto` decides by. */
  rankingEvidence?: RankingEvidence;
  profileMargin?: ProfileMargin | null;
}

/** The drift watch's reference: the distributions of every unit scored at one date, features and score. */
function referenceDistributions(names: readonly string[], population: { asOf: string; rows: number; values: Float64Array }, models: Parameters<typeof predictRisk>[0]): ReferenceDistributions {
  const n = names.length;
  const x = { values: population.values, nRows: population.rows, nCols: n, layout: 'row-major' as const };
  return {
    asOf: population.asOf,
    rows: population.rows,
    features: Object.fromEntries(names.map((name, j) => [name, distributionOf(Float64Array.from({ length: population.rows }, (_, r) => population.values[r * n + j] as number))])),
    score: distributionOf(predictRisk(models, x).probability),
  };
}

/**
 * The artifact of a trained risk model: the envelope (training label
 * counts over the fit and stopping parts, per-feature training
 * distributions, the training score distribution) around the components.
 * Adds to the metrics the label counts (how many labelled examples the
 * window held, grew the trees, chose the tree count and the calibration,
 * validated, and were dropped and why), the feature importance and the
 * tree count.
 */
export function riskArtifact(p: RiskArtifactParts): RiskModelArtifact {
  const n = p.names.length;
  const models = { kind: 'risk' as const, classifier: p.classifier, amount: p.amount, calibrator: p.calibrator, profileMargin: p.profileMargin ?? null };
  const refitted = p.refit.mode === 'all-labels';
  const trainingRows = refitted ? p.all.map((_, i) => i) : [...p.split.fit, ...p.split.stopping];
  const labelCounts = {
    columns: ['labels', 'examples'],
    rows: [
      ['labelled in the window', p.all.length],
      ['grew the trees of the model that chose the tree count', p.split.fit.length],
      [
        p.refit.countMethod === 'early-stopping'
          ? `chose the tree count (early stopping)${refitted ? '' : ' and the calibration'}`
          : `the early-stopping months, not stopped on (${p.refit.chosenBy.replace(/ \(.*$/, '')})${refitted ? '' : '; they fitted the calibration'}`,
        p.split.stopping.length,
      ],
      ['validated the chosen model (the latest months, never trained on)', p.split.validation.length],
      [
        `${refitted ? 'left out of the validation only' : 'dropped'}: before the validation months but known only from ${p.split.validationStart}`,
        p.split.droppedUnknownLabel,
      ],
      ...(refitted ? [['grew the trees of the shipped model (every label of the window)', p.refit.rows]] : []),
    ],
  };
  const refit = {
    columns: ['step', 'value'],
    rows: refitted
      ? [
          ['shipped model', 'refitted on every labelled example of the window'],
          [`trees chosen on the fit part by ${p.refit.chosenBy}`, p.refit.treesChosen],
          ['trees of the shipped model (chosen x all examples / fit examples, at most doubled)', p.refit.trees],
          ['calibrated on cross-fitted scores', p.refit.calibration],
        ]
      : [
          ['shipped model', 'the model grown on the fit part (no refit)'],
          [`trees chosen by ${p.refit.chosenBy}`, p.refit.treesChosen],
          ['calibrated on', p.refit.calibration],
        ],
  };
  const margin = p.profileMargin ?? null;
  const metrics = {
    ...p.metrics,
    labelCounts,
    refit,
    featureImportance: importanceTable(p.classifier.featureImportance()),
    trees: p.classifier.toJSON().trees.length,
    ...(margin === null ? {} : { profileShareOfMargin: profileShare(margin, p.classifier, p.names, p.values, trainingRows) }),
  };
  return {
    format: ARTIFACT_FORMAT,
    formatVersion: ARTIFACT_FORMAT_VERSION,
    kind: 'risk',
    level: p.level,
    features: [...p.names],
    hyperparameters: {
      classifier: { ...flatParams(p.classifier.toJSON().params) },
      ...(p.amount === null ? {} : { amount: { ...flatParams(p.amount.toJSON().params) } }),
      split: { ...p.shares, validationStart: p.split.validationStart, stoppingStart: p.split.stoppingStart },
      refit: { mode: p.refit.mode, folds: p.refit.folds, treesChosen: p.refit.treesChosen },
    },
    seed: p.seed,
    window: { ...p.window },
    dataFingerprint: fingerprintOf(p.fingerprintRows),
    labelCount: { examples: trainingRows.length, positives: trainingRows.filter((r) => (p.all[r] as LabelledExample).label === 1).length },
    metrics,
    featureDistributions: Object.fromEntries(p.names.map((name, j) => [name, distributionOf(columnOf(p.values, n, j, trainingRows))])),
    scoreDistribution: distributionOf(predictRisk(models, matrixOf(p.values, n, trainingRows)).probability),
    ...(p.population === undefined || p.population === null || p.population.rows === 0 ? {} : { referenceDistributions: referenceDistributions(p.names, p.population, models) }),
    ...(p.riskProfile === undefined ? {} : { riskProfile: profileSnapshot(p.riskProfile) }),
    ...(p.rankingEvidence === undefined ? {} : { rankingEvidence: p.rankingEvidence }),
    createdWith: { codeVersion: p.codeVersion },
    body: {
      classifier: p.classifier.toJSON(),
      ...(p.amount === null ? {} : { amount: p.amount.toJSON() }),
      ...(p.calibrator === null ? {} : { calibrator: p.calibrator.toJSON() }),
      ...(p.profileMargin === undefined || p.profileMargin === null ? {} : { profileMargin: { ...p.profileMargin, columns: [...p.profileMargin.columns] } }),
    },
  };
}
