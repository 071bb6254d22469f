import { describe, expect, it } from 'vitest';
import { matrixFromRows } from '../../../../src/models/learners/gbdt/matrix.js';
import {
  IsolationForestRandom,
  averagePathLength,
  growIsolationTree,
  nodeCompletions,
  pathLength,
  sampleRowsWithoutReplacement,
} from '../../../../src/models/learners/isolation-forest/index.js';
import { gaussianWithOutliers } from './helpers.js';

describe('averagePathLength', () => {
  it('is 0 up to one point, 1 for two, and 2(ln(n-1) + γ) - 2(n-1)/n above', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649015329) - (2 * 255) / 256, 12);
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 3);
  });
});

describe('sampleRowsWithoutReplacement', () => {
  it('draws distinct rows and keeps the pool a permutation', () => {
    const pool = Int32Array.from({ length: 1000 }, (_, i) => i);
    const rng = new IsolationForestRandom(9);
    for (let t = 0; t < 5; t++) {
      const rows = sampleRowsWithoutReplacement(pool, 64, rng);
      expect(rows).toHaveLength(64);
      expect(new Set(rows).size).toBe(64);
      expect([...pool].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    }
  });

  it('refuses more rows than the pool holds', () => {
    expect(() => sampleRowsWithoutReplacement(new Int32Array(3), 4, new IsolationForestRandom(1))).toThrow(
      'Cannot draw 4 rows without replacement from 3',
    );
  });
});

describe('growIsolationTree', () => {
  it('reads only the rows it is given', () => {
    const { x } = gaussianWithOutliers(2000, 0, 4, 3);
    const touched = new Set<number>();
    const values = new Proxy(x.values, {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) touched.add(Math.floor(Number(key) / x.nCols));
        return Reflect.get(target, key);
      },
    });
    const rows = Int32Array.from({ length: 50 }, (_, i) => i * 37);
    const given = new Set(rows);
    const tree = growIsolationTree({ ...x, values }, rows.slice(), 30, new IsolationForestRandom(2));
    expect(tree.size[0]).toBe(50);
    expect(touched.size).toBeGreaterThan(0);
    for (const r of touched) expect(given.has(r)).toBe(true);
  });

  it('splits until every distinct row is alone when depth allows', () => {
    const { x } = gaussianWithOutliers(300, 0, 3, 4);
    const tree = growIsolationTree(x, Int32Array.from({ length: 300 }, (_, i) => i), 30, new IsolationForestRandom(5));
    const leaves = [...tree.feature.keys()].filter((n) => tree.feature[n] === -1);
    expect(leaves).toHaveLength(300);
    for (const n of leaves) expect(tree.size[n]).toBe(1);
  });

  it('draws thresholds among present values and sends missing values to the side with more present rows', () => {
    // Present values 0..9, four missing; one split (depth 1).
    const column = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, NaN, NaN, NaN, NaN];
    const x = matrixFromRows(column.map((v) => [v]));
    for (let seed = 1; seed <= 40; seed++) {
      const tree = growIsolationTree(x, Int32Array.from({ length: 14 }, (_, i) => i), 1, new IsolationForestRandom(seed));
      const t = tree.threshold[0]!;
      expect(t).toBeGreaterThanOrEqual(0);
      expect(t).toBeLessThan(9);
      const presentLeft = column.filter((v) => v <= t).length;
      const presentRight = 10 - presentLeft;
      const missingLeft = presentLeft >= presentRight;
      expect(tree.missingLeft[0]).toBe(missingLeft ? 1 : 0);
      expect(tree.size[tree.left[0]!]).toBe(presentLeft + (missingLeft ? 4 : 0));
      expect(tree.size[tree.right[0]!]).toBe(presentRight + (missingLeft ? 0 : 4));
      // A missing value at scoring time takes the same side.
      const h = pathLength(tree, [NaN], 0, 1, nodeCompletions(tree));
      expect(h).toBe(1 + averagePathLength(missingLeft ? presentLeft + 4 : presentRight + 4));
    }
  });

  it('never splits on a feature that is missing or constant in the node', () => {
    const x = matrixFromRows(Array.from({ length: 40 }, (_, i) => [NaN, 3, i % 2 === 0 ? NaN : i]));
    const tree = growIsolationTree(x, Int32Array.from({ length: 40 }, (_, i) => i), 30, new IsolationForestRandom(7));
    const used = new Set([...tree.feature].filter((f) => f >= 0));
    expect([...used]).toEqual([2]);
  });

  it('makes a single leaf when no feature varies', () => {
    const x = matrixFromRows(Array.from({ length: 10 }, () => [1, NaN]));
    const tree = growIsolationTree(x, Int32Array.from({ length: 10 }, (_, i) => i), 8, new IsolationForestRandom(1));
    expect([...tree.feature]).toEqual([-1]);
    expect(pathLength(tree, [1, NaN], 0, 1, nodeCompletions(tree))).toBe(averagePathLength(10));
  });
});
