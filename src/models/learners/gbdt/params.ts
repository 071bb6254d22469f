/**
 * Hyperparameters of the GBDT learner, their defaults and range checks.
 */

import { MAX_BINS } from './binning.js';
import { OBJECTIVES, type ObjectiveId } from './objective.js';

/** Hyperparameters of {@link trainGbdt}; names follow XGBoost where one exists. */
export interface GbdtParams {
  /**
   * Loss to minimise: `logistic` (0/1 labels), `squared-error`, or `gamma`
   * (amounts > 0, log link). Default `logistic`.
   */
  readonly objective: ObjectiveId;
  /** Boosting rounds (most trees). Default 100. */
  readonly nTrees: number;
  /** Shrinkage applied to every leaf (XGBoost `eta`). Default 0.1. */
  readonly learningRate: number;
  /** Deepest split level; depth 1 = stumps. Default 6. */
  readonly maxDepth: number;
  /** Most leaves per tree, grown best-gain-first; 0 = no limit. Default 0. */
  readonly maxLeaves: number;
  /** Smallest hessian sum in a child (XGBoost `min_child_weight`). Default 1. */
  readonly minChildWeight: number;
  /** L2 penalty on leaf weights (XGBoost `lambda`). Default 1. */
  readonly lambda: number;
  /** Smallest loss reduction for a split (XGBoost `gamma`). Default 0. */
  readonly minSplitGain: number;
  /** Share of rows drawn (Bernoulli, per tree) to grow each tree, in (0, 1]. Default 1. */
  readonly rowSubsample: number;
  /** Share of features drawn (without replacement, per tree), in (0, 1]. Default 1. */
  readonly colSubsample: number;
  /**
   * Stop when the validation loss has not improved for this many rounds and
   * keep the trees up to the best round; 0 = off. Needs a validation set.
   * Default 0.
   */
  readonly earlyStoppingRounds: number;
  /** Most bins per feature, 2..255. Default 255. */
  readonly maxBins: number;
  /** Seed of the subsampling draws (32-bit integer). Default 1. */
  readonly seed: number;
}

/** Defaults of every hyperparameter. */
export const GBDT_DEFAULTS: GbdtParams = {
  objective: 'logistic',
  nTrees: 100,
  learningRate: 0.1,
  maxDepth: 6,
  maxLeaves: 0,
  minChildWeight: 1,
  lambda: 1,
  minSplitGain: 0,
  rowSubsample: 1,
  colSubsample: 1,
  earlyStoppingRounds: 0,
  maxBins: MAX_BINS,
  seed: 1,
};

/** Defaults overlaid with `params`, after checking every value's range. */
export function resolveParams(params: Partial<GbdtParams> = {}): GbdtParams {
  const p: GbdtParams = { ...GBDT_DEFAULTS, ...params };
  if (!(p.objective in OBJECTIVES)) {
    throw new Error(`objective must be one of ${Object.keys(OBJECTIVES).join(', ')}, got ${JSON.stringify(p.objective)}`);
  }
  const check = (name: keyof GbdtParams, ok: boolean, expected: string): void => {
    if (!ok) throw new Error(`${name} must be ${expected}, got ${String(p[name])}`);
  };
  const isInt = Number.isInteger;
  check('nTrees', isInt(p.nTrees) && p.nTrees >= 1, 'an integer >= 1');
  check('learningRate', p.learningRate > 0 && Number.isFinite(p.learningRate), 'a finite number > 0');
  check('maxDepth', isInt(p.maxDepth) && p.maxDepth >= 1 && p.maxDepth <= 30, 'an integer in 1..30');
  check('maxLeaves', isInt(p.maxLeaves) && (p.maxLeaves === 0 || p.maxLeaves >= 2), '0 (no limit) or an integer >= 2');
  check('minChildWeight', p.minChildWeight >= 0 && Number.isFinite(p.minChildWeight), 'a finite number >= 0');
  check('lambda', p.lambda >= 0 && Number.isFinite(p.lambda), 'a finite number >= 0');
  check('minSplitGain', p.minSplitGain >= 0 && Number.isFinite(p.minSplitGain), 'a finite number >= 0');
  check('rowSubsample', p.rowSubsample > 0 && p.rowSubsample <= 1, 'in (0, 1]');
  check('colSubsample', p.colSubsample > 0 && p.colSubsample <= 1, 'in (0, 1]');
  check('earlyStoppingRounds', isInt(p.earlyStoppingRounds) && p.earlyStoppingRounds >= 0, 'an integer >= 0');
  check('maxBins', isInt(p.maxBins) && p.maxBins >= 2 && p.maxBins <= MAX_BINS, `an integer in 2..${MAX_BINS}`);
  check('seed', isInt(p.seed) && p.seed >= -(2 ** 31) && p.seed < 2 ** 32, 'a 32-bit integer');
  return p;
}
