/**
 * Calibration: maps a model's score to P(violation). Fit on examples whose
 * labels are not selection-biased (the random-selection slice), or on all
 * inspected examples with Horvitz-Thompson weights 1/π, so that the
 * probabilities, and plan totals built from them, are not inflated by the
 * inspectors having picked likely violators.
 */
import { checkFiniteScores, checkLabels, checkLengths, checkWeights, weightAt } from '../stats/inputs.js';

/** Serialised isotonic calibration: a non-decreasing step function. */
export interface IsotonicCalibrationJson {
  kind: 'isotonic';
  /** Strictly increasing: the lowest score of each step. */
  thresholds: number[];
  /** Non-decreasing, within [0, 1]: the probability on each step. */
  values: number[];
}

/** Serialised Platt calibration: P = 1 / (1 + exp(−(a · score + b))). */
export interface PlattCalibrationJson {
  kind: 'platt';
  a: number;
  b: number;
}

export type CalibrationJson = IsotonicCalibrationJson | PlattCalibrationJson;

/** A fitted score → probability map. */
export interface Calibrator {
  readonly kind: CalibrationJson['kind'];
  /** P(violation) for one score; NaN for a NaN score. */
  apply(score: number): number;
  /** `apply` over an array. */
  applyAll(scores: ArrayLike<number>): Float64Array;
  toJSON(): CalibrationJson;
}

function applyAll(calibrator: Calibrator, scores: ArrayLike<number>): Float64Array {
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = calibrator.apply(scores[i]!);
  return out;
}

/**
 * A non-decreasing step function: a score gets the value of the last step
 * whose threshold is ≤ the score; scores below the first threshold get the
 * first value. So a score between two fitted blocks takes the lower block's
 * value, and beyond the fitted range the function is flat.
 */
export class IsotonicCalibrator implements Calibrator {
  readonly kind = 'isotonic' as const;
  readonly thresholds: readonly number[];
  readonly values: readonly number[];

  constructor(thresholds: readonly number[], values: readonly number[]) {
    if (thresholds.length === 0 || thresholds.length !== values.length) {
      throw new Error(`IsotonicCalibrator needs as many thresholds as values, at least one; got ${thresholds.length} thresholds and ${values.length} values`);
    }
    for (let i = 0; i < thresholds.length; i++) {
      const t = thresholds[i]!;
      const v = values[i]!;
      if (!Number.isFinite(t) || (i > 0 && !(t > thresholds[i - 1]!))) throw new Error(`IsotonicCalibrator: thresholds must be finite and strictly increasing; threshold ${i} is ${t}`);
      if (!(v >= 0 && v <= 1) || (i > 0 && v < values[i - 1]!)) throw new Error(`IsotonicCalibrator: values must be within [0, 1] and non-decreasing; value ${i} is ${v}`);
    }
    this.thresholds = [...thresholds];
    this.values = [...values];
  }

  apply(score: number): number {
    if (Number.isNaN(score)) return NaN;
    let lo = 0;
    let hi = this.thresholds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.thresholds[mid]! <= score) lo = mid;
      else hi = mid - 1;
    }
    return this.values[lo]!;
  }

  applyAll(scores: ArrayLike<number>): Float64Array {
    return applyAll(this, scores);
  }

  toJSON(): IsotonicCalibrationJson {
    return { kind: 'isotonic', thresholds: [...this.thresholds], values: [...this.values] };
  }

  static fromJSON(json: unknown): IsotonicCalibrator {
    const j = json as Partial<IsotonicCalibrationJson> | null;
    if (j?.kind !== 'isotonic') throw new Error(`IsotonicCalibrator.fromJSON: expected kind isotonic, got ${String(j?.kind)}`);
    if (!Array.isArray(j.thresholds) || !Array.isArray(j.values)) throw new Error('IsotonicCalibrator.fromJSON: thresholds and values must be arrays');
    return new IsotonicCalibrator(j.thresholds, j.values);
  }
}

/** P = 1 / (1 + exp(−(a · score + b))). */
export class PlattCalibrator implements Calibrator {
  readonly kind = 'platt' as const;

  constructor(
    readonly a: number,
    readonly b: number,
  ) {
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new Error(`PlattCalibrator needs finite a and b, got a = ${a}, b = ${b}`);
  }

  apply(score: number): number {
    return sigmoid(this.a * score + this.b);
  }

  applyAll(scores: ArrayLike<number>): Float64Array {
    return applyAll(this, scores);
  }

  toJSON(): PlattCalibrationJson {
    return { kind: 'platt', a: this.a, b: this.b };
  }

  static fromJSON(json: unknown): PlattCalibrator {
    const j = json as Partial<PlattCalibrationJson> | null;
    if (j?.kind !== 'platt') throw new Error(`PlattCalibrator.fromJSON: expected kind platt, got ${String(j?.kind)}`);
    if (typeof j.a !== 'number' || typeof j.b !== 'number') throw new Error(`PlattCalibrator.fromJSON: a and b must be numbers, got ${typeof j.a} and ${typeof j.b}`);
    return new PlattCalibrator(j.a, j.b);
  }
}

