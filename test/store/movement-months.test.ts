import { describe, expect, it } from 'vitest';
import { ensureStoreSchema, missingSchema } from '../../src/store/schema.js';
import { datedOutsideMonthsSql, MOVEMENT_AGGREGATE_TABLES, MOVEMENT_BALANCES, MOVEMENT_MONTHS } from '../../src/store/movement-months.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore } from '../util/fixtures.js';
import { rowsOf } from '../util/aggregate-stores.js';
import type { Db } from '../../src/io/db.js';

const content = (db: Db): Promise<string> => rowsOf(db, MOVEMENT_AGGREGATE_TABLES);

describe('the movements\' monthly balances', () => {
  it('leave to the as-of movements the dates outside the months they serve, as ranges a scan can skip by', () => {
    expect(datedOutsideMonthsSql(new Set())).toBe('true');
    expect(datedOutsideMonthsSql(new Set(['2024-05-01', '2024-02-01', '2024-03-01', '2024-12-01']))).toBe(
      "doc_date < DATE '2024-02-01' OR (doc_date >= DATE '2024-04-01' AND doc_date < DATE '2024-05-01') OR (doc_date >= DATE '2024-06-01' AND doc_date < DATE '2024-12-01') OR doc_date >= DATE '2025-01-01'",
    );
  });

  it('keep each batch\'s first outgoing documents, and are made again for a store whose tables lack a column', async () => {
    const db = await memoryStore();
    const line = { seller_inn: '7707083893', buyer_inn: '7736207543', doc_date: '2026-05-12', quantity: '4' };
    const rows = [line, ...['2026-05-03', '2026-05-20', '2026-05-03', '2026-05-28', '2026-05-30', '2026-05-31'].map((doc_date, i) => ({ ...line, doc_no: `N-${i}`, doc_date }))];
    const file = await fixtureFile('traceability.csv', extractCsv('traceability', rows));
    expect((await ingestInto(db, [{ extract: 'traceability', file }])).files[0]?.inserted).toBe(7);
    const docs = await db.all(`SELECT lines_out, [d.doc_date::VARCHAR || ' ' || d.doc_no FOR d IN first_docs] AS docs FROM ${MOVEMENT_BALANCES.table} WHERE firm = '7707083893'`);
    const first = rows.map((r) => `${r.doc_date} ${'doc_no' in r ? r.doc_no : 'SF-1'}`).sort().slice(0, 5);
    expect(docs).toEqual([{ lines_out: '7', docs: first }]);
    const made = await content(db);
    // A store made by an earlier ccrg: the balances without the documents, and no months.
    await db.run(`ALTER TABLE ${MOVEMENT_BALANCES.table} DROP COLUMN first_docs`);
    await db.run(`DELETE FROM ${MOVEMENT_MONTHS}`);
    await ensureStoreSchema(db);
    expect(await content(db)).toBe(made);
    db.close();
  });

  it('leave the store as it was when their rebuild fails part-way through an upgrade', async () => {
    const db = await memoryStore();
    const rows = ['2026-04-10', '2026-05-12'].map((doc_date, i) => ({ seller_inn: '7707083893', buyer_inn: '7736207543', doc_no: `N-${i}`, doc_date, quantity: '4' }));
    const file = await fixtureFile('traceability.csv', extractCsv('traceability', rows));
    expect((await ingestInto(db, [{ extract: 'traceability', file }])).files[0]?.inserted).toBe(2);
    // A store made by an earlier ccrg, with a May line no exact sum can hold (written past the ingest's checks):
    // its upgrade rebuilds April, then fails on May.
    await db.run(`ALTER TABLE ${MOVEMENT_BALANCES.table} DROP COLUMN first_docs`);
    await db.run(`UPDATE traceability SET quantity = 1e40 WHERE doc_date = DATE '2026-05-12'`);
    const before = await content(db);
    await expect(ensureStoreSchema(db)).rejects.toThrow(/Conversion Error/);
    expect(await content(db)).toBe(before);
    expect(await missingSchema(db)).toEqual([`${MOVEMENT_BALANCES.table}.first_docs`]);
    db.close();
  });
});
