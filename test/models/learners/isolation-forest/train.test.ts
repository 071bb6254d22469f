import { describe, expect, it } from 'vitest';
import { areaUnderRoc } from '../../../../src/models/learners/gbdt/metrics.js';
import { matrixFromRows } from '../../../../src/models/learners/gbdt/matrix.js';
import { trainIsolationForest } from '../../../../src/models/learners/isolation-forest/index.js';
import { columnMajor, featureNames, gaussianWithOutliers } from './helpers.js';

const names = featureNames(5);

describe('trainIsolationForest', () => {
  it('scores planted outliers in a Gaussian cloud above the inliers (AUC > 0.95)', () => {
    const { x, labels } = gaussianWithOutliers(3000, 30, 5, 11);
    const model = trainIsolationForest({ x }, { featureNames: names, params: { seed: 3 } });
    const scores = model.score(x);
    expect(areaUnderRoc(scores, labels)).toBeGreaterThan(0.95);
    let outlierMean = 0;
    let inlierMean = 0;
    scores.forEach((s, i) => {
      if (labels[i] === 1) outlierMean += s / 30;
      else inlierMean += s / 3000;
    });
    expect(outlierMean).toBeGreaterThan(0.6);
    expect(inlierMean).toBeLessThan(0.5);
  });

  it('keeps every score in (0, 1]', () => {
    const { x } = gaussianWithOutliers(500, 5, 5, 12);
    const model = trainIsolationForest({ x }, { featureNames: names, params: { nTrees: 20, sampleSize: 64 } });
    const probe = matrixFromRows([
      [0, 0, 0, 0, 0],
      [1e6, -1e6, 1e6, -1e6, 1e6],
      [NaN, NaN, NaN, NaN, NaN],
    ]);
    for (const s of [...model.score(x), ...model.score(probe)]) {
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(1);
    }
    const constant = trainIsolationForest({ x: matrixFromRows([[1], [1], [1]]) }, { featureNames: ['f0'], params: { nTrees: 3 } });
    // No split possible: every path is c(3) long, the normaliser itself.
    expect([...constant.score(matrixFromRows([[1], [5]]))]).toEqual([0.5, 0.5]);
  });

  it('gives identical forests for the same seed, whatever the layout', () => {
    const { x } = gaussianWithOutliers(800, 8, 5, 13);
    const params = { nTrees: 25, sampleSize: 128, seed: 42 };
    const a = trainIsolationForest({ x }, { featureNames: names, params });
    const b = trainIsolationForest({ x }, { featureNames: names, params });
    const c = trainIsolationForest({ x: columnMajor(x) }, { featureNames: names, params });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).toBe(JSON.stringify(a));
    expect(b.score(x)).toEqual(a.score(x));
  });

  it('gives different forests for different seeds', () => {
    const { x } = gaussianWithOutliers(800, 8, 5, 13);
    const a = trainIsolationForest({ x }, { featureNames: names, params: { nTrees: 25, seed: 1 } });
    const b = trainIsolationForest({ x }, { featureNames: names, params: { nTrees: 25, seed: 2 } });
    expect(JSON.stringify(b.trees.map((t) => [...t.threshold]))).not.toBe(JSON.stringify(a.trees.map((t) => [...t.threshold])));
    const sa = a.score(x);
    const sb = b.score(x);
    expect(sa.some((s, i) => s !== sb[i])).toBe(true);
  });

  it('builds each tree on its own subsample of sampleSize rows, never the full data', () => {
    const { x } = gaussianWithOutliers(10_000, 0, 5, 14);
    const model = trainIsolationForest({ x }, { featureNames: names, params: { nTrees: 10, sampleSize: 64, maxDepth: 30 } });
    expect(model.training).toEqual({ nRows: 10_000, subsampleSize: 64 });
    const rootSplits = new Set<number>();
    for (const tree of model.trees) {
      expect(tree.size[0]).toBe(64);
      // Unlimited depth isolates every distinct row: one leaf per sampled row.
      const leaves = [...tree.feature].filter((f) => f === -1).length;
      expect(leaves).toBe(64);
      rootSplits.add(tree.threshold[0]!);
    }
    expect(rootSplits.size).toBe(10);
  });

  it('uses all rows per tree when there are fewer than sampleSize, with the default depth from them', () => {
    const { x } = gaussianWithOutliers(100, 0, 5, 15);
    const model = trainIsolationForest({ x }, { featureNames: names, params: { nTrees: 3 } });
    expect(model.training.subsampleSize).toBe(100);
    expect(model.params).toEqual({ nTrees: 3, sampleSize: 256, maxDepth: 7, seed: 1 });
  });

  it('defaults to 100 trees of 256 rows and depth 8', () => {
    const { x } = gaussianWithOutliers(1000, 0, 5, 16);
    const model = trainIsolationForest({ x }, { featureNames: names });
    expect(model.params).toEqual({ nTrees: 100, sampleSize: 256, maxDepth: 8, seed: 1 });
    expect(model.trees).toHaveLength(100);
  });

  it('handles missing values: a missing cell is not itself anomalous, a present extreme one still is', () => {
    const { x, labels } = gaussianWithOutliers(2000, 20, 5, 17);
    // 20% of the cells of feature 1 missing, outliers included.
    for (let r = 0; r < x.nRows; r++) if (r % 5 === 0) x.values[r * 5 + 1] = NaN;
    const model = trainIsolationForest({ x }, { featureNames: names, params: { seed: 4 } });
    const scores = model.score(x);
    expect(areaUnderRoc(scores, labels)).toBeGreaterThan(0.95);
    const probe = matrixFromRows([
      [0, NaN, 0, 0, 0],
      [NaN, NaN, NaN, NaN, NaN],
      [4, NaN, -4, 4, 4],
    ]);
    const [typicalMissing, allMissing, extremeMissing] = model.score(probe);
    expect(typicalMissing).toBeLessThan(0.5);
    expect(allMissing).toBeLessThan(0.5);
    expect(extremeMissing).toBeGreaterThan(0.6);
    expect(extremeMissing).toBeGreaterThan(typicalMissing! + 0.2);
  });

  it('refuses infinite values, naming the row and column', () => {
    const x = matrixFromRows([
      [1, 2],
      [3, -Infinity],
    ]);
    expect(() => trainIsolationForest({ x }, { featureNames: ['a', 'b'] })).toThrow(
      'The training value at row 1, column 1 ("b") is -Infinity: isolation forest values must be finite, or NaN for missing',
    );
  });

  it('refuses a feature list of the wrong length and fewer than two rows', () => {
    const x = matrixFromRows([[1, 2]]);
    expect(() => trainIsolationForest({ x }, { featureNames: ['a'] })).toThrow(
      'The training matrix has 2 columns but 1 feature names were given',
    );
    expect(() => trainIsolationForest({ x }, { featureNames: ['a', 'b'] })).toThrow(
      'An isolation forest needs at least 2 training rows, got 1',
    );
  });

  it('refuses out-of-range params', () => {
    const { x } = gaussianWithOutliers(10, 0, 5, 18);
    expect(() => trainIsolationForest({ x }, { featureNames: names, params: { sampleSize: 1 } })).toThrow(
      'sampleSize must be an integer >= 2, got 1',
    );
    expect(() => trainIsolationForest({ x }, { featureNames: names, params: { maxDepth: 0 } })).toThrow(
      'maxDepth must be an integer in 1..30, got 0',
    );
    expect(() => trainIsolationForest({ x }, { featureNames: names, params: { nTrees: 2.5 } })).toThrow(
      'nTrees must be an integer >= 1, got 2.5',
    );
  });
});
