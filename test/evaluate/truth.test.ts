import { describe, expect, it } from 'vitest';
import { evaluateAgainstTruth, type TruthRow } from '../../src/evaluate/truth.js';

const row = (inn: string, scheme: string, period: string, chargesRub: number, kind: 'scheme' | 'decoy' = 'scheme'): TruthRow => ({ inn, kind, scheme, period, chargesRub });

describe('evaluateAgainstTruth', () => {
  const ranked = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'];
  const truth = [
    row('A', 'undervaluation', '2026-01', 100),
    row('A', 'undervaluation', '2026-02', 50),
    row('C', 'shell_importer', '2026-03', 300),
    row('J', 'undervaluation', '2026-02', 50),
    row('B', 'deduction_lag', '2026-01', 0, 'decoy'),
    row('Z', 'undervaluation', '2026-01', 999), // not scored: ignored
    row('D', 'undervaluation', '2026-07', 999), // after the as-of month: ignored
  ];

  it('measures precision and recovered charges at the top shares', () => {
    const result = evaluateAgainstTruth(ranked, truth, '2026-06', [0.1, 0.3]);
    expect(result.positives).toBe(3);
    expect(result.baseRate).toBeCloseTo(0.3);
    expect(result.atShare[0]).toMatchObject({ k: 1, precision: 1, chargesShare: 150 / 500 });
    expect(result.atShare[0]?.chargesLiftOverRandom).toBeCloseTo(3);
    expect(result.atShare[1]).toMatchObject({ k: 3, precision: 2 / 3, chargesShare: 450 / 500 });
  });

  it('measures over-representation of each scheme and decoy in the top 10%', () => {
    const result = evaluateAgainstTruth(ranked, truth, '2026-06');
    expect(result.groups).toEqual([
      { kind: 'scheme', name: 'shell_importer', participants: 1, inTop10: 0, overRepresentation: 0 },
      { kind: 'scheme', name: 'undervaluation', participants: 2, inTop10: 1, overRepresentation: 5 },
      { kind: 'decoy', name: 'deduction_lag', participants: 1, inTop10: 0, overRepresentation: 0 },
    ]);
  });
});
