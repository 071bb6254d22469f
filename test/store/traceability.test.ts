import { describe, expect, it } from 'vitest';
import { asOfSql } from '../../src/store/as-of.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore, rejectsOf } from '../util/fixtures.js';

describe('the traceability extract', () => {
  it('stores valid movements, a correction beside its document, and the correction date defaulting to the document date', async () => {
    const db = await memoryStore();
    const rows: Record<string, string>[] = [
      {},
      { rnpt: '10702030/150324/3012345/002', doc_type: 'retired_sale', doc_no: 'R-7', buyer_inn: '', vat_rub: '' },
      { rnpt: '10702030/150324/3012345/001', correction_no: '1', correction_date: '2024-05-10', value_rub: '140000.00' },
    ];
    const file = await fixtureFile('traceability.csv', extractCsv('traceability', rows));
    const result = await ingestInto(db, [{ extract: 'traceability', file }]);
    expect(result.files[0]).toMatchObject({ extract: 'traceability', accepted: 3, rejected: 0, inserted: 3 });
    const stored = await db.all(`SELECT doc_no, correction_no, CAST(correction_date AS VARCHAR) AS d FROM traceability ORDER BY doc_no, correction_no`);
    expect(stored).toEqual([
      { doc_no: 'R-7', correction_no: 0, d: '2024-04-02' },
      { doc_no: 'SF-1', correction_no: 0, d: '2024-04-02' },
      { doc_no: 'SF-1', correction_no: 1, d: '2024-05-10' },
    ]);
    // As of a date: the highest correction made by then.
    const valueAt = async (date: string): Promise<unknown[]> =>
      (await db.all(`SELECT CAST(value_rub AS VARCHAR) AS v FROM (${asOfSql('traceability', date)}) WHERE doc_no = 'SF-1'`)).map((r) => r['v']);
    expect(await valueAt('2024-04-01')).toEqual([]);
    expect(await valueAt('2024-05-09')).toEqual(['150000.00']);
    expect(await valueAt('2024-05-10')).toEqual(['140000.00']);
  });

  it('rejects each bad value with its code, naming the column', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ rnpt: '' }, 'REQUIRED_MISSING rnpt'],
      [{ doc_type: 'sale' }, 'BAD_VALUE doc_type'],
      [{ doc_date: '2024-02-30' }, 'BAD_DATE doc_date'],
      [{ doc_date: '2099-04-02' }, 'FUTURE_DATE doc_date'],
      [{ correction_date: '2024-03-01' }, 'DATE_ORDER correction_date'],
      [{ seller_inn: '7707083894' }, 'INN_CHECKSUM seller_inn'],
      [{ buyer_inn: '12345' }, 'BAD_INN buyer_inn'],
      [{ unit: '79' }, 'BAD_CODE unit'],
      [{ quantity: '1O0' }, 'NOT_A_NUMBER quantity'],
      [{ value_rub: '-5.00' }, 'NEGATIVE_AMOUNT value_rub'],
    ];
    for (const [row, expected] of cases) {
      const rejects = await rejectsOf('traceability', [row]);
      expect(rejects.map((r) => r.replace(/^\d+ /, '')), JSON.stringify(row)).toContain(expected);
    }
  });

  it('rejects the same document line sent again with another value as DUPLICATE_KEY, keeping the first', async () => {
    const rejects = await rejectsOf('traceability', [{}, { value_rub: '1.00' }]);
    expect(rejects).toEqual(['3 DUPLICATE_KEY']);
  });
});
