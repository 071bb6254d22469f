/**
 * Training distributions kept in a model artifact, and the population
 * stability index (PSI) that compares a scored month against them.
 *
 * A distribution has up to 10 bins cut at the training deciles plus a
 * separate bin for missing values (NaN). Bins are right-closed: with
 * strictly increasing edges e[0] < … < e[k−1], bin 0 holds x ≤ e[0], bin i
 * holds e[i−1] < x ≤ e[i], and bin k holds x > e[k−1]. Right-closed bins keep
 * a heavy lowest value (a count that is mostly 0) in bin 0 instead of leaving
 * an empty bin below it.
 */

/** Shares of values per bin; `proportions` and `missing` together sum to 1 (all 0 without values). */
export interface BinShares {
  /** Values counted, missing ones included. */
  count: number;
  /** Share of all values in each present-value bin; `edges.length + 1` entries. */
  proportions: number[];
  /** Share of all values that are missing (NaN). */
  missing: number;
}

/** The decile bins of a set of training values and the share of the values in each. */
export interface FeatureDistribution extends BinShares {
  /**
   * Strictly increasing bin edges: the 10 %, 20 %, …, 90 % quantiles of the
   * present values (type 7, linear interpolation) with duplicates dropped, so
   * 0 (no present value) to 9 edges.
   */
  edges: number[];
}

/** Bins with an expected or actual share below this count as this share in the PSI. */
export const PSI_FLOOR = 1e-4;

/**
 * Decile edges of the present (non-NaN) values and the share of all values in
 * each bin and in the missing bin. Deterministic: depends only on the
 * multiset of values. Equal deciles (a value repeated over more than a tenth
 * of the data) collapse into one edge, so a feature may have fewer than 10
 * bins. Refuses ±Infinity, naming the position.
 */
export function distributionOf(values: ArrayLike<number>): FeatureDistribution {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) throw new Error(`Value ${i} is ${v}: a training distribution needs finite values or NaN for missing`);
    present.push(v);
  }
  const sorted = Float64Array.from(present).sort();
  const edges: number[] = [];
  const n = sorted.length;
  if (n > 0) {
    for (let k = 1; k <= 9; k++) {
      // Position (n − 1)·k/10 in integers, so the edges of 1..10 are exactly 1.9, 2.8, …
      const scaled = (n - 1) * k;
      const lo = Math.floor(scaled / 10);
      const frac = (scaled % 10) / 10;
      const a = sorted[lo]!;
      const edge = frac === 0 ? a : a + frac * (sorted[lo + 1]! - a);
      if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
    }
  }
  return { edges, ...binProportions(values, edges) };
}

/**
 * The shares of `values` in the bins of `edges` (strictly increasing, as
 * from {@link distributionOf}) and in the missing bin, so that new data is
 * counted in the same bins as the training data. ±Infinity fall in the
 * outermost bins.
 */
export function binProportions(values: ArrayLike<number>, edges: readonly number[]): BinShares {
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i]! > edges[i - 1]!)) throw new Error(`Bin edges must be strictly increasing: edge ${i} is ${edges[i]} after ${edges[i - 1]}`);
  }
  const counts = new Float64Array(edges.length + 1);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      missing++;
      continue;
    }
    // First edge ≥ v.
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= edges[mid]!) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]!++;
  }
  const n = values.length;
  return {
    count: n,
    proportions: Array.from(counts, (c) => (n === 0 ? 0 : c / n)),
    missing: n === 0 ? 0 : missing / n,
  };
}

/**
 * PSI = Σ (a − e) · ln(a / e) over the bins and the missing bin, where e and
 * a are the expected (training) and actual shares, each floored at
 * {@link PSI_FLOOR} so that an empty bin gives a large finite term instead
 * of infinity (no renormalisation after flooring). Both must have the same
 * bins and sum to 1. Common reading: below 0.1 stable, 0.1–0.25 a moderate
 * shift, above 0.25 a large one.
 */
export function populationStabilityIndex(expected: BinShares, actual: BinShares): number {
  if (expected.proportions.length !== actual.proportions.length) {
    throw new Error(
      `PSI needs the same bins: the expected distribution has ${expected.proportions.length} bins, the actual one ${actual.proportions.length} (missing bin not counted)`,
    );
  }
  for (const [name, d] of [['expected', expected], ['actual', actual]] as const) {
    const total = d.proportions.reduce((s, p) => s + p, d.missing);
    if (!(Math.abs(total - 1) <= 1e-6)) {
      throw new Error(`PSI needs shares that sum to 1: the ${name} ones sum to ${total}${d.count === 0 ? ' (no values)' : ''}`);
    }
  }
  const term = (e: number, a: number): number => {
    const ef = Math.max(e, PSI_FLOOR);
    const af = Math.max(a, PSI_FLOOR);
    return (af - ef) * Math.log(af / ef);
  };
  let psi = term(expected.missing, actual.missing);
  for (let i = 0; i < expected.proportions.length; i++) psi += term(expected.proportions[i]!, actual.proportions[i]!);
  return psi;
}
