/**
 * Exact TreeSHAP (Lundberg et al. 2018, Algorithm 2, the path-dependent
 * variant XGBoost and shap use): per-feature contributions of one row to
 * one tree's output, with the training cover as the background
 * distribution. The contributions of a row sum to the tree's output minus
 * {@link treeExpectedValue}.
 */

import type { Tree } from './tree.js';

/** Scratch space for the unique-feature paths of one recursion. */
export class ShapPath {
  readonly feature: Int32Array;
  readonly zero: Float64Array;
  readonly one: Float64Array;
  readonly weight: Float64Array;

  /** Room for trees up to `maxDepth` deep. */
  constructor(maxDepth: number) {
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }
}

/**
 * Cover-weighted mean of the tree's leaves: its output when no feature is
 * known. Children's covers are re-normalised by their own sum so that this
 * matches the fractions TreeSHAP uses exactly.
 */
export function treeExpectedValue(tree: Tree, node = 0): number {
  if (tree.feature[node]! < 0) return tree.value[node]!;
  const l = tree.left[node]!;
  const r = tree.right[node]!;
  const cl = tree.cover[l]!;
  const cr = tree.cover[r]!;
  const total = cl + cr;
  const wl = total > 0 ? cl / total : 0.5;
  return wl * treeExpectedValue(tree, l) + (1 - wl) * treeExpectedValue(tree, r);
}

/**
 * Adds the SHAP values of one row for `tree` to `phi[phiBase + f]`.
 * `values[base + f * colStride]` is the row's feature f.
 */
export function addTreeShap(
  tree: Tree,
  values: ArrayLike<number>,
  base: number,
  colStride: number,
  phi: Float64Array,
  phiBase: number,
  path: ShapPath,
): void {
  recurse(tree, values, base, colStride, phi, phiBase, path, 0, 0, 0, 1, 1, -1);
}

function recurse(
  tree: Tree,
  values: ArrayLike<number>,
  base: number,
  colStride: number,
  phi: Float64Array,
  phiBase: number,
  p: ShapPath,
  node: number,
  depth: number,
  parentOffset: number,
  parentZero: number,
  parentOne: number,
  parentFeature: number,
): void {
  // Each level works on its own copy of the path, right after its parent's.
  const o = parentOffset + depth;
  // Paths are a few elements long: a loop beats four copyWithin calls.
  for (let i = 0; i < depth; i++) {
    p.feature[o + i] = p.feature[parentOffset + i]!;
    p.zero[o + i] = p.zero[parentOffset + i]!;
    p.one[o + i] = p.one[parentOffset + i]!;
    p.weight[o + i] = p.weight[parentOffset + i]!;
  }
  extendPath(p, o, depth, parentZero, parentOne, parentFeature);

  const f = tree.feature[node]!;
  if (f < 0) {
    const leafValue = tree.value[node]!;
    for (let i = 1; i <= depth; i++) {
      const w = unwoundPathSum(p, o, depth, i);
      const k = phiBase + p.feature[o + i]!;
      phi[k] = phi[k]! + w * (p.one[o + i]! - p.zero[o + i]!) * leafValue;
    }
    return;
  }

  const v = values[base + f * colStride]!;
  const goLeft = v !== v ? tree.defaultLeft[node] === 1 : v <= tree.threshold[node]!;
  const l = tree.left[node]!;
  const r = tree.right[node]!;
  const hot = goLeft ? l : r;
  const cold = goLeft ? r : l;
  const cl = tree.cover[l]!;
  const cr = tree.cover[r]!;
  const total = cl + cr;
  const wl = total > 0 ? cl / total : 0.5;
  const hotZero = goLeft ? wl : 1 - wl;
  const coldZero = goLeft ? 1 - wl : wl;

  let incomingZero = 1;
  let incomingOne = 1;
  let k = 0;
  for (; k <= depth; k++) if (p.feature[o + k] === f) break;
  if (k !== depth + 1) {
    incomingZero = p.zero[o + k]!;
    incomingOne = p.one[o + k]!;
    unwindPath(p, o, depth, k);
    depth -= 1;
  }
  recurse(tree, values, base, colStride, phi, phiBase, p, hot, depth + 1, o, hotZero * incomingZero, incomingOne, f);
  recurse(tree, values, base, colStride, phi, phiBase, p, cold, depth + 1, o, coldZero * incomingZero, 0, f);
}

function extendPath(p: ShapPath, o: number, d: number, zero: number, one: number, feature: number): void {
  p.feature[o + d] = feature;
  p.zero[o + d] = zero;
  p.one[o + d] = one;
  p.weight[o + d] = d === 0 ? 1 : 0;
  for (let i = d - 1; i >= 0; i--) {
    p.weight[o + i + 1] = p.weight[o + i + 1]! + ((one * p.weight[o + i]! * (i + 1)) / (d + 1));
    p.weight[o + i] = (zero * p.weight[o + i]! * (d - i)) / (d + 1);
  }
}

function unwindPath(p: ShapPath, o: number, d: number, index: number): void {
  const one = p.one[o + index]!;
  const zero = p.zero[o + index]!;
  let next = p.weight[o + d]!;
  for (let i = d - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = p.weight[o + i]!;
      p.weight[o + i] = (next * (d + 1)) / ((i + 1) * one);
      next = tmp - (p.weight[o + i]! * zero * (d - i)) / (d + 1);
    } else {
      p.weight[o + i] = (p.weight[o + i]! * (d + 1)) / (zero * (d - i));
    }
  }
  for (let i = index; i < d; i++) {
    p.feature[o + i] = p.feature[o + i + 1]!;
    p.zero[o + i] = p.zero[o + i + 1]!;
    p.one[o + i] = p.one[o + i + 1]!;
  }
}

function unwoundPathSum(p: ShapPath, o: number, d: number, index: number): number {
  const one = p.one[o + index]!;
  const zero = p.zero[o + index]!;
  let next = p.weight[o + d]!;
  let total = 0;
  for (let i = d - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (next * (d + 1)) / ((i + 1) * one);
      total += tmp;
      next = p.weight[o + i]! - tmp * zero * ((d - i) / (d + 1));
    } else {
      total += p.weight[o + i]! / zero / ((d - i) / (d + 1));
    }
  }
  return total;
}
