import { describe, expect, it } from 'vitest';
import { matrixFromRows } from '../../../../src/models/learners/gbdt/matrix.js';
import {
  ISOLATION_FOREST_FORMAT_VERSION,
  IsolationForestModel,
  trainIsolationForest,
  type IsolationForestJson,
} from '../../../../src/models/learners/isolation-forest/index.js';
import { featureNames, gaussianWithOutliers } from './helpers.js';

const names = featureNames(5);

function fitted(): { model: IsolationForestModel; x: ReturnType<typeof gaussianWithOutliers>['x'] } {
  const { x } = gaussianWithOutliers(1000, 10, 5, 21);
  const model = trainIsolationForest({ x }, { featureNames: names, params: { nTrees: 30, sampleSize: 128, seed: 7 } });
  return { model, x };
}

function roundTrip(model: IsolationForestModel): IsolationForestJson {
  return JSON.parse(JSON.stringify(model)) as IsolationForestJson;
}

describe('IsolationForestModel save and load', () => {
  it('gives identical scores and contributions after save -> load', () => {
    const { model, x } = fitted();
    const loaded = IsolationForestModel.fromJSON(roundTrip(model), { featureNames: names });
    expect(loaded.score(x)).toEqual(model.score(x));
    expect(loaded.isolationContributions(x)).toEqual(model.isolationContributions(x));
    expect(JSON.stringify(loaded)).toBe(JSON.stringify(model));
  });

  it('writes the format name and version, ordered feature names, params with seed and training info', () => {
    const json = roundTrip(fitted().model);
    expect(json.format).toBe('ccrg-isolation-forest');
    expect(json.formatVersion).toBe(ISOLATION_FOREST_FORMAT_VERSION);
    expect(json.featureNames).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    expect(json.params).toEqual({ nTrees: 30, sampleSize: 128, maxDepth: 7, seed: 7 });
    expect(json.training).toEqual({ nRows: 1010, subsampleSize: 128 });
    expect(json.trees).toHaveLength(30);
  });

  it('refuses another format version', () => {
    const json = { ...roundTrip(fitted().model), formatVersion: 2 };
    expect(() => IsolationForestModel.fromJSON(json)).toThrow(
      'Isolation forest format version 2 is not supported: this build reads version 1',
    );
  });

  it('refuses something that is not an isolation forest', () => {
    expect(() => IsolationForestModel.fromJSON({ format: 'ccrg-gbdt', formatVersion: 1 })).toThrow(
      'Not an isolation forest: format is "ccrg-gbdt", expected "ccrg-isolation-forest"',
    );
    expect(() => IsolationForestModel.fromJSON(null)).toThrow('An isolation forest must be a JSON object, got null');
  });

  it('names the first differing feature and its position', () => {
    const json = roundTrip(fitted().model);
    expect(() => IsolationForestModel.fromJSON(json, { featureNames: ['f0', 'f1', 'f3', 'f2', 'f4'] })).toThrow(
      'Isolation forest features differ from the expected ones at position 2: model has "f2", expected "f3" (model has 5 features, expected 5)',
    );
    expect(() => IsolationForestModel.fromJSON(json, { featureNames: featureNames(6) })).toThrow(
      'Isolation forest features differ from the expected ones at position 5: model has no feature, expected "f5" (model has 5 features, expected 6)',
    );
  });

  it('refuses corrupt trees and params', () => {
    const json = roundTrip(fitted().model);
    const backwards = structuredClone(json);
    backwards.trees[3]!.left[0] = 0;
    expect(() => IsolationForestModel.fromJSON(backwards)).toThrow('Isolation forest tree 3 is corrupt: node 0 links to node 0');
    const resized = structuredClone(json);
    resized.trees[0]!.size[0] = 1010;
    expect(() => IsolationForestModel.fromJSON(resized)).toThrow('Isolation forest tree 0 is corrupt: the root holds 1010 rows, expected 128');
    const fewer = { ...json, trees: json.trees.slice(1) };
    expect(() => IsolationForestModel.fromJSON(fewer)).toThrow('Isolation forest has 29 trees but params.nTrees is 30');
    const badParams = { ...json, params: { ...json.params, maxDepth: 0 } };
    expect(() => IsolationForestModel.fromJSON(badParams)).toThrow(
      'Isolation forest params are wrong: maxDepth must be an integer in 1..30, got 0',
    );
  });

  it('refuses a matrix with another number of columns', () => {
    expect(() => fitted().model.score(matrixFromRows([[1, 2, 3]]))).toThrow(
      'The matrix has 3 columns but the isolation forest has 5 features',
    );
  });
});

describe('IsolationForestModel scores', () => {
  it('is 2^(-E[h]/c(ψ)) of the mean path length', () => {
    const { model, x } = fitted();
    const h = model.meanPathLength(x);
    const s = model.score(x);
    const c = 2 * (Math.log(127) + 0.5772156649015329) - (2 * 127) / 128;
    for (let r = 0; r < 20; r++) expect(s[r]).toBeCloseTo(2 ** (-h[r]! / c), 14);
  });

  it('credits the feature that isolates a row, with entries summing to the mean isolation bits', () => {
    const { model } = fitted();
    const probe = matrixFromRows([
      [0, 0, 9, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    const phi = model.isolationContributions(probe);
    const outlier = [...phi.subarray(0, 5)];
    expect(outlier.indexOf(Math.max(...outlier))).toBe(2);
    const inlier = [...phi.subarray(5, 10)];
    expect(outlier[2]).toBeGreaterThan(2 * inlier[2]!);
    // Entries sum to the mean over trees of log2(ψ / rows in the row's leaf), at most log2 128 = 7.
    for (const row of [outlier, inlier]) {
      const total = row.reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThanOrEqual(7 + 1e-12);
    }
  });
});
