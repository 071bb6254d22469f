/**
 * Training an isolation forest: each tree on its own subsample of
 * `sampleSize` rows drawn without replacement, all draws from one seeded
 * stream.
 */

import { stridesOf, type FeatureMatrix } from '../gbdt/matrix.js';
import { IsolationForestModel } from './IsolationForestModel.js';
import { resolveIsolationForestParams, type IsolationForestParams } from './params.js';
import { IsolationForestRandom } from './random.js';
import { growIsolationTree, sampleRowsWithoutReplacement, type IsolationTree } from './tree.js';

/** Rows to learn from: no labels, only features. */
export interface IsolationForestDataset {
  /** Feature values; NaN is missing, ±Infinity is refused. */
  readonly x: FeatureMatrix;
}

/** Options of {@link trainIsolationForest}. */
export interface TrainIsolationForestOptions {
  /** Names of the matrix columns, in order; stored in the model and checked on load. */
  readonly featureNames: readonly string[];
  /** Hyperparameters; missing ones take their defaults (see {@link IsolationForestParams}). */
  readonly params?: Partial<IsolationForestParams>;
}

/**
 * Fits an isolation forest for cold-start anomaly scores (no outcomes
 * needed). Deterministic for given data and params (including seed). Needs
 * at least 2 rows; with fewer rows than `sampleSize` every tree uses all of
 * them.
 */
export function trainIsolationForest(train: IsolationForestDataset, options: TrainIsolationForestOptions): IsolationForestModel {
  const { x } = train;
  const { featureNames } = options;
  checkTrainingMatrix(x, featureNames);
  const params = resolveIsolationForestParams(options.params, x.nRows);
  const subsampleSize = Math.min(params.sampleSize, x.nRows);
  const rng = new IsolationForestRandom(params.seed);
  const pool = Int32Array.from({ length: x.nRows }, (_, i) => i);
  const trees: IsolationTree[] = [];
  for (let t = 0; t < params.nTrees; t++) {
    const rows = sampleRowsWithoutReplacement(pool, subsampleSize, rng);
    trees.push(growIsolationTree(x, rows, params.maxDepth, rng));
  }
  return new IsolationForestModel({
    featureNames: [...featureNames],
    params,
    training: { nRows: x.nRows, subsampleSize },
    trees,
  });
}

function checkTrainingMatrix(x: FeatureMatrix, featureNames: readonly string[]): void {
  const { rowStride, colStride } = stridesOf(x);
  if (x.nCols !== featureNames.length) {
    throw new Error(`The training matrix has ${x.nCols} columns but ${featureNames.length} feature names were given`);
  }
  if (x.nRows < 2) throw new Error(`An isolation forest needs at least 2 training rows, got ${x.nRows}`);
  for (let r = 0; r < x.nRows; r++) {
    for (let c = 0; c < x.nCols; c++) {
      const v = x.values[r * rowStride + c * colStride]!;
      if (v === Infinity || v === -Infinity) {
        throw new Error(
          `The training value at row ${r}, column ${c} (${JSON.stringify(featureNames[c])}) is ${v}: isolation forest values must be finite, or NaN for missing`,
        );
      }
    }
  }
}
