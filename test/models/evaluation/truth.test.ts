import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evaluateAgainstTruth, readTruth, type TruthRow } from '../../../src/models/evaluation/truth.js';
import { tempDir } from '../../util/fixtures.js';

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

describe('readTruth', () => {
  it('reads a truth file through the one CSV reader: quoted fields, CRLF, any column order', async () => {
    const dir = await tempDir();
    const path = join(dir, 'truth.csv');
    await writeFile(path, 'period,inn,kind,scheme,charges_rub\r\n2026-01,7701000001,scheme,"undervaluation, repeated",1500.5\r\n2026-02,7701000002,decoy,deduction_lag,\r\n');
    expect(await readTruth(path)).toEqual([
      { inn: '7701000001', kind: 'scheme', scheme: 'undervaluation, repeated', period: '2026-01', chargesRub: 1500.5 },
      { inn: '7701000002', kind: 'decoy', scheme: 'deduction_lag', period: '2026-02', chargesRub: 0 },
    ]);
  });

  it('names the file, line and column of what it cannot read', async () => {
    const dir = await tempDir();
    const path = join(dir, 'truth.csv');
    await writeFile(path, 'inn,kind,scheme,period\n1,scheme,x,2026-01\n');
    await expect(readTruth(path)).rejects.toThrow(`${path}: line 1: column charges_rub missing; is this a generator truth file?`);
    await writeFile(path, 'inn,kind,scheme,period,charges_rub\n1,scheme,x,2026-01,12\n2,planted,x,2026-01,5\n');
    await expect(readTruth(path)).rejects.toThrow(`${path}: line 3: kind must be scheme or decoy, got planted`);
    await writeFile(path, 'inn,kind,scheme,period,charges_rub\n1,scheme,x,2026-01,lots\n');
    await expect(readTruth(path)).rejects.toThrow(`${path}: line 2, column charges_rub: expected a number, got "lots"`);
  });
});
