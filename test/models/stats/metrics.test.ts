import { describe, expect, it } from 'vitest';
import {
  auc,
  brierScore,
  chargesByDecile,
  precisionAtK,
  rankingOrder,
  recallAtK,
  reliabilityTable,
  revenueAtK,
  topKReport,
  weightsFromPropensities,
  clippedWeightsFromPropensities,
} from '../../../src/models/stats/metrics.js';
import { areaUnderRoc } from '../../../src/models/learners/gbdt/metrics.js';

// Ten examples ranked e0 (best) .. e9; positives e0, e2, e3, e6; charges total 500.
const ids = ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9'];
const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0];
const labels = [1, 0, 1, 1, 0, 0, 1, 0, 0, 0];
const charges = [100, 0, 50, 200, 0, 0, 150, 0, 0, 0];
// Horvitz-Thompson: the top half inspected surely (π = 1), the bottom half with π = 0.2.
const weights = [1, 1, 1, 1, 1, 5, 5, 5, 5, 5];

describe('rankingOrder', () => {
  it('orders by score descending, then by id', () => {
    expect([...rankingOrder([0.5, 0.9, 0.5, 0.1], ['c', 'x', 'a', 'b'])]).toEqual([1, 2, 0, 3]);
  });

  it('compares numeric ids as numbers and string ids by code units', () => {
    expect([...rankingOrder([1, 1], [10, 9])]).toEqual([1, 0]);
    expect([...rankingOrder([1, 1], ['10', '9'])]).toEqual([0, 1]);
    expect([...rankingOrder([1, 1], ['b', 'B'])]).toEqual([1, 0]);
  });
});

describe('topKReport', () => {
  it('measures precision, recall and revenue at shares and at the capacity', () => {
    const report = topKReport(scores, labels, charges, ids, { shares: [0.1, 0.3], capacity: 5 });
    expect(report).toMatchObject({ examples: 10, totalWeight: 10, positives: 4, baseRate: 0.4, totalCharges: 500 });
    // 10 %: e0 → 1/1 positive, 1 of 4 positives, 100 of 500.
    expect(report.rows[0]).toEqual({ k: { share: 0.1 }, target: 1, selected: 1, selectedWeight: 1, selectedShare: 0.1, precision: 1, recall: 0.25, revenue: 0.2 });
    // 30 %: e0..e2 → 2/3, 2/4, 150/500.
    expect(report.rows[1]).toMatchObject({ selected: 3, precision: 2 / 3, recall: 0.5, revenue: 0.3 });
    // capacity 5: e0..e4 → 3/5, 3/4, 350/500.
    expect(report.rows[2]).toMatchObject({ k: { count: 5 }, selected: 5, selectedShare: 0.5, precision: 0.6, recall: 0.75, revenue: 0.7 });
  });

  it('weights counts and charges by 1/π and measures k in population units', () => {
    const report = topKReport(scores, labels, charges, ids, { shares: [0.1, 0.2], capacity: 2, weights });
    // Total weight 5·1 + 5·5 = 30; positives e0, e2, e3 (1 each) + e6 (5) = 8; charges 350 + 5·150 = 1100.
    expect(report).toMatchObject({ totalWeight: 30, positives: 8, baseRate: 8 / 30, totalCharges: 1100 });
    // 10 % of 30 = 3: e0..e2 (weight 3) → precision 2/3, recall 2/8, revenue 150/1100.
    expect(report.rows[0]).toMatchObject({ target: 3, selected: 3, selectedWeight: 3, precision: 2 / 3, recall: 0.25, revenue: 150 / 1100 });
    // 20 % of 30 = 6: e0..e4 weigh 5, so e5 (weight 5) joins: 6 examples weighing 10 → 3/10, 3/8, 350/1100.
    expect(report.rows[1]).toMatchObject({ target: 6, selected: 6, selectedWeight: 10, selectedShare: 10 / 30, precision: 0.3, recall: 3 / 8, revenue: 350 / 1100 });
    // capacity 2: e0, e1 → 1/2, 1/8, 100/1100.
    expect(report.rows[2]).toMatchObject({ selected: 2, precision: 0.5, recall: 1 / 8, revenue: 100 / 1100 });
  });

  it('breaks score ties at the cut by id, whatever the input order', () => {
    // Three tied at 0.5; ids order a < b < c, and only 'a' is positive.
    const one = precisionAtK([0.5, 0.5, 0.5, 0.1], [0, 0, 1, 0], ['b', 'c', 'a', 'd'], { count: 1 });
    const other = precisionAtK([0.5, 0.1, 0.5, 0.5], [1, 0, 0, 0], ['a', 'd', 'c', 'b'], { count: 1 });
    expect(one).toBe(1);
    expect(other).toBe(1);
  });

  it('takes ceil(share × n) examples despite floating-point error', () => {
    // 0.07 × 100 = 7.000000000000001 in floating point; still 7 examples.
    const n = 100;
    const report = topKReport(
      Array.from({ length: n }, (_, i) => n - i),
      new Array<number>(n).fill(0),
      new Array<number>(n).fill(0),
      Array.from({ length: n }, (_, i) => i),
      { shares: [0.07, 0.001] },
    );
    expect(report.rows.map((r) => r.selected)).toEqual([7, 1]);
  });

  it('gives NaN where a denominator is zero', () => {
    const report = topKReport([0.2, 0.1], [0, 0], [0, 0], ['a', 'b'], { shares: [0], capacity: 1 });
    expect(report.rows[0]).toMatchObject({ selected: 0 });
    expect(report.rows[0]?.precision).toBeNaN();
    expect(report.rows[1]?.precision).toBe(0);
    expect(report.rows[1]?.recall).toBeNaN();
    expect(report.rows[1]?.revenue).toBeNaN();
  });

  it('refuses a share outside [0, 1] and mismatched arrays', () => {
    expect(() => topKReport(scores, labels, charges, ids, { shares: [1.5] })).toThrow('topKReport: share must be within [0, 1], got 1.5');
    expect(() => topKReport(scores, labels.slice(1), charges, ids, { shares: [0.1] })).toThrow('topKReport got 10 scores but 9 labels');
    expect(() => topKReport(scores, labels, charges, ids, { shares: [0.1], capacity: 2.5 })).toThrow('topKReport: count must be an integer ≥ 0, got 2.5');
  });
});

