/**
 * Training objectives: each gives per-row gradient and hessian of its loss
 * with respect to the raw margin, a starting margin, the link back to the
 * response scale and the loss used for early stopping. `gamma` fits skewed
 * positive amounts (charges given a violation) on a log link.
 */

/** Identifier of a training objective. */
export type ObjectiveId = 'logistic' | 'squared-error' | 'gamma';

/** A twice-differentiable loss over raw margins. */
export interface Objective {
  readonly id: ObjectiveId;
  /** Name of the validation metric: the weighted mean of {@link Objective.loss}. */
  readonly metric: string;
  /** A message when `y` is not a legal label, else null. */
  checkLabel(y: number): string | null;
  /** The constant margin that minimises the weighted loss (the model's starting point). */
  baseMargin(y: ArrayLike<number>, w: ArrayLike<number> | null): number;
  /** Writes gradient and hessian (times the row weight) for every row. */
  gradients(
    margin: Float64Array,
    y: ArrayLike<number>,
    w: ArrayLike<number> | null,
    grad: Float64Array,
    hess: Float64Array,
  ): void;
  /** Margin to response scale (probability for logistic, mean amount for gamma). */
  transform(margin: number): number;
  /** Loss of one row, unweighted. */
  loss(margin: number, y: number): number;
}

function weightedMean(y: ArrayLike<number>, w: ArrayLike<number> | null): number {
  let sy = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === null ? 1 : w[i]!;
    sy += wi * y[i]!;
    sw += wi;
  }
  return sw > 0 ? sy / sw : 0;
}

function sigmoid(m: number): number {
  return 1 / (1 + Math.exp(-m));
}

const logistic: Objective = {
  id: 'logistic',
  metric: 'logloss',
  checkLabel: (y) => (y === 0 || y === 1 ? null : `logistic labels must be 0 or 1, got ${y}`),
  baseMargin(y, w) {
    // Clamped so that an all-0 or all-1 sample still gives a finite start.
    const p = Math.min(1 - 1e-6, Math.max(1e-6, weightedMean(y, w)));
    return Math.log(p / (1 - p));
  },
  gradients(margin, y, w, grad, hess) {
    for (let i = 0; i < margin.length; i++) {
      const p = 1 / (1 + Math.exp(-margin[i]!));
      const wi = w === null ? 1 : w[i]!;
      grad[i] = wi * (p - y[i]!);
      // Floor keeps leaf weights finite once predictions saturate (as XGBoost does).
      hess[i] = wi * Math.max(p * (1 - p), 1e-16);
    }
  },
  transform: sigmoid,
  loss(m, y) {
    // log(1 + e^-m) for y = 1 and log(1 + e^m) for y = 0, without overflow.
    const z = y === 1 ? -m : m;
    return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  },
};

const squaredError: Objective = {
  id: 'squared-error',
  metric: 'mse',
  checkLabel: (y) => (Number.isFinite(y) ? null : `squared-error labels must be finite, got ${y}`),
  baseMargin: weightedMean,
  gradients(margin, y, w, grad, hess) {
    for (let i = 0; i < margin.length; i++) {
      const wi = w === null ? 1 : w[i]!;
      grad[i] = wi * (margin[i]! - y[i]!);
      hess[i] = wi;
    }
  },
  transform: (m) => m,
  loss: (m, y) => (m - y) * (m - y),
};

/**
 * Gamma regression with a log link (XGBoost `reg:gamma`): margin = log of the
 * mean amount. Gradients are those of the gamma negative log-likelihood in
 * the margin, y·e^(−m) + m (the shape parameter only scales them); the
 * reported loss is the unit gamma deviance 2·(y/μ − log(y/μ) − 1), which is 0
 * at a perfect fit and twice the likelihood up to a constant in m.
 */
const gamma: Objective = {
  id: 'gamma',
  metric: 'gamma-deviance',
  checkLabel: (y) => (y > 0 && Number.isFinite(y) ? null : `gamma labels must be finite amounts > 0, got ${y}`),
  baseMargin(y, w) {
    // A sample of all-zero weights gives mean 0; start at log 1 rather than -Infinity.
    const mean = weightedMean(y, w);
    return mean > 0 ? Math.log(mean) : 0;
  },
  gradients(margin, y, w, grad, hess) {
    for (let i = 0; i < margin.length; i++) {
      const wi = w === null ? 1 : w[i]!;
      const ratio = y[i]! * Math.exp(-margin[i]!);
      grad[i] = wi * (1 - ratio);
      // The hessian y/μ is positive for y > 0 but underflows when μ ≫ y; floored as for logistic.
      hess[i] = wi * Math.max(ratio, 1e-16);
    }
  },
  transform: Math.exp,
  loss(m, y) {
    const ratio = y * Math.exp(-m);
    return 2 * (ratio - Math.log(y) + m - 1);
  },
};

/** Every objective by id; the compiler forces an entry for each {@link ObjectiveId}. */
export const OBJECTIVES: Record<ObjectiveId, Objective> = {
  logistic,
  'squared-error': squaredError,
  gamma,
};

/** The objective for an id, or a precise error for an unknown one. */
export function objectiveFromId(id: string): Objective {
  const objective = (OBJECTIVES as Record<string, Objective | undefined>)[id];
  if (objective === undefined) {
    throw new Error(`Unknown GBDT objective ${JSON.stringify(id)}: expected one of ${Object.keys(OBJECTIVES).join(', ')}`);
  }
  return objective;
}
