import { describe, expect, it } from 'vitest';
import { MISSING_BIN, binMatrix, binOf, cutsFromSorted } from '../../../../src/models/learners/gbdt/binning.js';
import { matrixFromRows } from '../../../../src/models/learners/gbdt/matrix.js';

describe('cutsFromSorted', () => {
  it('cuts midway between neighbouring distinct values when they fit in the bins', () => {
    expect(Array.from(cutsFromSorted(Float64Array.from([1, 1, 2, 4, 4, 4]), 255))).toEqual([1.5, 3]);
  });

  it('places the quantile cuts of the list of distinct values and their counts, walking runs instead', () => {
    // The rule as first written: distinct values with their counts, a cut once the count reaches the next quantile.
    const byList = (sorted: Float64Array, maxBins: number): number[] => {
      const distinct: number[] = [];
      const counts: number[] = [];
      for (const v of sorted) {
        if (distinct.length > 0 && distinct[distinct.length - 1] === v) {
          counts[counts.length - 1]!++;
        } else {
          distinct.push(v);
          counts.push(1);
        }
      }
      const mid = (a: number, b: number): number => (a / 2 + b / 2 >= a && a / 2 + b / 2 < b ? a / 2 + b / 2 : a);
      const cuts: number[] = [];
      if (distinct.length <= maxBins) for (let i = 0; i + 1 < distinct.length; i++) cuts.push(mid(distinct[i]!, distinct[i + 1]!));
      else {
        let cum = 0;
        for (let i = 0; i + 1 < distinct.length && cuts.length < maxBins - 1; i++) {
          cum += counts[i]!;
          if (cum >= ((cuts.length + 1) * sorted.length) / maxBins) cuts.push(mid(distinct[i]!, distinct[i + 1]!));
        }
      }
      return cuts;
    };
    let seed = 7;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const [n, levels, maxBins] of [[5000, 100000, 255], [5000, 300, 255], [3000, 40, 16], [20000, 600, 255], [10, 10, 2]] as const) {
      // Heavy ties at a few values, plus -0 and 0 side by side.
      const values = Float64Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 5 : i % 29 === 0 ? (i % 2 === 0 ? -0 : 0) : Math.floor(next() * levels) / 7)).sort();
      expect(Array.from(cutsFromSorted(values, maxBins))).toEqual(byList(values, maxBins));
    }
  });

  it('gives no cut for a constant feature', () => {
    expect(cutsFromSorted(Float64Array.from([3, 3, 3]), 255).length).toBe(0);
  });

  it('places at most maxBins - 1 cuts at count quantiles', () => {
    const sorted = Float64Array.from({ length: 1000 }, (_, i) => i);
    const cuts = cutsFromSorted(sorted, 4);
    expect(Array.from(cuts)).toEqual([249.5, 499.5, 749.5]);
  });

  it('never exceeds 254 cuts for many distinct values', () => {
    const sorted = Float64Array.from({ length: 100_000 }, (_, i) => i * 0.001);
    const cuts = cutsFromSorted(sorted, 255);
    expect(cuts.length).toBe(254);
    for (let i = 1; i < cuts.length; i++) expect(cuts[i]!).toBeGreaterThan(cuts[i - 1]!);
  });

  it('keeps adjacent doubles apart when their midpoint rounds to the upper one', () => {
    const a = 1;
    const b = 1 + Number.EPSILON;
    const [cut] = cutsFromSorted(Float64Array.from([a, b]), 255);
    expect(a <= cut!).toBe(true);
    expect(b <= cut!).toBe(false);
  });
});

describe('binMatrix', () => {
  it('codes values by the first cut at or above them and missing values as 255', () => {
    const x = matrixFromRows([[1], [2], [NaN], [4], [1]]);
    const binned = binMatrix(x);
    expect(Array.from(binned.cuts[0]!)).toEqual([1.5, 3]);
    expect(Array.from(binned.bins)).toEqual([0, 1, MISSING_BIN, 2, 0]);
  });

  it('bins row-major and column-major layouts identically', () => {
    const rows = [
      [1, 10],
      [NaN, 30],
      [3, 20],
    ];
    const rowMajor = binMatrix(matrixFromRows(rows));
    const colMajor = binMatrix({ values: Float64Array.from([1, NaN, 3, 10, 30, 20]), nRows: 3, nCols: 2, layout: 'column-major' });
    expect(colMajor.bins).toEqual(rowMajor.bins);
    expect(colMajor.cuts).toEqual(rowMajor.cuts);
  });

  it('refuses infinite values with the position', () => {
    expect(() => binMatrix(matrixFromRows([[1, 2], [3, Infinity]]))).toThrow(
      'Feature 1 row 1 is Infinity: features must be finite numbers or NaN (missing)',
    );
  });

  it('codes every value as binOf does, with 254 cuts and with few, on the cuts and beyond them', () => {
    for (const distinct of [5000, 40]) {
      const values = Float64Array.from({ length: 6000 }, (_, i) => (i % 97 === 0 ? Number.NaN : ((i * 7919) % distinct) * 0.37 - 50));
      const binned = binMatrix({ values, nRows: values.length, nCols: 1, layout: 'column-major' });
      const cuts = binned.cuts[0]!;
      expect(cuts.length).toBe(distinct === 5000 ? 254 : distinct - 1);
      values.forEach((v, r) => expect(binned.bins[r]).toBe(Number.isNaN(v) ? MISSING_BIN : binOf(cuts, v)));
      // Values equal to a cut, below the first and above the last.
      const probes = Float64Array.from([...cuts, cuts[0]! - 1, cuts[cuts.length - 1]! + 1]);
      const again = binMatrix({ values: Float64Array.from([...values, ...probes]), nRows: values.length + probes.length, nCols: 1, layout: 'column-major' });
      probes.forEach((v, i) => expect(again.bins[values.length + i]).toBe(binOf(again.cuts[0]!, v)));
    }
  });

  it('binOf agrees with the cut rule', () => {
    const cuts = Float64Array.from([1.5, 3]);
    expect([0, 1.5, 1.6, 3, 3.1].map((v) => binOf(cuts, v))).toEqual([0, 0, 1, 1, 2]);
  });
});