describe('precisionAtK, recallAtK, revenueAtK', () => {
  it('agree with the report row', () => {
    const k = { share: 0.2 };
    const row = topKReport(scores, labels, charges, ids, { shares: [0.2], weights }).rows[0]!;
    expect(precisionAtK(scores, labels, ids, k, weights)).toBe(row.precision);
    expect(recallAtK(scores, labels, ids, k, weights)).toBe(row.recall);
    expect(revenueAtK(scores, charges, ids, k, weights)).toBe(row.revenue);
  });
});

describe('auc', () => {
  it('matches the rank formula, ties counting one half', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    // Pairs (pos, neg): 0.4 > 0.1, 0.4 = 0.4 (½), 0.9 > both → 3.5 / 4.
    expect(auc([0.1, 0.4, 0.4, 0.9], [0, 0, 1, 1])).toBe(0.875);
    expect(areaUnderRoc([0.1, 0.4, 0.4, 0.9], [0, 0, 1, 1])).toBe(0.875);
  });

  it('weights pairs by the product of weights', () => {
    // Negatives 0.1 (w 2), 0.4 (w 1); positives 0.4, 0.9 (w 1).
    // 0.4: 2 + ½·1 = 2.5; 0.9: 3 → 5.5 / (2 · 3).
    expect(auc([0.1, 0.4, 0.4, 0.9], [0, 0, 1, 1], [2, 1, 1, 1])).toBeCloseTo(5.5 / 6, 15);
    // An integer weight is the same as repeating the example.
    expect(auc([0.1, 0.1, 0.4, 0.4, 0.9], [0, 0, 0, 1, 1])).toBeCloseTo(5.5 / 6, 15);
  });

  it('does not depend on the order of tied examples', () => {
    expect(auc([0.5, 0.5, 0.5, 0.2], [1, 0, 0, 1])).toBe(auc([0.5, 0.5, 0.5, 0.2], [0, 0, 1, 1]));
  });

  it('is NaN when a class has no weight', () => {
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
    expect(auc([0.1, 0.2], [0, 1], [1, 0])).toBeNaN();
  });

  it('refuses labels other than 0 and 1 and NaN scores', () => {
    expect(() => auc([0.1, 0.2], [0, 2])).toThrow('auc: labels must be 0 or 1, got 2 at index 1');
    expect(() => auc([0.1, NaN], [0, 1])).toThrow('auc: score at index 1 is NaN');
  });
});

