/**
 * The trees of an ensemble in one set of flat arrays, and the margin of
 * rows walked over them: what prediction runs, in this thread or on worker
 * threads (predict-many.ts), with the same arithmetic in both.
 */
import type { Tree } from './tree.js';

/** The nodes of all trees in one set of arrays; children are absolute node ids. */
export interface FlatTrees {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/** Rows of feature values with their strides (row-major: row stride = columns, column stride 1). */
export interface StridedRows {
  values: Float64Array;
  rowStride: number;
  colStride: number;
}

export function flattenTrees(trees: readonly Tree[]): FlatTrees {
  const total = trees.reduce((sum, t) => sum + t.feature.length, 0);
  const flat: FlatTrees = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    defaultLeft: new Uint8Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total),
  };
  let offset = 0;
  trees.forEach((tree, t) => {
    flat.roots[t] = offset;
    const n = tree.feature.length;
    flat.feature.set(tree.feature, offset);
    flat.threshold.set(tree.threshold, offset);
    flat.defaultLeft.set(tree.defaultLeft, offset);
    flat.value.set(tree.value, offset);
    for (let i = 0; i < n; i++) {
      flat.left[offset + i] = tree.left[i]! < 0 ? -1 : tree.left[i]! + offset;
      flat.right[offset + i] = tree.right[i]! < 0 ? -1 : tree.right[i]! + offset;
    }
    offset += n;
  });
  return flat;
}

/**
 * Writes the margin of rows `from` to `to` (exclusive) into `out` at the
 * same indexes: `baseMargin` (plus the row's `offset`, when given) plus
 * every tree's leaf value, added in tree order. Rows outer, trees inner, over flat arrays: a row's features stay in
 * cache while every tree reads them, and one set of arrays serves all trees
 * (1.4M items x 800 trees: 71 s with the trees outer and per-tree arrays).
 */
export function marginsOfRows(
  flat: FlatTrees,
  baseMargin: number,
  rows: StridedRows,
  from: number,
  to: number,
  out: Float64Array,
  offset: ArrayLike<number> | null = null,
): void {
  const { roots, feature, threshold, defaultLeft, left, right, value } = flat;
  const { values, rowStride, colStride } = rows;
  const nTrees = roots.length;
  for (let r = from; r < to; r++) {
    const base = r * rowStride;
    let margin = offset === null ? baseMargin : baseMargin + offset[r]!;
    for (let t = 0; t < nTrees; t++) {
      let n = roots[t]!;
      let f = feature[n]!;
      while (f >= 0) {
        const v = values[base + f * colStride]!;
        n = (v !== v ? defaultLeft[n] === 1 : v <= threshold[n]!) ? left[n]! : right[n]!;
        f = feature[n]!;
      }
      margin += value[n]!;
    }
    out[r] = margin;
  }
}