/** Restores either calibrator from its JSON, dispatching on `kind`. */
export function calibratorFromJson(json: unknown): Calibrator {
  const kind = (json as { kind?: unknown } | null)?.kind;
  if (kind === 'isotonic') return IsotonicCalibrator.fromJSON(json);
  if (kind === 'platt') return PlattCalibrator.fromJSON(json);
  throw new Error(`calibratorFromJson: expected kind isotonic or platt, got ${String(kind)}`);
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Weighted isotonic regression of label on score by pool-adjacent-violators:
 * the non-decreasing step function minimising Σ w (f(score) − label)².
 * Examples with equal scores are pooled first (one score, one value);
 * adjacent blocks are pooled while the left mean is ≥ the right one, so
 * consecutive steps have strictly increasing values. Examples with weight 0
 * are ignored. Throws when no example has weight.
 */
export function fitIsotonic(scores: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): IsotonicCalibrator {
  const fn = 'fitIsotonic';
  const n = scores.length;
  checkLengths(fn, n, { labels, weights });
  checkFiniteScores(fn, scores);
  checkLabels(fn, labels);
  checkWeights(fn, weights);
  const order = Int32Array.from({ length: n }, (_, i) => i)
    .filter((i) => weightAt(weights, i) > 0)
    .sort((a, b) => (scores[a]! < scores[b]! ? -1 : scores[a]! > scores[b]! ? 1 : 0));
  if (order.length === 0) throw new Error(`${fn}: no example with positive weight among ${n}`);
  // The block stack: lowest score, total weight and weighted label sum of each block.
  const low: number[] = [];
  const weight: number[] = [];
  const sum: number[] = [];
  for (let r = 0; r < order.length; ) {
    // Equal scores enter as one point, so they cannot end up in different blocks.
    const s = scores[order[r]!]!;
    let w = 0;
    let wy = 0;
    for (; r < order.length && scores[order[r]!] === s; r++) {
      const i = order[r]!;
      w += weightAt(weights, i);
      wy += weightAt(weights, i) * labels[i]!;
    }
    low.push(s);
    weight.push(w);
    sum.push(wy);
    // Pool while the left neighbour's mean is not below the new block's; pooling may cascade leftwards.
    for (let t = low.length - 1; t > 0 && sum[t - 1]! / weight[t - 1]! >= sum[t]! / weight[t]!; t--) {
      weight[t - 1]! += weight[t]!;
      sum[t - 1]! += sum[t]!;
      low.pop();
      weight.pop();
      sum.pop();
    }
  }
  return new IsotonicCalibrator(
    low,
    low.map((_, t) => Math.min(1, Math.max(0, sum[t]! / weight[t]!))),
  );
}

/** Options of `fitPlatt`. */
export interface PlattOptions {
  /**
   * Platt's targets (N₊ + 1)/(N₊ + 2) for positives and 1/(N₋ + 2) for
   * negatives instead of 1 and 0 (N₊, N₋: weighted class totals), which keeps
   * a and b finite on separable data; default true.
   */
  smoothing?: boolean;
  /** Newton iterations before giving up; default 100. */
  maxIterations?: number;
}

/**
 * Weighted logistic regression of label on score (Platt scaling), fitted by
 * Newton's method with backtracking line search (Lin, Lin & Weng 2007),
 * minimising Σ w · logloss(target, σ(a · score + b)). Throws if it does not
 * converge within `maxIterations`.
 */
export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>, options: PlattOptions = {}): PlattCalibrator {
  const fn = 'fitPlatt';
  const { smoothing = true, maxIterations = 100 } = options;
  const n = scores.length;
  checkLengths(fn, n, { labels, weights });
  checkLabels(fn, labels);
  checkWeights(fn, weights);
  checkFiniteScores(fn, scores);
  let nPos = 0;
  let nNeg = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) nPos += weightAt(weights, i);
    else nNeg += weightAt(weights, i);
  }
  const total = nPos + nNeg;
  if (!(total > 0)) throw new Error(`${fn}: no example with positive weight among ${n}`);
  const hiTarget = smoothing ? (nPos + 1) / (nPos + 2) : 1;
  const loTarget = smoothing ? 1 / (nNeg + 2) : 0;
  const loss = (a: number, b: number): number => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      const w = weightAt(weights, i);
      if (w === 0) continue;
      const t = labels[i] === 1 ? hiTarget : loTarget;
      const z = a * scores[i]! + b;
      // −t log σ(z) − (1 − t) log(1 − σ(z)), without overflow for large |z|.
      l += w * (z >= 0 ? (1 - t) * z + Math.log1p(Math.exp(-z)) : -t * z + Math.log1p(Math.exp(z)));
    }
    return l;
  };
  let a = 0;
  let b = Math.log((nPos + 1) / (nNeg + 1));
  let current = loss(a, b);
  // Convergence: the Newton decrement, half the predicted loss reduction, below 1e-12 of the total weight.
  const tolerance = 1e-12 * total;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const w = weightAt(weights, i);
      if (w === 0) continue;
      const s = scores[i]!;
      const p = sigmoid(a * s + b);
      const r = w * (p - (labels[i] === 1 ? hiTarget : loTarget));
      const h = w * p * (1 - p);
      ga += r * s;
      gb += r;
      haa += h * s * s;
      hab += h * s;
      hbb += h;
    }
    // A tiny ridge keeps the Hessian invertible when all scores are equal (as in Lin et al.).
    const ridge = 1e-12 * total;
    haa += ridge;
    hbb += ridge;
    const det = haa * hbb - hab * hab;
    const da = -(hbb * ga - hab * gb) / det;
    const db = -(-hab * ga + haa * gb) / det;
    const decrement = -(ga * da + gb * db);
    if (decrement / 2 <= tolerance) return new PlattCalibrator(a, b);
    let step = 1;
    for (;;) {
      const next = loss(a + step * da, b + step * db);
      if (next <= current - 1e-4 * step * decrement) {
        a += step * da;
        b += step * db;
        current = next;
        break;
      }
      step /= 2;
      // No decrease left to find in double precision: as good as converged.
      if (step < 1e-10) return new PlattCalibrator(a, b);
    }
  }
  throw new Error(`${fn}: Newton's method did not converge in ${maxIterations} iterations (a = ${a}, b = ${b}, ${n} examples)`);
}
