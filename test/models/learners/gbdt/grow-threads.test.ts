import { describe, expect, it } from 'vitest';
import { HIST_BLOCK_ROWS } from '../../../../src/models/learners/gbdt/grow-tasks.js';
import { trainGbdt, type GbdtParams } from '../../../../src/models/learners/gbdt/index.js';
import { mulberry32 } from '../../../../src/util/random.js';

/** Enough rows for several histogram blocks: six columns, an interaction, missing values and a constant. */
function data(rows: number, seed: number): { x: { values: Float64Array; nRows: number; nCols: number; layout: 'column-major' }; y: Float64Array } {
  const rnd = mulberry32(seed);
  const nCols = 6;
  const values = new Float64Array(rows * nCols);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = rnd();
    const b = rnd();
    const c = Math.floor(rnd() * 20);
    const d = rnd() < 0.2 ? Number.NaN : rnd();
    values[r] = a;
    values[rows + r] = b;
    values[2 * rows + r] = c;
    values[3 * rows + r] = d;
    values[4 * rows + r] = rnd();
    values[5 * rows + r] = 1;
    const z = 3 * a - 2 * b + (c % 7 === 0 ? 1.5 : 0) + (Number.isNaN(d) ? 1 : 0) + (a > 0.5 && b > 0.5 ? -2 : 0);
    y[r] = rnd() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { x: { values, nRows: rows, nCols, layout: 'column-major' }, y };
}

const NAMES = ['a', 'b', 'code', 'gappy', 'noise', 'constant'];

describe('trainGbdt on several threads', () => {
  const train = data(5 * HIST_BLOCK_ROWS + 123, 7);
  const variants: [string, Partial<GbdtParams>][] = [
    ['level-wise, every row and feature', { nTrees: 12, maxDepth: 6 }],
    ['row and feature samples', { nTrees: 12, maxDepth: 5, rowSubsample: 0.7, colSubsample: 0.67, seed: 3 }],
    ['a leaf limit (best first)', { nTrees: 8, maxDepth: 8, maxLeaves: 12 }],
    ['weights and the gamma objective', { nTrees: 8, maxDepth: 4, objective: 'gamma' }],
  ];
  for (const [name, params] of variants) {
    it(`grows the same model, byte for byte, with 1 and 2 threads: ${name}`, () => {
      const gamma = params.objective === 'gamma';
      const set = gamma
        ? { x: train.x, y: Float64Array.from(train.y, (v, i) => 1 + v * 3 + (i % 5)), weights: Float64Array.from(train.y, (_, i) => 1 + (i % 3)) }
        : train;
      const one = trainGbdt(set, { featureNames: NAMES, params, threads: 1 });
      const two = trainGbdt(set, { featureNames: NAMES, params, threads: 2 });
      expect(one.trees.length).toBe(params.nTrees);
      // The trees are real: they split, and on more than one feature.
      expect(new Set(one.trees.flatMap((t) => [...t.feature].filter((f) => f >= 0))).size).toBeGreaterThan(1);
      expect(JSON.stringify(two.toJSON())).toBe(JSON.stringify(one.toJSON()));
    });
  }
});
