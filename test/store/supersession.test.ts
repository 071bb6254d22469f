import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/io/db.js';
import { sqlDate } from '../../src/io/sql.js';
import { asOfSql } from '../../src/store/as-of.js';
import { ensureStoreSchema } from '../../src/store/schema.js';
import { refreshSupersession } from '../../src/store/supersession.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore } from '../util/fixtures.js';

/** The store as of a date the way it was computed before `superseded_on`: a window over the rows made by then. */
function windowAsOf(date: string): string {
  const d = sqlDate(date);
  return `SELECT * EXCLUDE (superseded_on) FROM declarations WHERE release_date <= ${d} AND version_date <= ${d}
    QUALIFY row_number() OVER (PARTITION BY decl_id, item_no ORDER BY version DESC, version_date DESC, ingest_id DESC) = 1`;
}

const keysOf = async (db: Db, sql: string): Promise<string[]> =>
  (await db.all(`SELECT decl_id || '#' || item_no || '#' || version AS k FROM (${sql}) ORDER BY k`)).map((r) => String(r['k']));

/** Days from 2024-03-10 to 2024-10-05, every third day. */
const DATES = Array.from({ length: 70 }, (_, i) => new Date(Date.UTC(2024, 2, 10 + 3 * i)).toISOString().slice(0, 10));

async function expectSameAsWindow(db: Db): Promise<void> {
  for (const date of DATES) expect(await keysOf(db, asOfSql('declarations', date)), date).toEqual(await keysOf(db, windowAsOf(date)));
}

/**
 * Items with one to four versions (numbers with gaps, later versions
 * sometimes dated before earlier ones), sent in three deliveries in random
 * order, so that an earlier version often arrives after a later one.
 */
function versionedDeliveries(seed: number): Record<string, string>[][] {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const deliveries: Record<string, string>[][] = [[], [], []];
  for (let item = 0; item < 40; item++) {
    const versions = [1, 2, 3, 5].filter((v) => v === 1 || random() < 0.6);
    for (const version of versions) {
      const day = 15 + Math.floor(random() * 190);
      const versionDate = new Date(Date.UTC(2024, 2, day)).toISOString().slice(0, 10);
      const row = { decl_id: `10702030/150324/${String(3000000 + item)}`, item_no: String(1 + (item % 3)), version: String(version), version_date: versionDate };
      (deliveries[Math.floor(random() * 3)] as Record<string, string>[]).push(row);
    }
  }
  return deliveries;
}

async function ingestDeliveries(db: Db, seed: number): Promise<void> {
  for (const [n, rows] of versionedDeliveries(seed).entries()) {
    if (rows.length === 0) continue;
    const file = await fixtureFile(`d${seed}-${n}.csv`, extractCsv('declarations', rows));
    const result = await ingestInto(db, [{ extract: 'declarations', file }]);
    expect(result.files[0]?.rejected).toBe(0);
  }
}

describe('superseded_on: the store as of a date as a filter', () => {
  it('shows, on every day, the same versions as the window over the rows made by then, whatever order the versions arrived in', async () => {
    for (const seed of [1, 7, 42]) {
      const db = await memoryStore();
      await ingestDeliveries(db, seed);
      const superseded = (await db.all(`SELECT count(superseded_on)::INTEGER AS n FROM declarations`))[0]?.['n'];
      expect(superseded).toBeGreaterThan(10);
      await expectSameAsWindow(db);
    }
  });

  it('is recomputed when the rows of an interrupted ingest are removed', async () => {
    const db = await memoryStore();
    await ingestDeliveries(db, 3);
    // A killed ingest left higher versions without lineage, and its refresh of the stored rows with them.
    await db.run(`INSERT INTO declarations SELECT * REPLACE (version + 10 AS version, DATE '2024-04-01' AS version_date, 999 AS ingest_id) FROM declarations WHERE version = 1`);
    await (await refreshSupersession(db, 'all')).drop();
    expect(await keysOf(db, asOfSql('declarations', '2024-09-30'))).toEqual(await keysOf(db, windowAsOf('2024-09-30')));
    // The next ingest removes them; the stored rows are their items' latest versions again.
    const file = await fixtureFile('any.csv', extractCsv('declarations', [{ decl_id: '10702030/150324/4000000' }]));
    await ingestInto(db, [{ extract: 'declarations', file }]);
    expect((await db.all(`SELECT count(*)::INTEGER AS n FROM declarations WHERE ingest_id = 999`))[0]?.['n']).toBe(0);
    await expectSameAsWindow(db);
  });

  it('is filled once for a store made before the column', async () => {
    const db = await memoryStore();
    await ingestDeliveries(db, 5);
    await db.run('ALTER TABLE declarations DROP COLUMN superseded_on');
    await ensureStoreSchema(db);
    await expectSameAsWindow(db);
  });
});
