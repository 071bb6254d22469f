import { describe, expect, it } from 'vitest';
import { aucMetric, pairedBootstrap, precisionAtKMetric, quantile, randomScores, revenueAtKMetric, type Examples } from '../../../src/models/stats/bootstrap.js';
import { Sfc32 } from '../../../src/util/random.js';

/** 400 examples, 20 % positives; model A sees the label through noise, model B is random. */
function simulate(): { examples: Examples; good: Float64Array; random: Float64Array } {
  const rng = new Sfc32(42);
  const n = 400;
  const labels = Float64Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : 0));
  const good = labels.map((y) => y + rng.next());
  const charges = labels.map((y) => y * 1000 * rng.next());
  return { examples: { ids: Array.from({ length: n }, (_, i) => `d${i}`), labels, charges }, good, random: randomScores(n, 1) };
}

describe('pairedBootstrap', () => {
  const { examples, good, random } = simulate();

  it('gives the interval [0, 0] for identical models', () => {
    const result = pairedBootstrap(aucMetric, examples, good, good, { iterations: 200, seed: 3 });
    expect(result.difference).toEqual({ estimate: 0, mean: 0, lower: 0, upper: 0 });
    expect(result.a).toEqual(result.b);
  });

  it('excludes 0 for a clearly better model', () => {
    const result = pairedBootstrap(aucMetric, examples, good, random, { iterations: 500, seed: 3 });
    expect(result.difference.lower).toBeGreaterThan(0);
    expect(result.a.lower).toBeGreaterThan(0.7);
    expect(result.b.lower).toBeLessThan(0.5);
    expect(result.b.upper).toBeGreaterThan(0.5);
    expect(result.undefinedResamples).toBe(0);
    const revenue = pairedBootstrap(revenueAtKMetric({ share: 0.1 }), examples, good, random, { iterations: 200, seed: 3 });
    expect(revenue.difference.lower).toBeGreaterThan(0);
  });

  it('puts the full-sample value inside its interval', () => {
    const result = pairedBootstrap(precisionAtKMetric({ share: 0.2 }), examples, good, random, { iterations: 300, seed: 9 });
    for (const side of [result.a, result.b, result.difference]) {
      expect(side.lower).toBeLessThanOrEqual(side.estimate);
      expect(side.upper).toBeGreaterThanOrEqual(side.estimate);
    }
  });

  it('is deterministic for a seed', () => {
    const one = pairedBootstrap(aucMetric, examples, good, random, { iterations: 100, seed: 5 });
    const again = pairedBootstrap(aucMetric, examples, good, random, { iterations: 100, seed: 5 });
    const other = pairedBootstrap(aucMetric, examples, good, random, { iterations: 100, seed: 6 });
    expect(again).toEqual(one);
    expect(other.difference.lower).not.toBe(one.difference.lower);
  });

  it('drops resamples where the metric is undefined and counts them', () => {
    // Two examples: a resample has both classes with probability ½.
    const tiny: Examples = { ids: ['a', 'b'], labels: [0, 1] };
    const result = pairedBootstrap(aucMetric, tiny, [0, 1], [1, 0], { iterations: 100, seed: 1 });
    expect(result.undefinedResamples).toBeGreaterThan(20);
    expect(result.undefinedResamples).toBeLessThan(80);
    expect(result.difference).toMatchObject({ estimate: 1, mean: 1, lower: 1, upper: 1 });
  });

  it('refuses mismatched arrays and missing charges', () => {
    expect(() => pairedBootstrap(aucMetric, examples, good.subarray(1), random, { seed: 1 })).toThrow('pairedBootstrap got 400 labels but 399 model A scores');
    const { charges: _, ...noCharges } = examples;
    expect(() => pairedBootstrap(revenueAtKMetric({ count: 5 }), noCharges, good, random, { iterations: 1, seed: 1 })).toThrow('revenueAtKMetric: the examples carry no charges');
  });
});

describe('quantile', () => {
  it('interpolates between order statistics (type 7)', () => {
    // h = (4 − 1) · 0.5 = 1.5 → 2 + 0.5 · (3 − 2).
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    // h = (5 − 1) · 0.975 = 3.9 → 4 + 0.9 · (10 − 4).
    expect(quantile([1, 2, 3, 4, 10], 0.975)).toBeCloseTo(9.4, 12);
    expect(quantile([7], 0.025)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