describe('brierScore', () => {
  it('is the weighted mean squared error of probabilities', () => {
    // (0.1² + 0.2² + 0.5²) / 3 = 0.3 / 3.
    expect(brierScore([0.9, 0.2, 0.5], [1, 0, 1])).toBeCloseTo(0.1, 15);
    // (0.01 + 0.04 + 2 · 0.25) / 4.
    expect(brierScore([0.9, 0.2, 0.5], [1, 0, 1], [1, 1, 2])).toBeCloseTo(0.1375, 15);
  });

  it('refuses a probability outside [0, 1]', () => {
    expect(() => brierScore([1.2], [1])).toThrow('brierScore: probability at index 0 is 1.2; expected within [0, 1]');
  });
});

describe('reliabilityTable', () => {
  const p = [0.1, 0.3, 0.6, 0.9, 1.0];
  const y = [0, 1, 1, 0, 1];

  it('bins probabilities into equal-width bins, 1 in the last', () => {
    const table = reliabilityTable(p, y, { bins: 2 });
    expect(table[0]).toMatchObject({ lower: 0, upper: 0.5, count: 2, weight: 2, observedRate: 0.5 });
    expect(table[0]?.meanPredicted).toBeCloseTo(0.2, 15);
    // 0.6, 0.9, 1.0: mean 2.5 / 3, observed 2 / 3.
    expect(table[1]).toMatchObject({ lower: 0.5, upper: 1, count: 3, weight: 3, observedRate: 2 / 3 });
    expect(table[1]?.meanPredicted).toBeCloseTo(2.5 / 3, 15);
  });

  it('weights means and rates', () => {
    const table = reliabilityTable(p, y, { bins: 2, weights: [1, 3, 1, 1, 2] });
    // Bin 0: (0.1 + 3 · 0.3) / 4 = 0.25, observed 3 / 4. Bin 1: (0.6 + 0.9 + 2 · 1) / 4 = 0.875, observed (1 + 2) / 4.
    expect(table[0]).toMatchObject({ count: 2, weight: 4, observedRate: 0.75 });
    expect(table[0]?.meanPredicted).toBeCloseTo(0.25, 15);
    expect(table[1]).toMatchObject({ count: 3, weight: 4, meanPredicted: 0.875, observedRate: 0.75 });
  });

  it('puts a probability on a bin edge into the upper bin', () => {
    const table = reliabilityTable([0.1, 0.5], [0, 1]);
    expect(table[1]?.count).toBe(1);
    expect(table[5]?.count).toBe(1);
  });

  it('returns every bin, empty ones with NaN means', () => {
    const table = reliabilityTable([0.05], [1]);
    expect(table).toHaveLength(10);
    expect(table[0]).toMatchObject({ count: 1, meanPredicted: 0.05, observedRate: 1 });
    expect(table[5]).toMatchObject({ count: 0, weight: 0 });
    expect(table[5]?.meanPredicted).toBeNaN();
  });
});

