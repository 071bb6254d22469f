import { describe, expect, it } from 'vitest';
import {
  GBDT_FORMAT_VERSION,
  GbdtModel,
  matrixFromRows,
  trainGbdt,
  type GbdtModelJson,
} from '../../../../src/models/learners/gbdt/index.js';
import { featureNames, riskProblem } from './helpers.js';

function fittedModel(): { model: GbdtModel; test: ReturnType<typeof riskProblem> } {
  const train = riskProblem(1500, 21);
  const test = riskProblem(300, 22);
  const model = trainGbdt(train, { featureNames: featureNames(6), params: { nTrees: 30, maxDepth: 4, rowSubsample: 0.8, colSubsample: 0.8, seed: 3 } });
  return { model, test };
}

function roundTrip(model: GbdtModel): GbdtModelJson {
  return JSON.parse(JSON.stringify(model)) as GbdtModelJson;
}

describe('GbdtModel save and load', () => {
  it('gives identical predictions and contributions after save -> load', () => {
    const { model, test } = fittedModel();
    const loaded = GbdtModel.fromJSON(roundTrip(model), { featureNames: featureNames(6) });
    expect(loaded.predictMargin(test.x)).toEqual(model.predictMargin(test.x));
    expect(loaded.predictProbability(test.x)).toEqual(model.predictProbability(test.x));
    expect(loaded.contributions(test.x)).toEqual(model.contributions(test.x));
    expect(JSON.stringify(loaded)).toBe(JSON.stringify(model));
  });

  it('writes the format version, ordered feature names, params and training info', () => {
    const { model } = fittedModel();
    const json = roundTrip(model);
    expect(json.format).toBe('ccrg-gbdt');
    expect(json.formatVersion).toBe(GBDT_FORMAT_VERSION);
    expect(json.featureNames).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    expect(json.params).toMatchObject({ nTrees: 30, maxDepth: 4, seed: 3, objective: 'logistic' });
    expect(json.training).toEqual({ nRows: 1500, roundsTrained: 30, metric: null, validationLoss: [], bestIteration: null });
    expect(json.trees).toHaveLength(30);
  });

  it('refuses another format version', () => {
    const json = { ...roundTrip(fittedModel().model), formatVersion: 2 };
    expect(() => GbdtModel.fromJSON(json)).toThrow('GBDT model format version 2 is not supported: this build reads version 1');
  });

  it('refuses something that is not a GBDT model', () => {
    expect(() => GbdtModel.fromJSON({ format: 'mljs-random-forest' })).toThrow(
      'Not a GBDT model: format is "mljs-random-forest", expected "ccrg-gbdt"',
    );
  });

  it('names the first differing feature and its position', () => {
    const json = roundTrip(fittedModel().model);
    expect(() => GbdtModel.fromJSON(json, { featureNames: ['f0', 'f1', 'f3', 'f2', 'f4', 'f5'] })).toThrow(
      'GBDT model features differ from the expected ones at position 2: model has "f2", expected "f3" (model has 6 features, expected 6)',
    );
  });

  it('names the position where one feature list ends', () => {
    const json = roundTrip(fittedModel().model);
    expect(() => GbdtModel.fromJSON(json, { featureNames: featureNames(7) })).toThrow(
      'GBDT model features differ from the expected ones at position 6: model has no feature, expected "f6" (model has 6 features, expected 7)',
    );
    expect(() => GbdtModel.fromJSON(json, { featureNames: featureNames(5) })).toThrow(
      'GBDT model features differ from the expected ones at position 5: model has "f5", expected no feature (model has 6 features, expected 5)',
    );
  });

  it('refuses a tree whose links point backwards', () => {
    const json = roundTrip(fittedModel().model);
    json.trees[3]!.left[0] = 0;
    expect(() => GbdtModel.fromJSON(json)).toThrow('GBDT model tree 3 is corrupt: node 0 links to node 0');
  });

  it('refuses out-of-range params', () => {
    const json = roundTrip(fittedModel().model);
    const broken = { ...json, params: { ...json.params, maxDepth: 0 } };
    expect(() => GbdtModel.fromJSON(broken)).toThrow('GBDT model params are wrong: maxDepth must be an integer in 1..30, got 0');
  });

  it('refuses a matrix with the wrong number of columns', () => {
    const { model } = fittedModel();
    expect(() => model.predictMargin(matrixFromRows([[1, 2, 3]]))).toThrow(
      'The matrix has 3 columns but the model has 6 features',
    );
  });
});
