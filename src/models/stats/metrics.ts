/**
 * Ranking and probability metrics over labelled examples, as pure functions
 * of parallel arrays: scores (higher = riskier), labels (0/1), charges
 * (≥ 0, roubles), ids (tie-breakers) and optional weights.
 *
 * Weights are Horvitz-Thompson weights 1/π, π being an example's
 * probability of having been inspected (see `weightsFromPropensities`):
 * every count and every sum, in numerator and denominator alike, becomes a
 * weighted sum, so a metric estimates its value over the population the
 * inspected examples were drawn from. Without weights every example weighs 1.
 */
import { checkCharges, checkLabels, checkLengths, checkScores, checkWeights, weightAt } from './inputs.js';

/** Example ids that break score ties: numbers compare numerically, otherwise as strings by UTF-16 code units (locale-independent). */
export type Ids = ArrayLike<string | number>;

/**
 * How many examples the top takes: a `share` of the population (0.01 = 1 %)
 * or an absolute `count` (an inspection capacity). With weights both are in
 * weight units, i.e. population units: the top is the shortest prefix of the
 * ranking whose weight reaches `share × total weight`, or `count`. Without
 * weights that is `ceil(share × n)` examples (at least 1 for a share > 0,
 * like `evaluateAgainstTruth`), or `min(count, n)`.
 */
export type TopK = { share: number } | { count: number };

/** 1/π for each inclusion probability π in (0, 1]. */
export function weightsFromPropensities(propensities: ArrayLike<number>): Float64Array {
  const out = new Float64Array(propensities.length);
  for (let i = 0; i < propensities.length; i++) {
    const p = propensities[i]!;
    if (!(p > 0 && p <= 1)) throw new Error(`weightsFromPropensities: propensity at index ${i} is ${p}; expected within (0, 1]`);
    out[i] = 1 / p;
  }
  return out;
}

/** How many times their median inverse-propensity weights are clipped at by {@link clippedWeightsFromPropensities}. */
export const WEIGHT_CLIP_TIMES_MEDIAN = 10;

/**
 * 1/π clipped at {@link WEIGHT_CLIP_TIMES_MEDIAN} times the median of 1/π: for
 * fitting (calibration), where a few random picks weighing thousands of
 * rule picks would decide the fit alone. Clipping trades a bias towards the
 * selected examples for a variance that a handful of rows cannot blow up;
 * the unbiased estimates of an evaluation use {@link weightsFromPropensities}.
 */
export function clippedWeightsFromPropensities(propensities: ArrayLike<number>): Float64Array {
  const w = weightsFromPropensities(propensities);
  if (w.length === 0) return w;
  const sorted = Float64Array.from(w).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const cap = WEIGHT_CLIP_TIMES_MEDIAN * median;
  for (let i = 0; i < w.length; i++) if ((w[i] as number) > cap) w[i] = cap;
  return w;
}

function compareIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * Example indices best first: by score descending, then by id ascending.
 * Equal ids with equal scores keep their input order (the sort is stable);
 * they are taken to be copies of one example, as in a bootstrap resample.
 */
export function rankingOrder(scores: ArrayLike<number>, ids: Ids): Int32Array {
  checkLengths('rankingOrder', scores.length, { ids });
  checkScores('rankingOrder', scores);
  return Int32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => {
    const sa = scores[a]!;
    const sb = scores[b]!;
    if (sa !== sb) return sa > sb ? -1 : 1;
    return compareIds(ids[a]!, ids[b]!);
  });
}

/** Target size of the top in weight units, `k` checked. */
function topTarget(fn: string, k: TopK, totalWeight: number): number {
  if ('share' in k) {
    if (!(k.share >= 0 && k.share <= 1)) throw new Error(`${fn}: share must be within [0, 1], got ${k.share}`);
    return k.share * totalWeight;
  }
  if (!(Number.isInteger(k.count) && k.count >= 0)) throw new Error(`${fn}: count must be an integer ≥ 0, got ${k.count}`);
  return k.count;
}

