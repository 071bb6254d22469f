import { describe, expect, it } from 'vitest';
import { OBJECTIVES, objectiveFromId } from '../../../src/models/gbdt/objective.js';

describe('objectives', () => {
  it.each(Object.values(OBJECTIVES))('$id: gradient and hessian are the derivatives of the loss', (objective) => {
    const margins = [-3, -0.5, 0, 0.7, 2.5];
    const labels = objective.id === 'logistic' ? [0, 1, 1, 0, 1] : [1.5, -2, 0, 3, 0.25];
    const grad = new Float64Array(5);
    const hess = new Float64Array(5);
    objective.gradients(Float64Array.from(margins), labels, null, grad, hess);
    // The loss may be scaled (squared error reports the full square); compare the shape up to that factor.
    const scale = objective.id === 'squared-error' ? 2 : 1;
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
    expect(() => objectiveFromId('gamma')).toThrow('Unknown GBDT objective "gamma": expected one of logistic, squared-error');
  });
});
