/**
 * Gradient histograms and split search. A histogram holds, for each
 * feature in use and each of its 256 bin codes (255 = missing), the sums of
 * gradient and hessian: slot `(k * 256 + bin) * 2` is the gradient and the
 * next slot the hessian, k being the feature's position in the tree's
 * feature list.
 */

import { MISSING_BIN } from './binning.js';

/** Doubles per feature in a histogram: 256 bins × (gradient, hessian). */
export const HIST_STRIDE = 512;

/**
 * Adds the rows `rows[start..end)` into `hist` (cleared first) for the
 * features listed in `features`.
 */
export function buildHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  nFeatures: number,
  features: Int32Array,
  rows: Int32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
): void {
  const nUsed = features.length;
  hist.fill(0, 0, nUsed * HIST_STRIDE);
  // All features (an ascending list as long as the row): the bins are read without the list
  // (1.35x faster on 200,000 x 40).
  if (nUsed === nFeatures) {
    addAllFeatures(hist, bins, nFeatures, rows, start, end, grad, hess);
    return;
  }
  // Four features per step: their slots never coincide, and each slot still adds the rows in
  // row order, so the sums are those of one feature at a time (1.5x faster on 200,000 x 40).
  const S = HIST_STRIDE;
  const whole = nUsed - (nUsed % 4);
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    const g = grad[r]!;
    const h = hess[r]!;
    const base = r * nFeatures;
    let off = 0;
    for (let k = 0; k < whole; k += 4, off += 4 * S) {
      const s0 = off + (bins[base + features[k]!]! << 1);
      const s1 = off + S + (bins[base + features[k + 1]!]! << 1);
      const s2 = off + 2 * S + (bins[base + features[k + 2]!]! << 1);
      const s3 = off + 3 * S + (bins[base + features[k + 3]!]! << 1);
      hist[s0] = hist[s0]! + g;
      hist[s0 + 1] = hist[s0 + 1]! + h;
      hist[s1] = hist[s1]! + g;
      hist[s1 + 1] = hist[s1 + 1]! + h;
      hist[s2] = hist[s2]! + g;
      hist[s2 + 1] = hist[s2 + 1]! + h;
      hist[s3] = hist[s3]! + g;
      hist[s3 + 1] = hist[s3 + 1]! + h;
    }
    for (let k = whole; k < nUsed; k++, off += S) {
      const slot = off + (bins[base + features[k]!]! << 1);
      hist[slot] = hist[slot]! + g;
      hist[slot + 1] = hist[slot + 1]! + h;
    }
  }
}

/** {@link buildHistogram} when every feature is used: feature k is byte k of the row. */
function addAllFeatures(
  hist: Float64Array,
  bins: Uint8Array,
  nFeatures: number,
  rows: Int32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
): void {
  const S = HIST_STRIDE;
  const whole = nFeatures - (nFeatures % 4);
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    const g = grad[r]!;
    const h = hess[r]!;
    const base = r * nFeatures;
    let off = 0;
    let k = 0;
    for (; k < whole; k += 4, off += 4 * S) {
      const s0 = off + (bins[base + k]! << 1);
      const s1 = off + S + (bins[base + k + 1]! << 1);
      const s2 = off + 2 * S + (bins[base + k + 2]! << 1);
      const s3 = off + 3 * S + (bins[base + k + 3]! << 1);
      hist[s0] = hist[s0]! + g;
      hist[s0 + 1] = hist[s0 + 1]! + h;
      hist[s1] = hist[s1]! + g;
      hist[s1 + 1] = hist[s1 + 1]! + h;
      hist[s2] = hist[s2]! + g;
      hist[s2 + 1] = hist[s2 + 1]! + h;
      hist[s3] = hist[s3]! + g;
      hist[s3 + 1] = hist[s3 + 1]! + h;
    }
    for (; k < nFeatures; k++, off += S) {
      const slot = off + (bins[base + k]! << 1);
      hist[slot] = hist[slot]! + g;
      hist[slot + 1] = hist[slot + 1]! + h;
    }
  }
}

/** `parent -= child` over the used part: the parent's buffer becomes the sibling's histogram. */
export function subtractHistogram(parent: Float64Array, child: Float64Array, nUsed: number): void {
  const n = nUsed * HIST_STRIDE;
  for (let i = 0; i < n; i++) parent[i] = parent[i]! - child[i]!;
}

/** Regularisation and size limits that split search needs. */
export interface SplitLimits {
  /** L2 penalty on leaf weights. */
  readonly lambda: number;
  /** Smallest hessian sum allowed in a child. */
  readonly minChildWeight: number;
}

/** The best split of a node. */
export interface Split {
  /** Loss reduction: ½ (GL²/(HL+λ) + GR²/(HR+λ) − G²/(H+λ)). */
  readonly gain: number;
  /** Feature index in the full matrix. */
  readonly feature: number;
  /** Rows with bin <= `bin` go left; `bin` = last bin sends all non-missing left. */
  readonly bin: number;
  /** Missing values go left. */
  readonly defaultLeft: boolean;
  readonly gradLeft: number;
  readonly hessLeft: number;
}

/**
 * Best split over all features of a node with gradient sum `g` and hessian
 * sum `h`, or null when no split keeps both children above minChildWeight
 * with a positive gain. Missing values are tried on both sides; ties keep
 * the first candidate (lower feature, lower bin, missing right). A split
 * may also separate missing from all non-missing values.
 */
export function findBestSplit(
  hist: Float64Array,
  features: Int32Array,
  nBins: Int32Array,
  g: number,
  h: number,
  limits: SplitLimits,
): Split | null {
  const { lambda, minChildWeight } = limits;
  // Below this a child is empty up to rounding left by histogram subtraction.
  const minHess = Math.max(minChildWeight, h * 1e-10);
  const parentScore = (g * g) / (h + lambda);
  let bestGain = 0;
  let best: Split | null = null;
  for (let k = 0; k < features.length; k++) {
    const f = features[k]!;
    const off = k * HIST_STRIDE;
    const gMiss = hist[off + (MISSING_BIN << 1)]!;
    const hMiss = hist[off + (MISSING_BIN << 1) + 1]!;
    const hasMissing = hMiss > 0;
    const last = nBins[f]! - 1;
    let gl = 0;
    let hl = 0;
    for (let b = 0; b <= last; b++) {
      gl += hist[off + (b << 1)]!;
      hl += hist[off + (b << 1) + 1]!;
      if (b === last && !hasMissing) break;
      // Missing right: left = bins 0..b.
      const gr = g - gl;
      const hr = h - hl;
      if (hl >= minHess && hr >= minHess) {
        const gain = 0.5 * ((gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore);
        if (gain > bestGain) {
          bestGain = gain;
          // With no missing value seen here, unseen missing values follow the bigger child.
          best = { gain, feature: f, bin: b, defaultLeft: !hasMissing && hl >= hr, gradLeft: gl, hessLeft: hl };
        }
      }
      if (!hasMissing || b === last) continue;
      // Missing left.
      const gl2 = gl + gMiss;
      const hl2 = hl + hMiss;
      const gr2 = g - gl2;
      const hr2 = h - hl2;
      if (hl2 >= minHess && hr2 >= minHess) {
        const gain = 0.5 * ((gl2 * gl2) / (hl2 + lambda) + (gr2 * gr2) / (hr2 + lambda) - parentScore);
        if (gain > bestGain) {
          bestGain = gain;
          best = { gain, feature: f, bin: b, defaultLeft: true, gradLeft: gl2, hessLeft: hl2 };
        }
      }
    }
  }
  return best;
}
