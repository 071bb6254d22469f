import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDuckDb, type Db } from '../../src/io/db.js';
import { tempDir } from './fixtures.js';

/**
 * Two copies of a store for the tests of per-month aggregates: `prepare` runs on the first (a late
 * correction, say), which is then copied, and the copy's `monthsTable` (the months the aggregates may
 * serve) emptied, so that a batch on it reads every month from the rows. Both are opened read-only:
 * close them when done.
 */
export async function aggregateTwins(store: string, monthsTable: string, prepare: (db: Db) => Promise<void>): Promise<{ withAggregates: Db; rowsOnly: Db }> {
  const dir = await tempDir();
  const [aggregates, rows] = [join(dir, 'aggregates.duckdb'), join(dir, 'rows.duckdb')];
  await copyFile(store, aggregates);
  let db = await openDuckDb(aggregates);
  try {
    await prepare(db);
  } finally {
    db.close();
  }
  await copyFile(aggregates, rows);
  db = await openDuckDb(rows);
  try {
    await db.run(`DELETE FROM ${monthsTable}`);
  } finally {
    db.close();
  }
  return { withAggregates: await openDuckDb(aggregates, { readOnly: true }), rowsOnly: await openDuckDb(rows, { readOnly: true }) };
}

/** Every row of `tables`, as text. */
export async function rowsOf(db: Db, tables: readonly string[]): Promise<string> {
  return JSON.stringify(await Promise.all(tables.map((t) => db.all(`SELECT * FROM ${t} ORDER BY ALL`))));
}

/**
 * The rows of an aggregate's `tables` in a copy of `store` before `deliver` (an ingest that rebuilds
 * what it touches), after it, and after `rebuildAll` rebuilds every month from the rows.
 */
export async function rebuilds(
  store: string,
  tables: readonly string[],
  deliver: (db: Db) => Promise<void>,
  rebuildAll: (db: Db) => Promise<void>,
): Promise<{ before: string; incremental: string; full: string }> {
  const path = join(await tempDir(), 'store.duckdb');
  await copyFile(store, path);
  const db = await openDuckDb(path);
  try {
    const before = await rowsOf(db, tables);
    await deliver(db);
    const incremental = await rowsOf(db, tables);
    await rebuildAll(db);
    return { before, incremental, full: await rowsOf(db, tables) };
  } finally {
    db.close();
  }
}
