/**
 * One isolation tree (Liu, Ting and Zhou 2008): grown on a subsample by
 * random splits until every row is alone or the depth limit is reached,
 * stored as flat typed arrays indexed by node id, root at 0, children after
 * their parent.
 *
 * Missing values (NaN): a split's threshold is drawn among the node's
 * present values only, and a missing value goes to the child that received
 * more of the node's present training values (left on a tie). Training rows
 * follow the same rule, so a row that is missing a feature is never isolated
 * by that feature: missingness alone does not make a row anomalous (encode
 * it as an indicator feature where it should).
 */

import { stridesOf, type FeatureMatrix } from '../gbdt/matrix.js';
import type { Sfc32 } from '../../../util/random.js';

/**
 * A fitted isolation tree. For an internal node n, a row goes left when
 * `x[feature[n]] <= threshold[n]`, and to the `missingLeft[n]` side when
 * missing. Leaves have `feature[n] = -1`, `left[n] = right[n] = -1` and
 * threshold 0.
 */
export interface IsolationTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Training rows of the tree's subsample that reached the node (the root holds them all). */
  readonly size: Int32Array;
}

const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n), the average path length of an unsuccessful search in a binary search
 * tree of n points: 2·H(n−1) − 2(n−1)/n with H(i) ≈ ln i + γ; c(2) = 1 and
 * c(n) = 0 for n ≤ 1 (as scikit-learn). It normalises the anomaly score and
 * completes the path of a leaf that still holds n training rows.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * Draws `k` distinct row ids uniformly without replacement by a partial
 * Fisher–Yates shuffle of `pool` (a permutation of 0..nRows−1, reshuffled in
 * place, so one pool serves every tree) and returns a copy of the first `k`.
 */
export function sampleRowsWithoutReplacement(pool: Int32Array, k: number, rng: Sfc32): Int32Array {
  if (!(Number.isInteger(k) && k >= 0 && k <= pool.length)) {
    throw new Error(`Cannot draw ${k} rows without replacement from ${pool.length}`);
  }
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(pool.length - i);
    const tmp = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = tmp;
  }
  return pool.slice(0, k);
}

/**
 * Grows one isolation tree on the rows `rows` of `x` (reordered in place),
 * reading no other row. At each node the features are tried in random order
 * until one has two distinct present values among the node's rows; the
 * threshold is uniform between their minimum and maximum. A node becomes a
 * leaf at `maxDepth`, with one row, or when no feature varies.
 */
export function growIsolationTree(x: FeatureMatrix, rows: Int32Array, maxDepth: number, rng: Sfc32): IsolationTree {
  const { rowStride, colStride } = stridesOf(x);
  const values = x.values;
  const nFeatures = x.nCols;
  const order = Int32Array.from({ length: nFeatures }, (_, i) => i);
  const feature: number[] = [];
  const threshold: number[] = [];
  const missingLeft: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const size: number[] = [];

  const grow = (lo: number, hi: number, depth: number): number => {
    const node = feature.length;
    feature.push(-1);
    threshold.push(0);
    missingLeft.push(0);
    left.push(-1);
    right.push(-1);
    size.push(hi - lo);
    if (depth >= maxDepth || hi - lo <= 1) return node;

    let f = -1;
    let min = Infinity;
    let max = -Infinity;
    for (let k = 0; k < nFeatures && f < 0; k++) {
      const j = k + rng.int(nFeatures - k);
      const candidate = order[j]!;
      order[j] = order[k]!;
      order[k] = candidate;
      min = Infinity;
      max = -Infinity;
      const offset = candidate * colStride;
      for (let i = lo; i < hi; i++) {
        // NaN fails both comparisons, so only present values count.
        const v = values[rows[i]! * rowStride + offset]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max > min) f = candidate;
    }
    if (f < 0) return node;

    let t = min + rng.next() * (max - min);
    // Rounding can land on max, which would send every present value left.
    if (!(t < max)) t = min;
    const offset = f * colStride;
    let nLeft = 0;
    let nRight = 0;
    for (let i = lo; i < hi; i++) {
      const v = values[rows[i]! * rowStride + offset]!;
      if (v <= t) nLeft++;
      else if (v > t) nRight++;
    }
    const nanLeft = nLeft >= nRight;
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      const v = values[rows[i]! * rowStride + offset]!;
      const goesLeft = v !== v ? nanLeft : v <= t;
      if (goesLeft) {
        i++;
      } else {
        const tmp = rows[i]!;
        rows[i] = rows[j]!;
        rows[j] = tmp;
        j--;
      }
    }
    feature[node] = f;
    threshold[node] = t;
    missingLeft[node] = nanLeft ? 1 : 0;
    left[node] = grow(lo, i, depth + 1);
    right[node] = grow(i, hi, depth + 1);
    return node;
  };

  grow(0, rows.length, 0);
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    missingLeft: Uint8Array.from(missingLeft),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    size: Int32Array.from(size),
  };
}

/** c(size) of every node of the tree, by node id: what {@link pathLength} adds at the row's leaf, computed once for many rows. */
export function nodeCompletions(tree: IsolationTree): Float64Array {
  return Float64Array.from(tree.size, (n) => averagePathLength(n));
}

/**
 * h(x) in one tree: the depth of the row's leaf plus c(size of the leaf)
 * (`completions`: {@link nodeCompletions} of the tree), the row at
 * `values[base + feature · colStride]`.
 */
export function pathLength(tree: IsolationTree, values: ArrayLike<number>, base: number, colStride: number, completions: Float64Array): number {
  let node = 0;
  let depth = 0;
  for (let f = tree.feature[0]!; f >= 0; f = tree.feature[node]!) {
    const v = values[base + f * colStride]!;
    const goesLeft = v !== v ? tree.missingLeft[node] === 1 : v <= tree.threshold[node]!;
    node = goesLeft ? tree.left[node]! : tree.right[node]!;
    depth++;
  }
  return depth + completions[node]!;
}
