import { describe, expect, it } from 'vitest';
import { calibratorFromJson, fitIsotonic, fitPlatt, IsotonicCalibrator, PlattCalibrator } from '../../../src/models/learners/calibration.js';
import { Sfc32 } from '../../../src/util/random.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('fitIsotonic', () => {
  it('pools adjacent violators into the hand-computed blocks', () => {
    // Labels 1 0 0 1 0 1 at scores 1..6:
    // 1 | 0 → pool {1,2} = ½; then 0 → pool {1,2,3} = ⅓; 1 stays; 0 → pool {4,5} = ½ > ⅓ stays; 1 stays.
    const f = fitIsotonic([1, 2, 3, 4, 5, 6], [1, 0, 0, 1, 0, 1]);
    expect(f.thresholds).toEqual([1, 4, 6]);
    expect(f.values).toEqual([1 / 3, 1 / 2, 1]);
    expect([0, 3.5, 4, 5.9, 6, 100].map((s) => f.apply(s))).toEqual([1 / 3, 1 / 3, 1 / 2, 1 / 2, 1, 1]);
  });

  it('weights the pooled means', () => {
    // As above, but score 5 weighs 3: {4,5} = 1/4 < ⅓, so it pools with {1,2,3}: 2 positives / weight 7.
    const f = fitIsotonic([1, 2, 3, 4, 5, 6], [1, 0, 0, 1, 0, 1], [1, 1, 1, 1, 3, 1]);
    expect(f.thresholds).toEqual([1, 6]);
    expect(f.values).toEqual([2 / 7, 1]);
  });

  it('gives equal scores one value', () => {
    // Score 2 holds a 0 and a 1 (mean ½ < 1 at score 1), so everything pools to ⅔.
    const f = fitIsotonic([2, 1, 2], [0, 1, 1]);
    expect(f.thresholds).toEqual([1]);
    expect(f.values).toEqual([2 / 3]);
  });

  it('sorts its input and ignores examples of weight 0', () => {
    const f = fitIsotonic([3, 1, 2, 9], [1, 0, 1, 0], [1, 1, 1, 0]);
    expect(f.thresholds).toEqual([1, 2]);
    expect(f.values).toEqual([0, 1]);
  });

  it('refuses an input without weight', () => {
    expect(() => fitIsotonic([1, 2], [0, 1], [0, 0])).toThrow('fitIsotonic: no example with positive weight among 2');
  });
});

describe('fitPlatt', () => {
  it('recovers a known sigmoid from simulated labels', () => {
    // y ~ Bernoulli(σ(2s − 1)), s uniform on [−3, 3], 20,000 examples: standard errors ≈ 0.03.
    const rng = new Sfc32(7);
    const s: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const si = -3 + 6 * rng.next();
      s.push(si);
      y.push(rng.next() < sigmoid(2 * si - 1) ? 1 : 0);
    }
    const f = fitPlatt(s, y);
    expect(f.a).toBeGreaterThan(1.9);
    expect(f.a).toBeLessThan(2.1);
    expect(f.b).toBeGreaterThan(-1.1);
    expect(f.b).toBeLessThan(-0.9);
  });

  it('stays finite on separable data thanks to the target smoothing', () => {
    // Targets 1/(2+2) = ¼ and (2+1)/(2+2) = ¾ instead of 0 and 1.
    const f = fitPlatt([0, 1, 2, 3], [0, 0, 1, 1]);
    expect(Number.isFinite(f.a) && Number.isFinite(f.b)).toBe(true);
    expect(f.apply(0)).toBeGreaterThan(0.1);
    expect(f.apply(3)).toBeLessThan(0.9);
    expect(f.apply(1.5)).toBeCloseTo(0.5, 6);
  });

  it('fits a constant when all scores are equal', () => {
    // Smoothed targets: 2 positives → ¾, 2 negatives → ¼; their mean ½.
    const f = fitPlatt([5, 5, 5, 5], [1, 1, 0, 0]);
    expect(f.apply(5)).toBeCloseTo(0.5, 6);
  });
});