/** Length of the shortest prefix of `order` whose weight reaches `target`. */
function topSize(order: Int32Array, weights: ArrayLike<number> | undefined, target: number): number {
  if (target <= 0) return 0;
  // Relative slack so that 0.07 × 100 = 7.000000000000001 still takes 7 examples.
  const reach = target * (1 - 1e-9);
  let cum = 0;
  for (let r = 0; r < order.length; r++) {
    cum += weightAt(weights, order[r]!);
    if (cum >= reach) return r + 1;
  }
  return order.length;
}

/** One line of a top-k table. NaN where a denominator is 0. */
export interface TopKRow {
  k: TopK;
  /** Requested size in weight units (= examples when unweighted). */
  target: number;
  /** Examples in the top. */
  selected: number;
  /** Their weight (= `selected` when unweighted). */
  selectedWeight: number;
  /** selectedWeight / total weight: a random ranking's expected recall and revenue share. */
  selectedShare: number;
  /** Weighted share of positives in the top. */
  precision: number;
  /** Weighted share of all positives that are in the top. */
  recall: number;
  /** Weighted share of all charges that are in the top. */
  revenue: number;
}

/** The top-k table for one ranking, with population totals. */
export interface TopKReport {
  examples: number;
  totalWeight: number;
  /** Weighted number of positives. */
  positives: number;
  /** positives / totalWeight: a random ranking's expected precision. */
  baseRate: number;
  /** Weighted sum of charges. */
  totalCharges: number;
  rows: TopKRow[];
}

/** Options of `topKReport`. */
export interface TopKReportOptions {
  /** Top shares, e.g. [0.01, 0.02, 0.05, 0.1]. */
  shares: readonly number[];
  /** Inspection capacity in examples (population units when weighted); adds a last row when given. */
  capacity?: number;
  /** Horvitz-Thompson weights 1/π; default 1 each. */
  weights?: ArrayLike<number>;
  /**
   * How an unweighted share becomes a count: `up` (the default) takes
   * ceil(share × n), `down` floor(share × n); at least 1 either way.
   */
  shareRounding?: 'up' | 'down';
}

/**
 * Precision, recall and revenue (share of charges) at each top share and at
 * the capacity, ranking by `scores` (ties by `ids`, see `rankingOrder`).
 */
export function topKReport(scores: ArrayLike<number>, labels: ArrayLike<number>, charges: ArrayLike<number>, ids: Ids, options: TopKReportOptions): TopKReport {
  const fn = 'topKReport';
  const { weights } = options;
  const n = scores.length;
  checkLengths(fn, n, { labels, charges, ids, weights });
  checkLabels(fn, labels);
  checkCharges(fn, charges);
  checkWeights(fn, weights);
  const order = rankingOrder(scores, ids);
  // Prefix sums along the ranking: cumWeight[r] is the weight of the first r examples.
  const cumWeight = new Float64Array(n + 1);
  const cumPositives = new Float64Array(n + 1);
  const cumCharges = new Float64Array(n + 1);
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const w = weightAt(weights, i);
    cumWeight[r + 1] = cumWeight[r]! + w;
    cumPositives[r + 1] = cumPositives[r]! + w * labels[i]!;
    cumCharges[r + 1] = cumCharges[r]! + w * charges[i]!;
  }
  const totalWeight = cumWeight[n]!;
  const positives = cumPositives[n]!;
  const totalCharges = cumCharges[n]!;
  const ks: TopK[] = options.shares.map((share) => ({ share }));
  if (options.capacity !== undefined) ks.push({ count: options.capacity });
  const rows = ks.map((k): TopKRow => {
    let target = topTarget(fn, k, totalWeight);
    // floor(share × n), at least 1 (a relative slack so that 0.07 × 100 is 7).
    if ('share' in k && options.shareRounding === 'down' && weights === undefined && k.share > 0) target = Math.max(1, Math.floor(target * (1 + 1e-9)));
    const size = topSize(order, weights, target);
    const selectedWeight = cumWeight[size]!;
    return {
      k,
      target,
      selected: size,
      selectedWeight,
      selectedShare: selectedWeight / totalWeight,
      precision: cumPositives[size]! / selectedWeight,
      recall: cumPositives[size]! / positives,
      revenue: cumCharges[size]! / totalCharges,
    };
  });
  return { examples: n, totalWeight, positives, baseRate: positives / totalWeight, totalCharges, rows };
}

