import { describe, expect, it } from 'vitest';
import { rankByItems } from '../../src/plan/item-ranking.js';
import type { ItemRollUpRow } from '../../src/run-folder/items.js';
import type { RankedRow } from '../../src/run-folder/ranked.js';

const row = (rank: number, inn: string): RankedRow => ({
  rank,
  inn,
  name: `P${inn}`,
  region: '77',
  office: '10702010',
  score: 100 - rank,
  scoreSource: 'rules',
  probability: null,
  expectedChargesRub: null,
  modelCustomsShare: null,
  customsAtStakeRub: 0,
  taxAtStakeRub: 0,
  customsValueWindowRub: null,
  taxSignalCount: null,
  anomalyScore: null,
  indicatorsFired: 1,
  reasons: [],
});

const line = (inn: string): ItemRollUpRow => ({ inn, items: 1, atLeastHalf: 0, maxProbability: 0.1, maxMargin: -2, expected: null, worstItems: [] });

describe('rankByItems', () => {
  it('orders by the roll-up, then the rest in ranked.csv order, renumbering the ranks and keeping every row', () => {
    const ranked = ['A', 'B', 'C', 'D', 'E'].map((inn, i) => row(i + 1, inn));
    const ranking = rankByItems(ranked, [line('D'), line('B')]);
    expect(ranking.ranked.map((r) => [r.rank, r.inn])).toEqual([
      [1, 'D'],
      [2, 'B'],
      [3, 'A'],
      [4, 'C'],
      [5, 'E'],
    ]);
    expect(ranking.ranked[0]).toEqual({ ...ranked[3], rank: 1 });
    expect([...ranking.withItemScores]).toEqual(['D', 'B']);
    expect(ranking.withoutItemScores).toBe(3);
    expect(ranking.notInScoreRun).toEqual([]);
  });

  it('names the importers with item scores that the score run lacks, in roll-up order, and ranks the others as if they were absent', () => {
    const ranked = [row(1, 'A'), row(2, 'B')];
    const ranking = rankByItems(ranked, [line('X'), line('B'), line('Y')]);
    expect(ranking.ranked.map((r) => [r.rank, r.inn])).toEqual([
      [1, 'B'],
      [2, 'A'],
    ]);
    expect(ranking.notInScoreRun).toEqual(['X', 'Y']);
    expect(ranking.withoutItemScores).toBe(1);
  });

  it('leaves the ranking as it was without any item score', () => {
    const ranked = [row(1, 'A'), row(2, 'B')];
    expect(rankByItems(ranked, []).ranked).toEqual(ranked);
  });
});
