/**
 * The boosting loop: bin the training matrix once, then per round compute
 * gradients, draw the row and feature sample, grow a tree and update the
 * margins; optionally track a caller-given validation set for early
 * stopping.
 */

import { checkFinite, checkMaxBins } from './binning.js';
import { GbdtModel, type GbdtTrainingInfo } from './GbdtModel.js';
import { stridesOf, type FeatureMatrix } from './matrix.js';
import { OBJECTIVES, type Objective } from './objective.js';
import { resolveParams, type GbdtParams } from './params.js';
import { GbdtRandom } from './random.js';
import { GrowRunner, GrowShared, binShared, gradientsShared, growThreads } from './grow-tasks.js';
import { addTreeToRowMargins, addTreeToSampledMargins, growTree, leafOf, type Tree } from './tree.js';

/** Rows to learn from or validate on. */
export interface GbdtDataset {
  readonly x: FeatureMatrix;
  /** One label per row (0/1 for logistic). */
  readonly y: ArrayLike<number>;
  /** Optional non-negative sample weights, one per row; default 1. */
  readonly weights?: ArrayLike<number>;
  /**
   * Optional starting margin per row (XGBoost's `base_margin`): the trees
   * learn corrections to it instead of to one constant, and the model's
   * constant starting margin is 0. Given for training, it must be given for
   * the validation rows and for every prediction too.
   */
  readonly offset?: ArrayLike<number>;
}

/** Options of {@link trainGbdt}. */
export interface TrainGbdtOptions {
  /** Names of the matrix columns, in order; stored in the model and checked on load. */
  readonly featureNames: readonly string[];
  /** Hyperparameters; missing ones take {@link GBDT_DEFAULTS}. */
  readonly params?: Partial<GbdtParams>;
  /**
   * Rows for early stopping and the loss history, chosen by the caller
   * (for audit targeting: the latest part of the training period, never a
   * random split).
   */
  readonly validation?: GbdtDataset;
  /**
   * Threads that grow the trees (default: the machine's cores). The model
   * is the same to the last bit for any count; small sets use one.
   */
  readonly threads?: number;
  /**
   * Features the trees may never split on (names from `featureNames`): the
   * columns stay in the matrix, for example to compute an offset from, and
   * their contributions are 0.
   */
  readonly excludeFeatures?: readonly string[];
}

/** Fits gradient-boosted trees. Deterministic for given data and params (including seed). */
export function trainGbdt(train: GbdtDataset, options: TrainGbdtOptions): GbdtModel {
  const params = resolveParams(options.params);
  const objective = OBJECTIVES[params.objective];
  const { featureNames, validation } = options;
  checkDataset('training', train, objective, featureNames.length);
  if (validation !== undefined) checkDataset('validation', validation, objective, featureNames.length);
  const withOffset = train.offset !== undefined;
  if (validation !== undefined && (validation.offset !== undefined) !== withOffset) {
    throw new Error(withOffset ? 'The training set has offsets but the validation set has none' : 'The validation set has offsets but the training set has none');
  }
  if (params.earlyStoppingRounds > 0 && validation === undefined) {
    throw new Error(`earlyStoppingRounds is ${params.earlyStoppingRounds} but no validation set was given`);
  }

  checkMaxBins(params.maxBins);
  checkFinite(train.x);
  const { nRows } = train.x;
  const w = train.weights ?? null;
  const baseMargin = withOffset ? 0 : objective.baseMargin(train.y, w);
  const limits = { lambda: params.lambda, minChildWeight: params.minChildWeight };
  const shared = GrowShared.create(train.x, train.y, w, params.objective, params.maxBins, limits);
  const { margin, rows } = shared;
  if (train.offset === undefined) margin.fill(baseMargin);
  else margin.set(train.offset);
  const excluded = new Set(options.excludeFeatures ?? []);
  for (const name of excluded) {
    if (!featureNames.includes(name)) throw new Error(`excludeFeatures names ${JSON.stringify(name)}, which is not among the feature names`);
  }
  const allFeatures = Int32Array.from(featureNames.flatMap((name, i) => (excluded.has(name) ? [] : [i])));
  if (allFeatures.length === 0) throw new Error('excludeFeatures leaves no feature to split on');
  const rng = new GbdtRandom(params.seed);
  const growOptions = {
    maxDepth: params.maxDepth,
    maxLeaves: params.maxLeaves,
    minChildWeight: params.minChildWeight,
    lambda: params.lambda,
    minSplitGain: params.minSplitGain,
    learningRate: params.learningRate,
  };
  const runner = new GrowRunner(shared, growThreads(nRows, options.threads));
  try {
    return boost();
  } finally {
    runner.close();
  }

  function boost(): GbdtModel {
    const binned = binShared(runner);
    const valMargin =
      validation === undefined ? null : validation.offset === undefined ? new Float64Array(validation.x.nRows).fill(baseMargin) : Float64Array.from(validation.offset);
    const validationLoss: number[] = [];
    // The starting margin competes too: when no tree improves on it, early stopping keeps none.
    let bestIteration = -1;
    let bestLoss = validation === undefined || valMargin === null ? Infinity : meanLoss(objective, valMargin, validation.y, validation.weights ?? null);
    const trees: Tree[] = [];

    for (let t = 0; t < params.nTrees; t++) {
      gradientsShared(runner);
      const nSampled = sampleRows(rows, nRows, params.rowSubsample, rng);
      const features = params.colSubsample < 1 ? sampleFeatures(allFeatures, params.colSubsample, rng) : allFeatures;
      shared.setFeatures(features);
      const grown = growTree({ cuts: binned.cuts, shared, runner, nSampled }, growOptions);
      trees.push(grown.tree);
      // The partition tells each sampled row's leaf; the rows left out of the sample are routed.
      addTreeToSampledMargins(grown, rows, margin);
      if (nSampled < nRows) addTreeToRowMargins(grown, binned, rows.subarray(nSampled, nRows), margin);

      if (validation !== undefined && valMargin !== null) {
        addTreeToMargins(grown.tree, validation.x, valMargin);
        const loss = meanLoss(objective, valMargin, validation.y, validation.weights ?? null);
        validationLoss.push(loss);
        if (loss < bestLoss) {
          bestLoss = loss;
          bestIteration = t;
        } else if (params.earlyStoppingRounds > 0 && t - bestIteration >= params.earlyStoppingRounds) {
          break;
        }
      }
    }

    const roundsTrained = trees.length;
    if (params.earlyStoppingRounds > 0) trees.length = bestIteration + 1;
    const training: GbdtTrainingInfo = {
      nRows,
      roundsTrained,
      metric: validation === undefined ? null : objective.metric,
      validationLoss,
      bestIteration: validation === undefined ? null : bestIteration,
      ...(withOffset ? { offset: true as const } : {}),
    };
    return new GbdtModel({ objective: params.objective, featureNames: [...featureNames], params, baseMargin, trees, training });
  }
}

