import { describe, expect, it } from 'vitest';
import { auc } from '../../../src/models/stats/metrics.js';
import { calibrate, CALIBRATION_MIN_PER_CLASS, type LabelledExample } from '../../../src/models/risk/fit-risk.js';
import type { FeatureMatrix, GbdtModel } from '../../../src/models/learners/gbdt/index.js';
import { mulberry32 } from '../../../src/util/random.js';

/** A classifier whose probability is the row's single feature. */
const identity = { predictProbability: (x: FeatureMatrix) => Float64Array.from(x.values) } as unknown as GbdtModel;

/**
 * Calibration rows with one feature, the classifier's score: risk-selected
 * rows violate with probability = score; `randomRows` randomly selected rows
 * of which only `randomPositives`, scored in the upper half, violate (random
 * inspections rarely find anything).
 */
function calibrationSet(riskRows: number, randomRows: number, randomPositives: number): { values: Float64Array; all: LabelledExample[]; rows: number[] } {
  const rnd = mulberry32(11);
  const all: LabelledExample[] = [];
  const scores: number[] = [];
  for (let i = 0; i < riskRows + randomRows; i++) {
    const random = i >= riskRows;
    const randomPositive = random && i - riskRows < randomPositives;
    // The random slice's few violations score high, so the score does rank them.
    const score = randomPositive ? 0.5 + 0.5 * rnd() : rnd();
    const label = random ? (randomPositive ? 1 : 0) : rnd() < score ? 1 : 0;
    scores.push(score);
    all.push({ exampleId: String(i), asOf: '2025-09-30', knownDate: '2025-10-15', label, chargesRub: 0, selection: random ? 'random' : 'risk', propensity: random ? 0.001 : null });
  }
  return { values: Float64Array.from(scores), all, rows: all.map((_, i) => i) };
}

describe('calibrate', () => {
  it('keeps the ranking when the random slice holds only a couple of violations', () => {
    // 269 random rows with 2 violations: isotonic regression on them collapsed every score to two values.
    const { values, all, rows } = calibrationSet(2700, 269, 2);
    const warnings: string[] = [];
    const calibrator = calibrate(identity, values, 1, all, rows, warnings);
    expect(calibrator).not.toBeNull();
    const calibrated = Float64Array.from(values, (p) => calibrator!.apply(p));
    const y = Float64Array.from(all, (e) => e.label);
    expect(auc(calibrated, y)).toBeGreaterThan(auc(values, y) - 0.01);
    expect(new Set(calibrated).size).toBeGreaterThan(10);
    expect(warnings.join('\n')).toContain('of which 269 were randomly selected (2 with a violation');
  });

  it('calibrates on the random slice when it holds enough of each class', () => {
    const { values, all, rows } = calibrationSet(500, 400, CALIBRATION_MIN_PER_CLASS.random);
    const warnings: string[] = [];
    const calibrator = calibrate(identity, values, 1, all, rows, warnings);
    expect(warnings).toEqual([]);
    // Platt scaling (fewer than the isotonic minimum of violations) on the random rows' 7.5 % violation rate.
    expect(calibrator?.kind).toBe('platt');
    const mean = values.reduce((s, p) => s + calibrator!.apply(p), 0) / values.length;
    expect(mean).toBeLessThan(0.15);
  });

  it('uses isotonic regression only with enough examples of each class', () => {
    const many = calibrationSet(1000, 0, 0);
    expect(calibrate(identity, many.values, 1, many.all, many.rows, [])?.kind).toBe('isotonic');
    const few = calibrationSet(150, 0, 0);
    expect(calibrate(identity, few.values, 1, few.all, few.rows, [])?.kind).toBe('platt');
  });
});