describe('calibrators', () => {
  it('survive a JSON round trip with identical outputs', () => {
    const scores = [0.1, 0.4, 0.35, 0.8, 0.7, 0.2, 0.9];
    const labels = [0, 0, 1, 1, 0, 0, 1];
    const probe = [-1, 0, 0.1, 0.3, 0.5, 0.75, 0.9, 2];
    for (const fitted of [fitIsotonic(scores, labels), fitPlatt(scores, labels)]) {
      const restored = calibratorFromJson(JSON.parse(JSON.stringify(fitted)));
      expect(restored.kind).toBe(fitted.kind);
      expect([...restored.applyAll(probe)]).toEqual([...fitted.applyAll(probe)]);
    }
  });

  it('refuse JSON of another kind or shape', () => {
    expect(() => IsotonicCalibrator.fromJSON({ kind: 'platt', a: 1, b: 0 })).toThrow('IsotonicCalibrator.fromJSON: expected kind isotonic, got platt');
    expect(() => PlattCalibrator.fromJSON({ kind: 'platt', a: '1', b: 0 })).toThrow('PlattCalibrator.fromJSON: a and b must be numbers, got string and number');
    expect(() => calibratorFromJson({ kind: 'beta' })).toThrow('calibratorFromJson: expected kind isotonic or platt, got beta');
    expect(() => calibratorFromJson({ kind: 'isotonic', thresholds: [1, 0.5], values: [0.1, 0.2] })).toThrow(
      'IsotonicCalibrator: thresholds must be finite and strictly increasing; threshold 1 is 0.5',
    );
  });
});

describe('calibration with inverse-propensity weights', () => {
  // Population: s uniform on [0, 1], P(y = 1 | s) = σ(4s − 3). Inspectors also see a
  // tip (80 % of violators, 10 % of the rest) and inspect with known probability
  // π = (0.05 + 0.45 s) · (1 if tipped else 0.2). Among the inspected, violators
  // are over-represented at every s: there P(y | s) ≈ 0.84p / (0.84p + 0.28(1 − p)).
  const rng = new Sfc32(20260101);
  const population: number[] = [];
  const s: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  let violators = 0;
  for (let i = 0; i < 100_000; i++) {
    const si = rng.next();
    const yi = rng.next() < sigmoid(4 * si - 3) ? 1 : 0;
    const tipped = rng.next() < (yi === 1 ? 0.8 : 0.1);
    const pi = (0.05 + 0.45 * si) * (tipped ? 1 : 0.2);
    population.push(si);
    violators += yi;
    if (rng.next() < pi) {
      s.push(si);
      y.push(yi);
      w.push(1 / pi);
    }
  }
  const grid = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  const maxError = (f: (x: number) => number): number => Math.max(...grid.map((g) => Math.abs(f(g) - sigmoid(4 * g - 3))));
  const planTotal = (f: (x: number) => number): number => population.reduce((sum, x) => sum + f(x), 0);

  it('removes the selection bias with Platt scaling', () => {
    const weighted = fitPlatt(s, y, w);
    const unweighted = fitPlatt(s, y);
    expect(maxError((x) => weighted.apply(x))).toBeLessThan(0.03);
    expect(maxError((x) => unweighted.apply(x))).toBeGreaterThan(0.2);
    // Expected violators in the whole population: weighted ≈ actual, unweighted inflated.
    expect(planTotal((x) => weighted.apply(x)) / violators).toBeCloseTo(1, 1);
    expect(planTotal((x) => unweighted.apply(x)) / violators).toBeGreaterThan(1.5);
  });

  it('removes the selection bias with isotonic regression', () => {
    const weighted = fitIsotonic(s, y, w);
    const unweighted = fitIsotonic(s, y);
    expect(maxError((x) => weighted.apply(x))).toBeLessThan(0.07);
    expect(maxError((x) => unweighted.apply(x))).toBeGreaterThan(0.2);
    expect(planTotal((x) => weighted.apply(x)) / violators).toBeCloseTo(1, 1);
    expect(planTotal((x) => unweighted.apply(x)) / violators).toBeGreaterThan(1.5);
  });
});
