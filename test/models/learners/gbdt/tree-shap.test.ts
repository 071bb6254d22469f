import { describe, expect, it } from 'vitest';
import { matrixFromRows, trainGbdt, type Tree } from '../../../../src/models/learners/gbdt/index.js';
import { ShapPath, addTreeShap, treeExpectedValue } from '../../../../src/models/learners/gbdt/tree-shap.js';
import { featureNames, riskProblem } from './helpers.js';

// E[f(x) | x_S] under the path-dependent (cover-weighted) background TreeSHAP uses.
function conditionalExpectation(tree: Tree, x: readonly number[], known: ReadonlySet<number>, node = 0): number {
  const f = tree.feature[node]!;
  if (f < 0) return tree.value[node]!;
  const l = tree.left[node]!;
  const r = tree.right[node]!;
  if (known.has(f)) {
    const v = x[f]!;
    const goLeft = Number.isNaN(v) ? tree.defaultLeft[node] === 1 : v <= tree.threshold[node]!;
    return conditionalExpectation(tree, x, known, goLeft ? l : r);
  }
  const cl = tree.cover[l]!;
  const cr = tree.cover[r]!;
  return (cl * conditionalExpectation(tree, x, known, l) + cr * conditionalExpectation(tree, x, known, r)) / (cl + cr);
}

// Shapley values by enumerating every subset of features.
function bruteForceShap(tree: Tree, x: readonly number[]): number[] {
  const m = x.length;
  const phi = new Array<number>(m).fill(0);
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  for (let mask = 0; mask < 1 << m; mask++) {
    const s = new Set<number>();
    for (let j = 0; j < m; j++) if (mask & (1 << j)) s.add(j);
    const weight = (factorial(s.size) * factorial(m - s.size - 1)) / factorial(m);
    const base = conditionalExpectation(tree, x, s);
    for (let j = 0; j < m; j++) {
      if (s.has(j)) continue;
      phi[j]! += weight * (conditionalExpectation(tree, x, new Set([...s, j])) - base);
    }
  }
  return phi;
}

describe('TreeSHAP contributions', () => {
  const train = riskProblem(2000, 31);
  const model = trainGbdt(train, { featureNames: featureNames(6), params: { nTrees: 40, maxDepth: 5, learningRate: 0.3 } });
  const test = riskProblem(200, 32);

  it('sum with the bias to the margin of every row', () => {
    const margin = model.predictMargin(test.x);
    const contributions = model.contributions(test.x);
    const width = 7;
    for (let r = 0; r < test.x.nRows; r++) {
      let sum = 0;
      for (let j = 0; j < width; j++) sum += contributions[r * width + j]!;
      expect(Math.abs(sum - margin[r]!)).toBeLessThan(1e-9);
    }
  });

  it('match brute-force Shapley values of each tree, missing values included', () => {
    const rows = [
      [0.5, -1, 1.2, NaN, 0.3, NaN],
      [-1.5, 0.7, 0.2, 8.5, 0.9, 0.1],
      [1.9, 1.9, -1.9, 2, 0.1, 0.5],
    ];
    for (const row of rows) {
      for (const tree of model.trees.slice(0, 8)) {
        const phi = new Float64Array(6);
        addTreeShap(tree, row, 0, 1, phi, 0, new ShapPath(5));
        const expected = bruteForceShap(tree, row);
        for (let j = 0; j < 6; j++) expect(phi[j]!).toBeCloseTo(expected[j]!, 12);
      }
    }
  });

  it('put the bias at the cover-weighted expected margin', () => {
    const contributions = model.contributions(matrixFromRows([[0, 0, 0, 0, 0, 0]]));
    const expected = model.trees.reduce((sum, t) => sum + treeExpectedValue(t), model.baseMargin);
    expect(contributions[6]).toBe(expected);
  });

  it('give no contribution to a feature the model never splits on', () => {
    const constant = riskProblem(500, 33);
    for (let r = 0; r < constant.x.nRows; r++) constant.x.values[r * 6 + 4] = 1;
    const m = trainGbdt(constant, { featureNames: featureNames(6), params: { nTrees: 10 } });
    expect(m.featureImportance()[4]).toEqual({ feature: 'f4', gain: 0, splits: 0 });
    const contributions = m.contributions(matrixFromRows([[1, 1, 1, NaN, 5, 0.5]]));
    expect(contributions[4]).toBe(0);
  });
});
