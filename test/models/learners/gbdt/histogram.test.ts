import { describe, expect, it } from 'vitest';
import { MISSING_BIN } from '../../../../src/models/learners/gbdt/binning.js';
import { HIST_STRIDE, buildHistogram, findBestSplit, subtractHistogram } from '../../../../src/models/learners/gbdt/histogram.js';

describe('buildHistogram', () => {
  it('sums gradient and hessian per feature and bin', () => {
    // 3 rows × 2 features, row-major bins.
    const bins = Uint8Array.from([0, 1, 1, MISSING_BIN, 0, 1]);
    const grad = Float64Array.from([1, 2, 4]);
    const hess = Float64Array.from([0.5, 0.25, 1]);
    const hist = new Float64Array(2 * HIST_STRIDE);
    buildHistogram(hist, bins, 2, Int32Array.from([0, 1]), Int32Array.from([0, 1, 2]), 0, 3, grad, hess);
    expect([hist[0], hist[1], hist[2], hist[3]]).toEqual([5, 1.5, 2, 0.25]);
    const f1 = HIST_STRIDE;
    expect([hist[f1 + 2], hist[f1 + 3], hist[f1 + 2 * MISSING_BIN], hist[f1 + 2 * MISSING_BIN + 1]]).toEqual([5, 1.5, 2, 0.25]);
  });

  it('parent minus the smaller child equals the sibling built directly', () => {
    const n = 200;
    const bins = Uint8Array.from({ length: n * 3 }, (_, i) => (i * 7919) % 13);
    const grad = Float64Array.from({ length: n }, (_, i) => ((i * 31) % 17) / 8 - 1);
    const hess = Float64Array.from({ length: n }, (_, i) => 0.25 + ((i * 13) % 5) / 8);
    const feats = Int32Array.from([0, 1, 2]);
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const parent = new Float64Array(3 * HIST_STRIDE);
    const left = new Float64Array(3 * HIST_STRIDE);
    const right = new Float64Array(3 * HIST_STRIDE);
    buildHistogram(parent, bins, 3, feats, rows, 0, n, grad, hess);
    buildHistogram(left, bins, 3, feats, rows, 0, 80, grad, hess);
    buildHistogram(right, bins, 3, feats, rows, 80, n, grad, hess);
    subtractHistogram(parent, left, 3);
    for (let i = 0; i < parent.length; i++) expect(parent[i]).toBeCloseTo(right[i]!, 12);
  });
});

describe('findBestSplit', () => {
  const limits = { lambda: 0, minChildWeight: 0 };

  function histOf(cells: Array<[bin: number, g: number, h: number]>): Float64Array {
    const hist = new Float64Array(HIST_STRIDE);
    for (const [b, g, h] of cells) {
      hist[2 * b] = hist[2 * b]! + g;
      hist[2 * b + 1] = hist[2 * b + 1]! + h;
    }
    return hist;
  }

  it('sends missing values to the side whose gradients they resemble', () => {
    // Bin 0 pulls up, bin 1 pulls down, missing pulls down: missing goes right with bin 1.
    const hist = histOf([[0, -4, 4], [1, 4, 4], [MISSING_BIN, 3, 3]]);
    const split = findBestSplit(hist, Int32Array.from([0]), Int32Array.from([2]), 3, 11, limits);
    expect(split).toMatchObject({ feature: 0, bin: 0, defaultLeft: false });
    const mirrored = histOf([[0, -4, 4], [1, 4, 4], [MISSING_BIN, -3, 3]]);
    const split2 = findBestSplit(mirrored, Int32Array.from([0]), Int32Array.from([2]), -3, 11, limits);
    expect(split2).toMatchObject({ feature: 0, bin: 0, defaultLeft: true });
  });

  it('can separate missing from all present values', () => {
    const hist = histOf([[0, -2, 4], [1, -2, 4], [MISSING_BIN, 4, 4]]);
    const split = findBestSplit(hist, Int32Array.from([0]), Int32Array.from([2]), 0, 12, limits);
    expect(split).toMatchObject({ bin: 1, defaultLeft: false, gradLeft: -4, hessLeft: 8 });
  });

  it('returns null when no split leaves minChildWeight on both sides', () => {
    const hist = histOf([[0, -4, 1], [1, 4, 1]]);
    expect(findBestSplit(hist, Int32Array.from([0]), Int32Array.from([2]), 0, 2, { lambda: 0, minChildWeight: 1.5 })).toBeNull();
  });
});
