/**
 * Hyperparameters of the isolation forest, their defaults and range checks.
 */

/** Hyperparameters of {@link trainIsolationForest}; names follow Liu et al. (2008) and scikit-learn. */
export interface IsolationForestParams {
  /** Trees in the forest. Default 100. */
  readonly nTrees: number;
  /**
   * Rows drawn without replacement to build each tree (ψ in the paper).
   * When the training set has fewer rows, every tree uses all of them.
   * Default 256.
   */
  readonly sampleSize: number;
  /**
   * Deepest split level; deeper points count as not isolated and get the
   * c(n) correction for the rows left in their leaf. Default
   * ceil(log2(ψ)), ψ the rows per tree actually used (8 for 256 rows).
   */
  readonly maxDepth: number;
  /** Seed of the row sampling and the random splits (32-bit integer). Default 1. */
  readonly seed: number;
}

/** Defaults of the hyperparameters that do not depend on the data. */
export const ISOLATION_FOREST_DEFAULTS: Omit<IsolationForestParams, 'maxDepth'> = {
  nTrees: 100,
  sampleSize: 256,
  seed: 1,
};

/** The default depth limit for trees built on `subsampleSize` rows: ceil(log2), at least 1. */
export function defaultMaxDepth(subsampleSize: number): number {
  return Math.max(1, Math.ceil(Math.log2(subsampleSize)));
}

/**
 * Defaults overlaid with `params`, after checking every value's range.
 * `nRows` (the training rows) sets the default `maxDepth`; without it,
 * `maxDepth` must be given.
 */
export function resolveIsolationForestParams(params: Partial<IsolationForestParams> = {}, nRows?: number): IsolationForestParams {
  const merged = { ...ISOLATION_FOREST_DEFAULTS, ...params };
  const check = (name: keyof IsolationForestParams, value: number, ok: boolean, expected: string): void => {
    if (!ok) throw new Error(`${name} must be ${expected}, got ${String(value)}`);
  };
  const isInt = Number.isInteger;
  const { nTrees, sampleSize, seed } = merged;
  check('nTrees', nTrees, isInt(nTrees) && nTrees >= 1, 'an integer >= 1');
  check('sampleSize', sampleSize, isInt(sampleSize) && sampleSize >= 2, 'an integer >= 2');
  check('seed', seed, isInt(seed) && seed >= -(2 ** 31) && seed < 2 ** 32, 'a 32-bit integer');
  let maxDepth = params.maxDepth;
  if (maxDepth === undefined) {
    if (nRows === undefined) throw new Error('maxDepth must be given when the training rows are unknown');
    maxDepth = defaultMaxDepth(Math.min(sampleSize, nRows));
  }
  check('maxDepth', maxDepth, isInt(maxDepth) && maxDepth >= 1 && maxDepth <= 30, 'an integer in 1..30');
  return { nTrees, sampleSize, maxDepth, seed };
}