/** Weighted share of positives among the top `k` by score (ties by id). NaN for an empty top. */
export function precisionAtK(scores: ArrayLike<number>, labels: ArrayLike<number>, ids: Ids, k: TopK, weights?: ArrayLike<number>): number {
  return topKRow(scores, labels, new Float64Array(scores.length), ids, k, weights).precision;
}

/** Weighted share of all positives that are among the top `k` by score (ties by id). NaN without positives. */
export function recallAtK(scores: ArrayLike<number>, labels: ArrayLike<number>, ids: Ids, k: TopK, weights?: ArrayLike<number>): number {
  return topKRow(scores, labels, new Float64Array(scores.length), ids, k, weights).recall;
}

/** Weighted share of total charges captured by the top `k` by score (ties by id). NaN when all charges are 0. */
export function revenueAtK(scores: ArrayLike<number>, charges: ArrayLike<number>, ids: Ids, k: TopK, weights?: ArrayLike<number>): number {
  return topKRow(scores, new Float64Array(scores.length), charges, ids, k, weights).revenue;
}

function topKRow(scores: ArrayLike<number>, labels: ArrayLike<number>, charges: ArrayLike<number>, ids: Ids, k: TopK, weights: ArrayLike<number> | undefined): TopKRow {
  const report = topKReport(scores, labels, charges, ids, 'share' in k ? { shares: [k.share], weights } : { shares: [], capacity: k.count, weights });
  return report.rows[0]!;
}

/**
 * Weighted area under the ROC curve: the weighted probability that a
 * positive outscores a negative, pairs with equal scores counting one half
 * (so any order among ties gives the same value). Unweighted it equals the
 * Mann-Whitney statistic with average ranks. NaN when either class has no
 * weight. O(n log n).
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const fn = 'auc';
  const n = scores.length;
  checkLengths(fn, n, { labels, weights });
  checkScores(fn, scores);
  checkLabels(fn, labels);
  checkWeights(fn, weights);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const sa = scores[a]!;
    const sb = scores[b]!;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
  let negativesBelow = 0;
  let pairs = 0;
  let positiveWeight = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    let groupPositive = 0;
    let groupNegative = 0;
    for (let r = i; r <= j; r++) {
      const e = order[r]!;
      if (labels[e] === 1) groupPositive += weightAt(weights, e);
      else groupNegative += weightAt(weights, e);
    }
    pairs += groupPositive * (negativesBelow + groupNegative / 2);
    negativesBelow += groupNegative;
    positiveWeight += groupPositive;
    i = j + 1;
  }
  if (positiveWeight === 0 || negativesBelow === 0) return NaN;
  return pairs / (positiveWeight * negativesBelow);
}

function checkProbabilities(fn: string, probabilities: ArrayLike<number>): void {
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    if (!(p >= 0 && p <= 1)) throw new Error(`${fn}: probability at index ${i} is ${p}; expected within [0, 1]`);
  }
}

/** Weighted mean of (probability − label)²; 0 is perfect, 0.25 is a constant ½. NaN when the total weight is 0. */
export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const fn = 'brierScore';
  checkLengths(fn, probabilities.length, { labels, weights });
  checkProbabilities(fn, probabilities);
  checkLabels(fn, labels);
  checkWeights(fn, weights);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const w = weightAt(weights, i);
    const d = probabilities[i]! - labels[i]!;
    sum += w * d * d;
    total += w;
  }
  return sum / total;
}