function checkDataset(role: string, d: GbdtDataset, objective: Objective, nFeatures: number): void {
  stridesOf(d.x);
  if (d.x.nCols !== nFeatures) {
    throw new Error(`The ${role} matrix has ${d.x.nCols} columns but ${nFeatures} feature names were given`);
  }
  if (d.x.nRows === 0) throw new Error(`The ${role} set has no rows`);
  if (d.y.length !== d.x.nRows) {
    throw new Error(`The ${role} set has ${d.y.length} labels for ${d.x.nRows} rows`);
  }
  for (let i = 0; i < d.y.length; i++) {
    const problem = objective.checkLabel(d.y[i]!);
    if (problem !== null) throw new Error(`The ${role} label of row ${i} is wrong: ${problem}`);
  }
  if (d.offset !== undefined) {
    if (d.offset.length !== d.x.nRows) throw new Error(`The ${role} set has ${d.offset.length} offsets for ${d.x.nRows} rows`);
    for (let i = 0; i < d.offset.length; i++) {
      if (!Number.isFinite(d.offset[i]!)) throw new Error(`The ${role} offset of row ${i} must be a finite number, got ${d.offset[i]}`);
    }
  }
  if (d.weights !== undefined) {
    if (d.weights.length !== d.x.nRows) {
      throw new Error(`The ${role} set has ${d.weights.length} weights for ${d.x.nRows} rows`);
    }
    for (let i = 0; i < d.weights.length; i++) {
      const wi = d.weights[i]!;
      if (!(wi >= 0 && Number.isFinite(wi))) {
        throw new Error(`The ${role} weight of row ${i} must be a finite number >= 0, got ${wi}`);
      }
    }
  }
}

// Bernoulli draw per row, as XGBoost's `subsample`; an empty draw keeps all rows. The drawn rows
// fill rows[0..n) and the others rows[n..nRows), each ascending.
function sampleRows(rows: Int32Array, nRows: number, rate: number, rng: GbdtRandom): number {
  let n = 0;
  if (rate >= 1) {
    for (let r = 0; r < nRows; r++) rows[r] = r;
    return nRows;
  }
  let out = nRows;
  for (let r = 0; r < nRows; r++) {
    if (rng.next() < rate) rows[n++] = r;
    else rows[--out] = r;
  }
  rows.subarray(n, nRows).reverse();
  if (n > 0) return n;
  for (let r = 0; r < nRows; r++) rows[r] = r;
  return nRows;
}

// `allowed` ascending; a draw of round(rate × its length) of them, ascending.
function sampleFeatures(allowed: Int32Array, rate: number, rng: GbdtRandom): Int32Array {
  const nFeatures = allowed.length;
  const k = Math.max(1, Math.round(rate * nFeatures));
  const all = allowed.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(nFeatures - i);
    const tmp = all[i]!;
    all[i] = all[j]!;
    all[j] = tmp;
  }
  return all.slice(0, k).sort();
}

function addTreeToMargins(tree: Tree, x: FeatureMatrix, margin: Float64Array): void {
  const { rowStride, colStride } = stridesOf(x);
  for (let r = 0; r < x.nRows; r++) margin[r] = margin[r]! + tree.value[leafOf(tree, x.values, r * rowStride, colStride)]!;
}

function meanLoss(objective: Objective, margin: Float64Array, y: ArrayLike<number>, w: ArrayLike<number> | null): number {
  let sum = 0;
  let sw = 0;
  for (let i = 0; i < margin.length; i++) {
    const wi = w === null ? 1 : w[i]!;
    sum += wi * objective.loss(margin[i]!, y[i]!);
    sw += wi;
  }
  return sw > 0 ? sum / sw : 0;
}
