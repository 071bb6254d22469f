import { describe, expect, it } from 'vitest';
import { GbdtModel, trainGbdt, type FeatureMatrix } from '../../../../src/models/learners/gbdt/index.js';
import { OBJECTIVES, objectiveFromId } from '../../../../src/models/learners/gbdt/objective.js';
import { buildDataset, featureNames } from './helpers.js';

describe('objectives', () => {
  it.each(Object.values(OBJECTIVES))('$id: gradient and hessian are the derivatives of the loss', (objective) => {
    const margins = [-3, -0.5, 0, 0.7, 2.5];
    const labels = {
      logistic: [0, 1, 1, 0, 1],
      'squared-error': [1.5, -2, 0, 3, 0.25],
      gamma: [0.05, 2, 1, 30, 0.25],
    }[objective.id];
    const grad = new Float64Array(5);
    const hess = new Float64Array(5);
    objective.gradients(Float64Array.from(margins), labels, null, grad, hess);
    // The loss may be scaled (squared error reports the full square, gamma the deviance); compare up to that factor.
    const scale = objective.id === 'logistic' ? 1 : 2;
    const eps = 1e-5;
    margins.forEach((m, i) => {
      const y = labels[i]!;
      const d1 = (objective.loss(m + eps, y) - objective.loss(m - eps, y)) / (2 * eps);
      const d2 = (objective.loss(m + eps, y) - 2 * objective.loss(m, y) + objective.loss(m - eps, y)) / (eps * eps);
      expect(grad[i]! * scale).toBeCloseTo(d1, 5);
      expect(hess[i]! * scale).toBeCloseTo(d2, 3);
    });
  });

  it('starts the logistic margin at the log-odds of the weighted positive rate', () => {
    expect(OBJECTIVES.logistic.baseMargin([1, 0, 0, 0], null)).toBeCloseTo(Math.log(1 / 3), 12);
    expect(OBJECTIVES.logistic.baseMargin([1, 0], [3, 1])).toBeCloseTo(Math.log(3), 12);
  });

  it('keeps the logistic loss finite for extreme margins', () => {
    expect(OBJECTIVES.logistic.loss(800, 0)).toBe(800);
    expect(OBJECTIVES.logistic.loss(-800, 1)).toBe(800);
    expect(OBJECTIVES.logistic.loss(800, 1)).toBe(0);
  });

  it('names the known objectives for an unknown id', () => {
    expect(() => objectiveFromId('tweedie')).toThrow(
      'Unknown GBDT objective "tweedie": expected one of logistic, squared-error, gamma',
    );
  });
});

/**
 * Gamma-distributed amounts (shape 2, sum of two exponentials) whose mean is
 * exp(4 + 0.8·group) for group = floor(f0) in 0..3, times a smooth effect of
 * f1; f2 is noise.
 */
function gammaAmounts(nRows: number, seed: number): { x: FeatureMatrix; y: Float64Array; mean: Float64Array; group: Int32Array } {
  const mean = new Float64Array(nRows);
  const group = new Int32Array(nRows);
  const data = buildDataset(nRows, 3, seed, (r) => {
    const f0 = r() * 4;
    const f1 = r() * 2 - 1;
    const mu = Math.exp(4 + 0.8 * Math.floor(f0) + 0.5 * f1);
    const y = (mu / 2) * (-Math.log(1 - r()) - Math.log(1 - r()));
    return { x: [f0, f1, r()], y };
  });
  for (let i = 0; i < nRows; i++) {
    const f0 = data.x.values[i * 3]!;
    const f1 = data.x.values[i * 3 + 1]!;
    group[i] = Math.floor(f0);
    mean[i] = Math.exp(4 + 0.8 * group[i]! + 0.5 * f1);
  }
  return { ...data, mean, group };
}

function meanDeviance(pred: Float64Array, y: Float64Array): number {
  let sum = 0;
  // Squared error may predict amounts <= 0, where the deviance is undefined; floor them at 1.
  for (let i = 0; i < y.length; i++) sum += OBJECTIVES.gamma.loss(Math.log(Math.max(pred[i]!, 1)), y[i]!);
  return sum / y.length;
}

describe('gamma objective', () => {
  const names = featureNames(3);
  const params = { nTrees: 60, maxDepth: 3, learningRate: 0.2, seed: 5 };

  it('fits a mean that tracks the true group means, better than squared error by deviance', () => {
    const train = gammaAmounts(3000, 41);
    const test = gammaAmounts(3000, 42);
    const model = trainGbdt(train, { featureNames: names, params: { ...params, objective: 'gamma' } });
    const pred = model.predict(test.x);
    for (let g = 0; g < 4; g++) {
      let fitted = 0;
      let truth = 0;
      for (let i = 0; i < test.y.length; i++) {
        if (test.group[i] !== g) continue;
        fitted += pred[i]!;
        truth += test.mean[i]!;
      }
      expect(Math.abs(fitted / truth - 1)).toBeLessThan(0.1);
    }
    const squared = trainGbdt(train, { featureNames: names, params: { ...params, objective: 'squared-error' } });
    expect(meanDeviance(pred, test.y)).toBeLessThan(meanDeviance(squared.predict(test.x), test.y));
  });

  it('starts at the log of the mean amount and predicts exp(margin)', () => {
    expect(OBJECTIVES.gamma.baseMargin([1, 3], null)).toBeCloseTo(Math.log(2), 12);
    const train = gammaAmounts(400, 43);
    const model = trainGbdt(train, { featureNames: names, params: { ...params, objective: 'gamma', nTrees: 10 } });
    const margin = model.predictMargin(train.x);
    const pred = model.predict(train.x);
    margin.forEach((m, i) => expect(pred[i]).toBe(Math.exp(m)));
  });

  it('refuses a zero or negative amount and names the row', () => {
    const train = gammaAmounts(50, 44);
    train.y[7] = 0;
    expect(() => trainGbdt(train, { featureNames: names, params: { objective: 'gamma' } })).toThrow(
      'The training label of row 7 is wrong: gamma labels must be finite amounts > 0, got 0',
    );
    train.y[7] = 1;
    train.y[12] = -3.5;
    expect(() => trainGbdt(train, { featureNames: names, params: { objective: 'gamma' } })).toThrow(
      'The training label of row 12 is wrong: gamma labels must be finite amounts > 0, got -3.5',
    );
  });

  it('gives contributions that sum to the margin and identical predictions after save -> load', () => {
    const train = gammaAmounts(600, 45);
    const model = trainGbdt(train, { featureNames: names, params: { ...params, objective: 'gamma', nTrees: 20 } });
    const margin = model.predictMargin(train.x);
    const phi = model.contributions(train.x);
    for (let r = 0; r < 50; r++) {
      let sum = 0;
      for (let c = 0; c <= names.length; c++) sum += phi[r * (names.length + 1) + c]!;
      expect(sum).toBeCloseTo(margin[r]!, 9);
    }
    const loaded = GbdtModel.fromJSON(JSON.parse(JSON.stringify(model)), { featureNames: names });
    expect(loaded.objective).toBe('gamma');
    expect(loaded.predict(train.x)).toEqual(model.predict(train.x));
  });
});