describe('chargesByDecile', () => {
  it('sums predicted and actual charges by decile of predicted charges', () => {
    // Predicted 20, 19, ..., 1; actual 0, 1, ..., 19: two examples per decile.
    const predicted = Array.from({ length: 20 }, (_, i) => 20 - i);
    const actual = Array.from({ length: 20 }, (_, i) => i);
    const rows = chargesByDecile(predicted, actual);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({ decile: 1, count: 2, weight: 2, predicted: 39, actual: 1 });
    expect(rows[9]).toEqual({ decile: 10, count: 2, weight: 2, predicted: 3, actual: 37 });
  });

  it('places weighted examples by the weight ranked above them', () => {
    // Weights 5, 3, 2 (total 10): weight above is 0, 5, 8 → deciles 1, 6, 9.
    const rows = chargesByDecile([30, 20, 10], [1, 2, 3], { weights: [5, 3, 2] });
    expect(rows[0]).toEqual({ decile: 1, count: 1, weight: 5, predicted: 150, actual: 5 });
    expect(rows[5]).toEqual({ decile: 6, count: 1, weight: 3, predicted: 60, actual: 6 });
    expect(rows[8]).toEqual({ decile: 9, count: 1, weight: 2, predicted: 20, actual: 6 });
    expect(rows.filter((r) => r.count === 0)).toHaveLength(7);
  });

  it('breaks ties among equal predictions by id', () => {
    // Ten examples, one per decile; the two tied at 5 go by id: 'a' (actual 7) before 'b' (actual 3).
    const predicted = [9, 8, 7, 6, 5, 5, 4, 3, 2, 1];
    const actual = [0, 0, 0, 0, 3, 7, 0, 0, 0, 0];
    const rows = chargesByDecile(predicted, actual, { ids: ['p', 'q', 'r', 's', 'b', 'a', 't', 'u', 'v', 'w'] });
    expect(rows[4]?.actual).toBe(7);
    expect(rows[5]?.actual).toBe(3);
  });
});

describe('weightsFromPropensities', () => {
  it('inverts inclusion probabilities', () => {
    expect([...weightsFromPropensities([0.5, 0.25, 1])]).toEqual([2, 4, 1]);
  });

  it('refuses a propensity of 0', () => {
    expect(() => weightsFromPropensities([0.5, 0])).toThrow('weightsFromPropensities: propensity at index 1 is 0; expected within (0, 1]');
  });
});

describe('topKReport share rounding', () => {
  it('takes ceil(n q) by default and floor(n q) with shareRounding down, at least 1 either way', () => {
    const n = 30;
    const scores = Float64Array.from({ length: n }, (_, i) => n - i);
    const labels = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const charges = new Float64Array(n);
    const ids = Array.from({ length: n }, (_, i) => i);
    const selected = (shareRounding?: 'up' | 'down'): number[] =>
      topKReport(scores, labels, charges, ids, { shares: [0.01, 0.05, 0.1, 0.5], ...(shareRounding === undefined ? {} : { shareRounding }) }).rows.map((r) => r.selected);
    expect(selected()).toEqual([1, 2, 3, 15]);
    expect(selected('down')).toEqual([1, 1, 3, 15]);
    const hundred = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    const report = topKReport(hundred, new Float64Array(100), new Float64Array(100), Array.from({ length: 100 }, (_, i) => i), { shares: [0.07], shareRounding: 'down' });
    expect(report.rows[0]?.selected).toBe(7);
  });
});

describe('clippedWeightsFromPropensities', () => {
  it('clips 1/π at ten times its median and leaves the rest as they are', () => {
    // 1/π: 1, 1, 1, 2, 4000 -> median 1, cap 10
    expect([...clippedWeightsFromPropensities([1, 1, 1, 0.5, 0.00025])]).toEqual([1, 1, 1, 2, 10]);
    // an even count takes the mean of the middle two: 1/π 2, 4, 8, 400 -> median 6, cap 60
    expect([...clippedWeightsFromPropensities([0.5, 0.25, 0.125, 0.0025])]).toEqual([2, 4, 8, 60]);
  });

  it('refuses a propensity outside (0, 1] as the unclipped weights do', () => {
    expect(() => clippedWeightsFromPropensities([0.5, 1.5])).toThrow('propensity at index 1 is 1.5');
  });
});
