import { describe, expect, it } from 'vitest';
import { rankByModel, type ModelScore, type RankedParticipant } from '../../src/score/score.js';

/** A participant as the risk profile ranked it, with only what ranking reads. */
function participant(inn: string, rank: number, points: number): RankedParticipant {
  return {
    inn,
    name: null,
    region: null,
    office: null,
    values: {},
    rank,
    evaluation: { score: points, fired: [], unfired: [], customsAtStakeRub: 0, taxAtStakeRub: 0 },
  } as unknown as RankedParticipant;
}

describe('rankByModel', () => {
  const byProfile = [participant('A', 1, 90), participant('B', 2, 60), participant('C', 3, 30), participant('D', 4, 0)];

  it('orders by expected charges, then by the raw margin where calibrated scores tie, never by the profile first', () => {
    // An isotonic step gives B, C and D one probability; the margin still orders them.
    const scores = new Map<string, ModelScore>([
      ['A', { margin: -0.5, probability: 0.2, expectedChargesRub: null }],
      ['B', { margin: 0.1, probability: 0.4, expectedChargesRub: null }],
      ['C', { margin: 0.9, probability: 0.4, expectedChargesRub: null }],
      ['D', { margin: 0.4, probability: 0.4, expectedChargesRub: null }],
    ]);
    expect(rankByModel(byProfile, scores).map((p) => [p.inn, p.rank])).toEqual([
      ['C', 1],
      ['D', 2],
      ['B', 3],
      ['A', 4],
    ]);
  });

  it('falls back to the profile\'s points, then the INN, when the model ties completely', () => {
    const same: ModelScore = { margin: 0, probability: 0.3, expectedChargesRub: 1000 };
    const scores = new Map<string, ModelScore>(byProfile.map((p) => [p.inn, same]));
    expect(rankByModel([...byProfile].reverse(), scores).map((p) => p.inn)).toEqual(['A', 'B', 'C', 'D']);
  });
});
