import { describe, expect, it } from 'vitest';
import { HIST_BLOCK_ROWS } from '../../../../src/models/learners/gbdt/grow-tasks.js';
import { GbdtModel, areaUnderRoc, predictMarginMany, trainGbdt, type FeatureMatrix } from '../../../../src/models/learners/gbdt/index.js';
import { mulberry32 } from '../../../../src/util/random.js';

/**
 * Rows whose labels follow a known score (the offset, as a risk profile's
 * log-odds would be) and, when `signal` is set, also feature 0 beyond it;
 * features 1-2 are noise.
 */
function world(rows: number, seed: number, signal: number): { x: FeatureMatrix; y: Float64Array; offset: Float64Array } {
  const rnd = mulberry32(seed);
  const values = new Float64Array(rows * 3);
  const y = new Float64Array(rows);
  const offset = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = rnd();
    values.set([a, rnd(), rnd() < 0.1 ? Number.NaN : rnd()], r * 3);
    offset[r] = -2 + 3 * rnd();
    y[r] = rnd() < 1 / (1 + Math.exp(-(offset[r]! + signal * (a > 0.7 ? 1.5 : 0)))) ? 1 : 0;
  }
  return { x: { values, nRows: rows, nCols: 3, layout: 'row-major' }, y, offset };
}

const NAMES = ['signal', 'noise', 'gappy_noise'];
const PARAMS = { nTrees: 60, maxDepth: 3, learningRate: 0.1, minChildWeight: 5 };

describe('trainGbdt from a starting margin per row (offset)', () => {
  it('stays with the offset’s ranking when the features add nothing, and learns what they add beyond it', () => {
    const test = world(20_000, 2, 0);
    for (const signal of [0, 1]) {
      const train = world(20_000, 1, signal);
      const model = trainGbdt(train, { featureNames: NAMES, params: PARAMS });
      expect(model.baseMargin).toBe(0);
      expect(model.training.offset).toBe(true);
      const heldOut = world(20_000, 2, signal);
      const aucModel = areaUnderRoc(model.predictMargin(heldOut.x, heldOut.offset), heldOut.y);
      const aucOffset = areaUnderRoc(heldOut.offset, heldOut.y);
      if (signal === 0) {
        // No signal beyond the offset: the model's ranking is the offset's, up to noise, and what
        // the trees add on their own is small.
        expect(Math.abs(aucModel - aucOffset)).toBeLessThan(0.01);
        const corrections = model.predictMargin(test.x, new Float64Array(test.x.nRows));
        const meanShift = corrections.reduce((sum, c) => sum + Math.abs(c), 0) / corrections.length;
        expect(meanShift).toBeLessThan(0.2);
      } else {
        expect(aucModel).toBeGreaterThan(aucOffset + 0.02);
        // And a model without the offset, on the features alone, is far behind both.
        const alone = trainGbdt({ x: train.x, y: train.y }, { featureNames: NAMES, params: PARAMS });
        expect(areaUnderRoc(alone.predictMargin(heldOut.x), heldOut.y)).toBeLessThan(aucOffset);
      }
    }
  });

  it('predicts the training margins from the offsets, needs them, and keeps them through JSON', async () => {
    const train = world(3_000, 3, 1);
    const model = trainGbdt(train, { featureNames: NAMES, params: { nTrees: 10, maxDepth: 2 } });
    expect(() => model.predictMargin(train.x)).toThrow('pass the offsets');
    expect(() => model.predictMargin(train.x, train.offset.subarray(1))).toThrow('2999 offsets were given for 3000 rows');
    const margins = model.predictMargin(train.x, train.offset);
    const copy = GbdtModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(copy.training.offset).toBe(true);
    expect([...copy.predictMargin(train.x, train.offset)]).toEqual([...margins]);
    expect([...(await predictMarginMany(model, train.x, 2, 1, train.offset))]).toEqual([...margins]);
    // Contributions explain what the trees add to the offset.
    const phi = model.contributions(train.x);
    for (let r = 0; r < 5; r++) {
      const sum = phi.subarray(r * 4, r * 4 + 4).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(margins[r]! - train.offset[r]!, 9);
    }
    // A model without offsets saves no offset field.
    const plain = trainGbdt({ x: train.x, y: train.y }, { featureNames: NAMES, params: { nTrees: 2 } });
    expect('offset' in plain.toJSON().training).toBe(false);
  });

  it('refuses offsets on one set only, of the wrong length, or not finite', () => {
    const train = world(500, 4, 0);
    const opts = { featureNames: NAMES, params: { nTrees: 2 } };
    expect(() => trainGbdt(train, { ...opts, validation: { x: train.x, y: train.y } })).toThrow('the validation set has none');
    expect(() => trainGbdt({ ...train, offset: train.offset.subarray(2) }, opts)).toThrow('498 offsets for 500 rows');
    const bad = Float64Array.from(train.offset);
    bad[7] = Number.NaN;
    expect(() => trainGbdt({ ...train, offset: bad }, opts)).toThrow('offset of row 7 must be a finite number');
  });

  it('grows the same model from offsets with 1 and 2 threads', () => {
    const train = world(3 * HIST_BLOCK_ROWS, 5, 1);
    const one = trainGbdt(train, { featureNames: NAMES, params: { ...PARAMS, rowSubsample: 0.8 }, threads: 1 });
    const two = trainGbdt(train, { featureNames: NAMES, params: { ...PARAMS, rowSubsample: 0.8 }, threads: 2 });
    expect(JSON.stringify(two.toJSON())).toBe(JSON.stringify(one.toJSON()));
  });
});

describe('trainGbdt with excluded features', () => {
  it('never splits on them (their contributions are 0), with or without a feature sample, and refuses unknown names', () => {
    const train = world(4_000, 6, 1);
    for (const colSubsample of [1, 0.67]) {
      const model = trainGbdt(train, { featureNames: NAMES, params: { nTrees: 20, maxDepth: 3, colSubsample }, excludeFeatures: ['signal'] });
      expect(model.trees.every((t) => !t.feature.includes(0))).toBe(true);
      const phi = model.contributions(train.x);
      for (let r = 0; r < 50; r++) expect(phi[r * 4]).toBe(0);
    }
    // Without the exclusion the signal is what the trees split on first.
    const free = trainGbdt(train, { featureNames: NAMES, params: { nTrees: 5, maxDepth: 2 } });
    expect(free.trees[0]!.feature[0]).toBe(0);
    expect(() => trainGbdt(train, { featureNames: NAMES, params: { nTrees: 2 }, excludeFeatures: ['nope'] })).toThrow('"nope", which is not among the feature names');
    expect(() => trainGbdt(train, { featureNames: NAMES, params: { nTrees: 2 }, excludeFeatures: NAMES })).toThrow('leaves no feature');
  });
});
