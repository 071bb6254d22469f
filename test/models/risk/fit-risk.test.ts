import { describe, expect, it } from 'vitest';
import { auc } from '../../../src/models/stats/metrics.js';
import { calibrate, CALIBRATION_MIN_PER_CLASS, fitRisk, foldsOf, probabilityOf, splitByTime, TREE_COUNT_FOLDS, type LabelledExample } from '../../../src/models/risk/fit-risk.js';
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
    const calibrator = calibrate(probabilityOf(identity, values, 1), all, rows, warnings);
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
    const calibrator = calibrate(probabilityOf(identity, values, 1), all, rows, warnings);
    expect(warnings).toEqual([]);
    // Platt scaling (fewer than the isotonic minimum of violations) on the random rows' 7.5 % violation rate.
    expect(calibrator?.kind).toBe('platt');
    const mean = values.reduce((s, p) => s + calibrator!.apply(p), 0) / values.length;
    expect(mean).toBeLessThan(0.15);
  });

  it('calibrates labels that came with every row (not an inspection’s selection) on all of them, without a warning', () => {
    const { values, all, rows } = calibrationSet(1000, 0, 0);
    const population = all.map((e) => ({ ...e, selection: null, unselected: true }));
    const warnings: string[] = [];
    expect(calibrate(probabilityOf(identity, values, 1), population, rows, warnings)?.kind).toBe('isotonic');
    expect(warnings).toEqual([]);
    // The same rows from inspections of unknown selection are warned about.
    calibrate(probabilityOf(identity, values, 1), all.map((e) => ({ ...e, selection: null })), rows, warnings);
    expect(warnings.join('\n')).toContain('likely selected for their risk');
  });

  it('uses isotonic regression only with enough examples of each class', () => {
    const many = calibrationSet(1000, 0, 0);
    expect(calibrate(probabilityOf(identity, many.values, 1), many.all, many.rows, [])?.kind).toBe('isotonic');
    const few = calibrationSet(150, 0, 0);
    expect(calibrate(probabilityOf(identity, few.values, 1), few.all, few.rows, [])?.kind).toBe('platt');
  });
});

/**
 * A labelled time series for the whole fit: 12 monthly as-of dates of 300
 * examples, two informative features and one of noise; declarations of three
 * examples each (the groups of the cross-fitting).
 */
function timeSeries(): { values: Float64Array; all: LabelledExample[]; decl: string[] } {
  const rnd = mulberry32(5);
  const all: LabelledExample[] = [];
  const decl: string[] = [];
  const values: number[] = [];
  for (let m = 1; m <= 12; m++) {
    for (let i = 0; i < 300; i++) {
      const a = rnd();
      const b = rnd();
      const label = rnd() < 1 / (1 + Math.exp(-(4 * a - 2 * b - 1))) ? 1 : 0;
      values.push(a, b, rnd());
      const asOf = `2025-${String(m).padStart(2, '0')}-28`;
      all.push({ exampleId: `${m}/${i}`, asOf, knownDate: asOf, label, chargesRub: 0, selection: null, propensity: null });
      decl.push(`D${m}-${Math.floor(i / 3)}`);
    }
  }
  return { values: Float64Array.from(values), all, decl };
}

describe('fitRisk', () => {
  const names = ['a', 'b', 'noise'];
  const params = { nTrees: 200, maxDepth: 2, learningRate: 0.1, earlyStoppingRounds: 10 };

  it('ships the model grown on every label, with the chosen tree count scaled to the rows, calibrated on cross-fitted scores', async () => {
    const { values, all, decl } = timeSeries();
    const split = splitByTime(all, 0.25, 0.2);
    const index = new Map(all.map((e, i) => [e, i]));
    const refit = { mode: 'all-labels' as const, folds: 3, groupOf: (e: LabelledExample) => decl[index.get(e) as number] as string, groupName: 'declaration' };
    const fitted = await fitRisk(values, names, all, split, { classifier: params, amount: {}, seed: 1, refit }, []);
    expect(fitted.refit.mode).toBe('all-labels');
    expect(fitted.classifier.toJSON().training.nRows).toBe(all.length);
    expect(fitted.refit.rows).toBe(all.length);
    expect(fitted.refit.trees).toBe(Math.round(fitted.refit.treesChosen * Math.min(2, all.length / split.fit.length)));
    expect(fitted.classifier.toJSON().trees.length).toBe(fitted.refit.trees);
    expect(fitted.refit.folds).toBe(3);
    expect(fitted.refit.calibration).toContain(`${all.length} examples`);
    // The validation scores come from the chosen model, which never saw the validation months.
    const none = await fitRisk(values, names, all, split, { classifier: params, amount: {}, seed: 1, refit: { ...refit, mode: 'none' } }, []);
    expect(Array.from(fitted.validationProbability)).toEqual(Array.from(none.validationProbability));
    expect(none.classifier.toJSON().training.nRows).toBe(split.fit.length);
    expect(none.refit.trees).toBe(none.refit.treesChosen);
  });

  it('chooses the tree count by folds even when a held-out fold holds one class, and keeps no tree on noise', async () => {
    // 40 labels of pure noise, 5 of them violations, over 10 months: the few early-stopping examples cannot choose.
    const rnd = mulberry32(3);
    const all: LabelledExample[] = [];
    const values: number[] = [];
    for (let i = 0; i < 40; i++) {
      const asOf = `2025-${String(1 + Math.floor(i / 4)).padStart(2, '0')}-28`;
      all.push({ exampleId: `E${i}`, asOf, knownDate: asOf, label: i % 8 === 3 ? 1 : 0, chargesRub: 0, selection: null, propensity: null });
      values.push(rnd(), rnd(), rnd());
    }
    const split = splitByTime(all, 0.2, 0.1);
    const refit = { mode: 'none' as const, folds: 2, groupOf: (e: LabelledExample) => e.exampleId, groupName: 'participant' };
    const fold = foldsOf(all, { folds: TREE_COUNT_FOLDS, groupOf: refit.groupOf }, 1);
    const oneClass = [0, 1, 2, 3, 4].filter((k) => new Set(split.fit.filter((r) => fold[r] === k).map((r) => all[r]?.label)).size === 1);
    expect(oneClass.length, 'a held-out fold of one class').toBeGreaterThan(0);
    const fitted = await fitRisk(Float64Array.from(values), names, all, split, { classifier: params, amount: {}, seed: 1, refit }, []);
    expect(fitted.refit.countMethod).toBe('cross-validation');
    expect(fitted.refit.trees).toBe(0);
  });

  it('keeps every example of a group in one fold', () => {
    const { all, decl } = timeSeries();
    const index = new Map(all.map((e, i) => [e, i]));
    const fold = foldsOf(all, { folds: 3, groupOf: (e) => decl[index.get(e) as number] as string }, 7);
    const byGroup = new Map<string, Set<number>>();
    all.forEach((_, i) => byGroup.set(decl[i] as string, (byGroup.get(decl[i] as string) ?? new Set()).add(fold[i] as number)));
    expect([...byGroup.values()].every((folds) => folds.size === 1)).toBe(true);
    const sizes = [0, 1, 2].map((k) => fold.filter((f) => f === k).length);
    for (const size of sizes) expect(size).toBeGreaterThan(all.length / 4);
  });
});
