import { describe, expect, it } from 'vitest';
import { asOfSql } from '../../src/store/as-of.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore, rejectsOf } from '../util/fixtures.js';

describe('the EAEU import applications extract', () => {
  it('stores valid lines, a correction beside its application, and the defaults of line and correction', async () => {
    const db = await memoryStore();
    const rows: Record<string, string>[] = [
      {},
      { line_no: '2', hs_code: '8450111100', quantity: '', unit: '', value_rub: '90000.00', vat_rub: '18000.00' },
      { correction_no: '1', correction_date: '2024-05-20', value_rub: '440000.00', vat_rub: '88000.00' },
    ];
    const file = await fixtureFile('eaeu_imports.csv', extractCsv('eaeu_imports', rows));
    const result = await ingestInto(db, [{ extract: 'eaeu_imports', file }]);
    expect(result.files[0]).toMatchObject({ extract: 'eaeu_imports', accepted: 3, rejected: 0, inserted: 3 });
    const stored = await db.all(`SELECT line_no, correction_no, CAST(correction_date AS VARCHAR) AS d FROM eaeu_imports ORDER BY line_no, correction_no`);
    expect(stored).toEqual([
      { line_no: 1, correction_no: 0, d: '2024-04-15' },
      { line_no: 1, correction_no: 1, d: '2024-05-20' },
      { line_no: 2, correction_no: 0, d: '2024-04-15' },
    ]);
    // As of a date: the highest correction filed by then, each line once.
    const vatAt = async (date: string): Promise<unknown[]> =>
      (await db.all(`SELECT CAST(vat_rub AS VARCHAR) AS v FROM (${asOfSql('eaeu_imports', date)}) ORDER BY line_no`)).map((r) => r['v']);
    expect(await vatAt('2024-04-14')).toEqual([]);
    expect(await vatAt('2024-05-19')).toEqual(['80000.00', '18000.00']);
    expect(await vatAt('2024-05-20')).toEqual(['88000.00', '18000.00']);
  });

  it('rejects each bad value with its code, naming the column', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ application_no: '' }, 'REQUIRED_MISSING application_no'],
      [{ vat_rub: '' }, 'REQUIRED_MISSING vat_rub'],
      [{ application_date: '2024-02-30' }, 'BAD_DATE application_date'],
      [{ application_date: '2099-04-15' }, 'FUTURE_DATE application_date'],
      [{ correction_date: '2024-04-01' }, 'DATE_ORDER correction_date'],
      [{ applicant_inn: '7707083894' }, 'INN_CHECKSUM applicant_inn'],
      [{ supplier_country: 'BLR' }, 'BAD_COUNTRY supplier_country'],
      [{ hs_code: '84181020' }, 'BAD_HS_CODE hs_code'],
      [{ unit: '79' }, 'BAD_CODE unit'],
      [{ value_rub: '4O0000.00' }, 'NOT_A_NUMBER value_rub'],
      [{ vat_rub: '-5.00' }, 'NEGATIVE_AMOUNT vat_rub'],
    ];
    for (const [row, expected] of cases) {
      const rejects = await rejectsOf('eaeu_imports', [row]);
      expect(rejects.map((r) => r.replace(/^\d+ /, '')), JSON.stringify(row)).toContain(expected);
    }
  });

  it('rejects the same application line sent again with another value as DUPLICATE_KEY, keeping the first', async () => {
    const rejects = await rejectsOf('eaeu_imports', [{}, { vat_rub: '1.00' }]);
    expect(rejects).toEqual(['3 DUPLICATE_KEY']);
  });
});