/** One probability bin of a reliability table. Means are NaN for a bin without weight. */
export interface ReliabilityBin {
  /** Bin [lower, upper); the last bin includes 1. */
  lower: number;
  upper: number;
  count: number;
  weight: number;
  /** Weighted mean predicted probability. */
  meanPredicted: number;
  /** Weighted share of positives. */
  observedRate: number;
}

/** Options of `reliabilityTable`. */
export interface ReliabilityOptions {
  /** Number of equal-width bins over [0, 1]; default 10. */
  bins?: number;
  weights?: ArrayLike<number>;
}

/**
 * Predicted against observed rates in equal-width probability bins (all
 * bins are returned, empty ones included). A calibrated model has
 * meanPredicted ≈ observedRate in every bin with enough weight.
 */
export function reliabilityTable(probabilities: ArrayLike<number>, labels: ArrayLike<number>, options: ReliabilityOptions = {}): ReliabilityBin[] {
  const fn = 'reliabilityTable';
  const { bins = 10, weights } = options;
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`${fn}: bins must be an integer ≥ 1, got ${bins}`);
  checkLengths(fn, probabilities.length, { labels, weights });
  checkProbabilities(fn, probabilities);
  checkLabels(fn, labels);
  checkWeights(fn, weights);
  const count = new Float64Array(bins);
  const weight = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const observed = new Float64Array(bins);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    const w = weightAt(weights, i);
    count[b]!++;
    weight[b]! += w;
    predicted[b]! += w * p;
    observed[b]! += w * labels[i]!;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: count[b]!,
    weight: weight[b]!,
    meanPredicted: predicted[b]! / weight[b]!,
    observedRate: observed[b]! / weight[b]!,
  }));
}

/** Predicted and actual charges of one decile of the predicted-charges ranking. */
export interface ChargesDecile {
  /** 1 = the highest predicted charges. */
  decile: number;
  count: number;
  weight: number;
  /** Weighted sum of predicted charges. */
  predicted: number;
  /** Weighted sum of actual charges. */
  actual: number;
}

/** Options of `chargesByDecile`. */
export interface ChargesByDecileOptions {
  /** Tie-breakers among equal predictions; without them ties keep input order. */
  ids?: Ids;
  weights?: ArrayLike<number>;
}

/**
 * Sums of predicted and actual charges by decile of predicted charges
 * (highest first). An example falls in decile ⌊10 · W_before / W⌋ + 1,
 * W_before being the weight ranked above it: ⌊10 i / n⌋ + 1 for the i-th
 * (from 0) when unweighted. Always ten rows; with fewer than ten examples
 * some are empty.
 */
export function chargesByDecile(predictedCharges: ArrayLike<number>, actualCharges: ArrayLike<number>, options: ChargesByDecileOptions = {}): ChargesDecile[] {
  const fn = 'chargesByDecile';
  const { ids, weights } = options;
  const n = predictedCharges.length;
  checkLengths(fn, n, { actualCharges, ids, weights });
  checkCharges(fn, predictedCharges, 'predicted charges');
  checkCharges(fn, actualCharges, 'actual charges');
  checkWeights(fn, weights);
  const order = rankingOrder(predictedCharges, ids ?? Int32Array.from({ length: n }, (_, i) => i));
  let total = 0;
  for (let i = 0; i < n; i++) total += weightAt(weights, i);
  const rows: ChargesDecile[] = Array.from({ length: 10 }, (_, d) => ({ decile: d + 1, count: 0, weight: 0, predicted: 0, actual: 0 }));
  let before = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const w = weightAt(weights, i);
    const row = rows[total > 0 ? Math.min(9, Math.floor((10 * before) / total)) : 0]!;
    row.count++;
    row.weight += w;
    row.predicted += w * predictedCharges[i]!;
    row.actual += w * actualCharges[i]!;
    before += w;
  }
  return rows;
}
