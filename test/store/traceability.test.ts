import { describe, expect, it } from 'vitest';
import { anyMovementAsOfSql, asOfSql } from '../../src/store/as-of.js';
import { join } from 'node:path';
import { generateExtracts } from '../../src/generate/generate.js';
import { memoryLogger } from '../../src/util/logger.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore, rejectsOf, tempDir } from '../util/fixtures.js';

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

  it('sees as of a date the same movements as a window over every document line, on generated movements with corrections', async () => {
    const dir = await tempDir();
    await generateExtracts(
      { participants: 300, months: 12, end: '2026-06', seed: 11, outDir: dir, gzip: false, monthly: false, itemsPerMonth: 4, dirtyRate: 0, traceablePrefixes: ['84', '85'] },
      memoryLogger(),
    );
    const db = await memoryStore();
    await ingestInto(db, [{ extract: 'traceability', file: join(dir, 'traceability.csv') }]);
    // Second corrections of some corrected lines, fifth ones (numbers skipped) of some others, and corrections
    // whose original never came; keys stay unique with correction_no, as ingest keeps them.
    await db.run(`INSERT INTO traceability SELECT * REPLACE (correction_no + 1 AS correction_no, correction_date + 9 AS correction_date, value_rub + 1 AS value_rub)
      FROM traceability WHERE correction_no = 1 AND hash(doc_no) % 2 = 0`);
    await db.run(`INSERT INTO traceability SELECT * REPLACE (5 AS correction_no, doc_date + 30 AS correction_date)
      FROM traceability WHERE correction_no = 0 AND hash(doc_no) % 97 = 0`);
    await db.run(`DELETE FROM traceability WHERE correction_no = 0 AND hash(doc_no) % 89 = 0`);
    const counts = await db.all(`SELECT correction_no, count(*)::INTEGER AS n FROM traceability GROUP BY ALL ORDER BY ALL`);
    expect(counts.map((c) => c['correction_no'])).toEqual([0, 1, 2, 5]);
    const windowed = (date: string): string => `SELECT * FROM traceability WHERE doc_date <= DATE '${date}' AND correction_date <= DATE '${date}'
      QUALIFY row_number() OVER (PARTITION BY seller_inn, doc_type, doc_no, doc_date, rnpt ORDER BY correction_no DESC, correction_date DESC, ingest_id DESC) = 1`;
    for (const date of ['2025-09-30', '2025-10-15', '2025-12-31', '2026-02-28', '2026-04-30', '2026-06-30']) {
      const [diff] = await db.all(`SELECT
        (SELECT count(*) FROM (SELECT * FROM (${asOfSql('traceability', date)}) EXCEPT ALL SELECT * FROM (${windowed(date)})))::INTEGER AS extra,
        (SELECT count(*) FROM (SELECT * FROM (${windowed(date)}) EXCEPT ALL SELECT * FROM (${asOfSql('traceability', date)})))::INTEGER AS missing,
        (SELECT count(*) FROM (${windowed(date)}))::INTEGER AS n`);
      expect(diff, date).toMatchObject({ extra: 0, missing: 0 });
      expect(Number(diff?.['n']), date).toBeGreaterThan(100);
    }
    // Whether the movements as of a date hold any, without reconstructing them: before the first movement, on the
    // day of the first one, and later (with the corrections above, orphan ones included).
    const [first] = await db.all(`SELECT strftime(min(least(doc_date, correction_date)), '%Y-%m-%d') AS d FROM traceability`);
    const firstDay = String(first?.['d']);
    for (const date of ['2024-06-30', firstDay, '2025-12-31']) {
      const [row] = await db.all(`SELECT (SELECT count(*) FROM (${asOfSql('traceability', date)})) > 0 AS full, (SELECT count(*) FROM (${anyMovementAsOfSql(date)})) > 0 AS any`);
      expect(row?.['any'], date).toBe(row?.['full']);
    }
    const [none] = await db.all(`SELECT (SELECT count(*) FROM (${anyMovementAsOfSql('2024-06-30')})) AS n`);
    expect(Number(none?.['n'])).toBe(0);
  });
});
