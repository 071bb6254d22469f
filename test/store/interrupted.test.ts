import { join } from 'node:path';
import type { ExtractId } from '../../src/contract/extracts.js';
import { describe, expect, it } from 'vitest';
import { openStoreReadOnly } from '../../src/app/store.js';
import { openDuckDb, type Db } from '../../src/io/db.js';
import { interruptedRows, removeInterruptedRows } from '../../src/store/interrupted.js';
import { MONTH_AGGREGATE_TABLES, refreshMonthAggregates } from '../../src/store/month-aggregates.js';
import { MOVEMENT_AGGREGATE_TABLES, refreshMovementMonths } from '../../src/store/movement-months.js';
import { memoryLogger } from '../../src/util/logger.js';
import { fixedClock } from '../../src/util/clock.js';
import { ingestFiles } from '../../src/store/ingest.js';
import { defaultMapping } from '../../src/config/mapping.js';
import { rowsOf } from '../util/aggregate-stores.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore, tempDir } from '../util/fixtures.js';

/** Every table's row count, as the kill test compares stores. */
async function content(db: Db): Promise<string> {
  const tables = (await db.all(`SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name`)).map((r) => String(r['table_name']));
  const counts: string[] = [];
  for (const t of tables) counts.push(`${t}=${String((await db.all(`SELECT count(*)::BIGINT AS n FROM "${t}"`))[0]?.['n'])}`);
  return counts.join(' ');
}

/** An ingest of `inputs` into the store file `store`, as `ccrg ingest` runs it. */
function ingester(store: string, inputs: { extract: ExtractId; file: string }[]): (logger?: ReturnType<typeof memoryLogger>) => Promise<void> {
  return async (logger = memoryLogger()) => {
    const db = await openDuckDb(store);
    try {
      await ingestFiles(db, { inputs, mapping: defaultMapping(), dryRun: false, maxRejectShare: null }, fixedClock('2026-06-30'), logger);
    } finally {
      db.close();
    }
  };
}

describe('rows of an ingest that never committed', () => {
  it('are refused by reading commands and removed by the next ingest, which leaves the old state', async () => {
    const dir = await tempDir();
    const store = join(dir, 'store.duckdb');
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}, { inn: '7736207543' }, { inn: 'bad' }]));
    const inputs = [{ extract: 'participants' as const, file }];
    const ingest = ingester(store, inputs);
    await ingest();
    let db = await openDuckDb(store);
    const old = await content(db);
    expect(old).toContain('participants=2');
    expect(await interruptedRows(db)).toEqual({});
    // What a kill during a large commit left once (duckdb/duckdb#25931): rows of ingest 2, no lineage row for it.
    await db.run(`INSERT INTO participants SELECT * REPLACE (2 AS ingest_id) FROM participants`);
    await db.run(`INSERT INTO rejects SELECT * REPLACE (2 AS ingest_id) FROM rejects`);
    expect(await interruptedRows(db)).toEqual({ participants: 2, rejects: 1 });
    db.close();

    await expect(openStoreReadOnly(store)).rejects.toThrow(
      `${store} holds 2 participants rows, 1 rejects rows of an ingest that was interrupted before it committed: run ccrg ingest on this store again`,
    );

    // The next ingest (the same file: skipped as already stored) removes them first.
    const logger = memoryLogger();
    await ingest(logger);
    expect(logger.lines.join('\n')).toContain('removed 2 participants rows, 1 rejects rows of an ingest that was interrupted before it committed');
    db = await openStoreReadOnly(store);
    expect(await content(db)).toBe(old);
    db.close();
  });

  it('are found whatever their ingest id, below, between or above the committed ones', async () => {
    const db = await memoryStore();
    for (const inn of ['7736207543', '7707083893']) {
      await ingestInto(db, [{ extract: 'participants', file: await fixtureFile(`participants-${inn}.csv`, extractCsv('participants', [{ inn }])) }]);
    }
    // Committed: ingests 1, 2 and 4; rows of 0, 3 and 5 never committed.
    await db.run(`INSERT INTO lineage SELECT * REPLACE (4 AS ingest_id) FROM lineage WHERE ingest_id = 2`);
    for (const id of [0, 3, 4, 5]) await db.run(`INSERT INTO participants SELECT * REPLACE (${id} AS ingest_id) FROM participants WHERE ingest_id = 1`);
    expect(await interruptedRows(db)).toEqual({ participants: 3 });
    expect(await removeInterruptedRows(db)).toEqual({ participants: 3 });
    expect(await db.all(`SELECT ingest_id FROM participants ORDER BY ingest_id`)).toEqual([1, 2, 4].map((ingest_id) => ({ ingest_id })));
    db.close();
  });

  it('of movements leave the months\' balances as they were once removed', async () => {
    const dir = await tempDir();
    const store = join(dir, 'store.duckdb');
    const line = { seller_inn: '7707083893', buyer_inn: '7736207543', doc_date: '2026-05-12', quantity: '4' };
    const file = await fixtureFile('traceability.csv', extractCsv('traceability', [line, { ...line, doc_no: 'N-2', doc_date: '2026-06-03', quantity: '2' }]));
    const inputs = [{ extract: 'traceability' as const, file }];
    const ingest = ingester(store, inputs);
    const balances = (db: Db): Promise<string> => rowsOf(db, MOVEMENT_AGGREGATE_TABLES);
    await ingest();
    let db = await openDuckDb(store);
    const old = await balances(db);
    expect(old).toContain('"doc_month":"2026-06-01"');
    // Rows of an ingest 2 without lineage, already counted in the balances of May and of a month of their own.
    await db.run(`INSERT INTO traceability SELECT * REPLACE (2 AS ingest_id, doc_no || '-K' AS doc_no) FROM traceability`);
    await db.run(`INSERT INTO traceability SELECT * REPLACE (2 AS ingest_id, 'K-3' AS doc_no, DATE '2026-04-20' AS doc_date, DATE '2026-04-20' AS correction_date) FROM traceability LIMIT 1`);
    await refreshMovementMonths(db, 'all');
    expect(await balances(db)).not.toBe(old);
    db.close();

    const logger = memoryLogger();
    await ingest(logger);
    expect(logger.lines.join('\n')).toContain('removed 3 traceability rows of an ingest that was interrupted before it committed');
    db = await openStoreReadOnly(store);
    expect(await balances(db)).toBe(old);
    db.close();
  });

  it('of declarations leave the months\' aggregates as they were once removed', async () => {
    const dir = await tempDir();
    const store = join(dir, 'store.duckdb');
    const file = await fixtureFile('declarations.csv', extractCsv('declarations', [{ release_date: '2026-05-12' }]));
    const inputs = [{ extract: 'declarations' as const, file }];
    const ingest = ingester(store, inputs);
    const aggregates = (db: Db): Promise<string> => rowsOf(db, MONTH_AGGREGATE_TABLES);
    await ingest();
    let db = await openDuckDb(store);
    const old = await aggregates(db);
    expect(old).toContain('2026-05-01');
    // An item of ingest 2 without lineage, released in a month of its own and already counted in its aggregates.
    await db.run(`INSERT INTO declarations SELECT * REPLACE (2 AS ingest_id, decl_id || 'K' AS decl_id, DATE '2026-03-02' AS release_date) FROM declarations`);
    await refreshMonthAggregates(db, 'all');
    expect(await aggregates(db)).toContain('2026-03-01');
    db.close();

    await ingest();
    db = await openStoreReadOnly(store);
    expect(await aggregates(db)).toBe(old);
    db.close();
  });
});
