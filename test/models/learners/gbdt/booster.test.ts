import { describe, expect, it } from 'vitest';
import { areaUnderRoc, matrixFromRows, trainGbdt } from '../../../../src/models/learners/gbdt/index.js';
import { bernoulli, buildDataset, featureNames, riskProblem, seededUniform } from './helpers.js';

function xorProblem(nRows: number, seed: number) {
  return buildDataset(nRows, 3, seed, (rand) => {
    const a = rand() * 2 - 1;
    const b = rand() * 2 - 1;
    return { x: [a, b, rand()], y: a > 0 !== b > 0 ? 1 : 0 };
  });
}

describe('trainGbdt', () => {
  it('learns an XOR-like interaction with depth 2 but not with stumps', () => {
    const train = xorProblem(2000, 1);
    const test = xorProblem(2000, 2);
    const params = { nTrees: 60, learningRate: 0.3 };
    const deep = trainGbdt(train, { featureNames: featureNames(3), params: { ...params, maxDepth: 2 } });
    const stumps = trainGbdt(train, { featureNames: featureNames(3), params: { ...params, maxDepth: 1 } });
    expect(areaUnderRoc(deep.predictMargin(test.x), test.y)).toBeGreaterThan(0.98);
    expect(areaUnderRoc(stumps.predictMargin(test.x), test.y)).toBeLessThan(0.6);
  });

  it('follows a monotone signal and ranks its feature first by gain', () => {
    const train = buildDataset(3000, 3, 3, (rand) => {
      const a = rand() * 6 - 3;
      return { x: [rand(), a, rand()], y: bernoulli(rand, 1.5 * a) };
    });
    const model = trainGbdt(train, { featureNames: ['noise_a', 'signal', 'noise_b'], params: { nTrees: 50, maxDepth: 2 } });
    const grid = matrixFromRows([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5].map((a) => [0.5, a, 0.5]));
    const p = Array.from(model.predictProbability(grid));
    for (let i = 1; i < p.length; i++) expect(p[i]!).toBeGreaterThan(p[i - 1]!);
    const importance = model.featureImportance();
    expect(importance.map((i) => i.feature)).toEqual(['noise_a', 'signal', 'noise_b']);
    expect(importance[1]!.gain).toBeGreaterThan(10 * (importance[0]!.gain + importance[2]!.gain));
  });

  it.each([
    { missingIsRisky: true, defaultLeft: 0 },
    { missingIsRisky: false, defaultLeft: 1 },
  ])('learns where missing values go (missing risky: $missingIsRisky)', ({ missingIsRisky, defaultLeft }) => {
    // Label 1 when the value is high; missing values behave like high ones or like low ones.
    const train = buildDataset(2000, 2, 4, (rand) => {
      const missing = rand() < 0.3;
      const v = rand();
      return { x: [missing ? NaN : v, rand()], y: missing ? (missingIsRisky ? 1 : 0) : v > 0.5 ? 1 : 0 };
    });
    const model = trainGbdt(train, { featureNames: featureNames(2), params: { nTrees: 20, maxDepth: 1, learningRate: 0.5 } });
    const root = model.trees[0]!;
    expect(root.feature[0]).toBe(0);
    expect(root.defaultLeft[0]).toBe(defaultLeft);
    const [pMissing] = model.predictProbability(matrixFromRows([[NaN, 0.5]]));
    if (missingIsRisky) expect(pMissing!).toBeGreaterThan(0.95);
    else expect(pMissing!).toBeLessThan(0.05);
  });

  it('splits on missingness alone when only the missingness carries signal', () => {
    const train = buildDataset(1000, 1, 5, (rand) => {
      const missing = rand() < 0.4;
      return { x: [missing ? NaN : rand()], y: missing ? 1 : 0 };
    });
    const model = trainGbdt(train, { featureNames: ['f0'], params: { nTrees: 10, maxDepth: 1, learningRate: 0.5 } });
    expect(model.trees[0]!.threshold[0]).toBe(Number.MAX_VALUE);
    const p = model.predictProbability(matrixFromRows([[NaN], [0.2], [1e9]]));
    expect(p[0]!).toBeGreaterThan(0.95);
    expect(p[1]!).toBeLessThan(0.05);
    expect(p[2]!).toBeLessThan(0.05);
  });

  it('gives identical models for the same seed, also with subsampling', () => {
    const train = riskProblem(1500, 6);
    const params = { nTrees: 15, rowSubsample: 0.7, colSubsample: 0.5, seed: 42 };
    const a = trainGbdt(train, { featureNames: featureNames(6), params });
    const b = trainGbdt(train, { featureNames: featureNames(6), params });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('gives different models for different seeds when subsampling', () => {
    const train = riskProblem(1500, 6);
    const params = { nTrees: 15, rowSubsample: 0.7, colSubsample: 0.5 };
    const a = trainGbdt(train, { featureNames: featureNames(6), params: { ...params, seed: 1 } });
    const b = trainGbdt(train, { featureNames: featureNames(6), params: { ...params, seed: 2 } });
    expect(JSON.stringify(b.trees.map((t) => Array.from(t.value)))).not.toBe(JSON.stringify(a.trees.map((t) => Array.from(t.value))));
  });

  it('trains the same model from row-major, column-major and Float32 matrices', () => {
    const train = riskProblem(800, 7);
    const { nRows, nCols } = train.x;
    const colMajor = new Float64Array(nRows * nCols);
    for (let r = 0; r < nRows; r++) for (let c = 0; c < nCols; c++) colMajor[c * nRows + r] = train.x.values[r * nCols + c]!;
    // Values exactly representable in float32 so the three inputs hold the same numbers.
    const rounded = Float32Array.from(train.x.values);
    const params = { nTrees: 10 };
    const names = featureNames(6);
    const fromRounded = trainGbdt({ x: { ...train.x, values: rounded }, y: train.y }, { featureNames: names, params });
    const fromRounded64 = trainGbdt({ x: { ...train.x, values: Float64Array.from(rounded) }, y: train.y }, { featureNames: names, params });
    expect(JSON.stringify(fromRounded)).toBe(JSON.stringify(fromRounded64));
    const rowModel = trainGbdt(train, { featureNames: names, params });
    const colModel = trainGbdt({ x: { values: colMajor, nRows, nCols, layout: 'column-major' }, y: train.y }, { featureNames: names, params });
    expect(JSON.stringify(colModel)).toBe(JSON.stringify(rowModel));
  });

  it('stops early and keeps the trees up to the best validation round', () => {
    // Some signal, deep trees and a high rate: validation loss falls, then turns up quickly.
    const make = (n: number, seed: number) =>
      buildDataset(n, 5, seed, (rand) => {
        const a = rand();
        return { x: [a, rand(), rand(), rand(), rand()], y: bernoulli(rand, 3 * (a - 0.5)) };
      });
    const train = make(600, 8);
    const validation = make(600, 9);
    const params = { nTrees: 200, maxDepth: 6, learningRate: 0.5, earlyStoppingRounds: 5 };
    const model = trainGbdt(train, { featureNames: featureNames(5), params, validation });
    const { bestIteration, roundsTrained, validationLoss, metric } = model.training;
    expect(metric).toBe('logloss');
    expect(roundsTrained).toBeLessThan(200);
    expect(roundsTrained).toBe(bestIteration! + 1 + 5);
    expect(validationLoss).toHaveLength(roundsTrained);
    expect(Math.min(...validationLoss)).toBe(validationLoss[bestIteration!]);
    expect(model.trees).toHaveLength(bestIteration! + 1);
    const refit = trainGbdt(train, { featureNames: featureNames(5), params: { ...params, nTrees: bestIteration! + 1, earlyStoppingRounds: 0 } });
    expect(JSON.stringify(model.trees.map((t) => Array.from(t.value)))).toBe(JSON.stringify(refit.trees.map((t) => Array.from(t.value))));
  });

  it('keeps no tree when none improves on the starting margin', () => {
    // Labels independent of the features: every tree fits noise.
    const make = (n: number, seed: number) => buildDataset(n, 3, seed, (rand) => ({ x: [rand(), rand(), rand()], y: rand() < 0.3 ? 1 : 0 }));
    const train = make(300, 21);
    const validation = make(300, 22);
    const model = trainGbdt(train, { featureNames: featureNames(3), params: { nTrees: 50, maxDepth: 6, learningRate: 0.5, earlyStoppingRounds: 5 }, validation });
    expect(model.training.bestIteration).toBe(-1);
    expect(model.training.roundsTrained).toBe(5);
    expect(model.trees).toHaveLength(0);
    // With no tree the model predicts its starting margin for every row.
    expect(new Set(model.predictMargin(validation.x)).size).toBe(1);
  });

  it('ranks a held-out set far better than a random ranking can (seeded quality floor)', () => {
    const train = riskProblem(4000, 10);
    const test = riskProblem(4000, 11);
    const model = trainGbdt(train, { featureNames: featureNames(6), params: { nTrees: 80, maxDepth: 4 } });
    const auc = areaUnderRoc(model.predictProbability(test.x), test.y);
    const rand = seededUniform(12);
    const randomAuc = areaUnderRoc(Float64Array.from({ length: test.x.nRows }, rand), test.y);
    expect(auc).toBeGreaterThan(0.8);
    expect(randomAuc).toBeLessThan(0.55);
  });

  it('fits squared error towards the conditional mean', () => {
    const train = buildDataset(2000, 2, 13, (rand) => {
      const a = rand();
      return { x: [a, rand()], y: (a > 0.5 ? 10 : 2) + (rand() - 0.5) };
    });
    const model = trainGbdt(train, { featureNames: featureNames(2), params: { objective: 'squared-error', nTrees: 50, maxDepth: 2, learningRate: 0.3 } });
    const p = model.predict(matrixFromRows([[0.25, 0.5], [0.75, 0.5]]));
    expect(p[0]!).toBeCloseTo(2, 0);
    expect(p[1]!).toBeCloseTo(10, 0);
    expect(() => model.predictProbability(matrixFromRows([[0.25, 0.5]]))).toThrow(
      'predictProbability needs the logistic objective, this model has squared-error',
    );
  });

  it('treats weight 2 like a duplicated row', () => {
    const base = buildDataset(300, 2, 14, (rand) => {
      const a = Math.floor(rand() * 10);
      return { x: [a, Math.floor(rand() * 5)], y: bernoulli(rand, a - 5) };
    });
    const n = base.x.nRows;
    const weights = Float64Array.from({ length: n }, (_, i) => (i < 100 ? 2 : 1));
    const dupValues = new Float64Array((n + 100) * 2);
    dupValues.set(base.x.values);
    dupValues.set(base.x.values.subarray(0, 200), n * 2);
    const dupY = new Float64Array(n + 100);
    dupY.set(base.y);
    dupY.set(base.y.subarray(0, 100), n);
    const params = { nTrees: 10, maxDepth: 3 };
    const weighted = trainGbdt({ ...base, weights }, { featureNames: featureNames(2), params });
    const duplicated = trainGbdt({ x: { values: dupValues, nRows: n + 100, nCols: 2, layout: 'row-major' }, y: dupY }, { featureNames: featureNames(2), params });
    const a = weighted.predictMargin(base.x);
    const b = duplicated.predictMargin(base.x);
    for (let i = 0; i < n; i++) expect(a[i]!).toBeCloseTo(b[i]!, 9);
  });

  it('refuses bad labels, shapes and parameters with precise messages', () => {
    const x = matrixFromRows([[1], [2]]);
    expect(() => trainGbdt({ x, y: [0, 2] }, { featureNames: ['f0'] })).toThrow(
      'The training label of row 1 is wrong: logistic labels must be 0 or 1, got 2',
    );
    expect(() => trainGbdt({ x, y: [0, 1] }, { featureNames: ['f0', 'f1'] })).toThrow(
      'The training matrix has 1 columns but 2 feature names were given',
    );
    expect(() => trainGbdt({ x, y: [0, 1] }, { featureNames: ['f0'], params: { learningRate: 0 } })).toThrow(
      'learningRate must be a finite number > 0, got 0',
    );
    expect(() => trainGbdt({ x, y: [0, 1] }, { featureNames: ['f0'], params: { earlyStoppingRounds: 3 } })).toThrow(
      'earlyStoppingRounds is 3 but no validation set was given',
    );
  });

  it('limits leaves when maxLeaves is set', () => {
    const train = riskProblem(2000, 15);
    const model = trainGbdt(train, { featureNames: featureNames(6), params: { nTrees: 5, maxDepth: 8, maxLeaves: 5 } });
    for (const tree of model.trees) expect(Array.from(tree.feature).filter((f) => f === -1).length).toBeLessThanOrEqual(5);
  });
});
