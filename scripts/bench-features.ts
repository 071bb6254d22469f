// Times computeFeatures on a store as of a date; never writes to the store (opened read-only).
// Run: npx tsx scripts/bench-features.ts STORE AS_OF [THREADS]
import { DuckDBInstance } from '@duckdb/node-api';
import { SCORE_DEFAULTS } from '../src/config/defaults.js';
import { computeFeatures } from '../src/features/compute.js';
import type { Db, Row } from '../src/io/db.js';

const [store, asOf, threads = '2'] = process.argv.slice(2);
if (store === undefined || asOf === undefined) {
  process.stderr.write('usage: npx tsx scripts/bench-features.ts STORE AS_OF [THREADS]\n');
  process.exit(2);
}
const instance = await DuckDBInstance.create(store, { access_mode: 'READ_ONLY', threads });
const connection = await instance.connect();
// TEMP tables live in memory, so a read-only store is enough.
const db: Db = {
  path: store,
  run: async (sql) => {
    await connection.run(sql);
  },
  all: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson() as Row[],
  transaction: async (work) => work(),
  close: () => {
    connection.closeSync();
    instance.closeSync();
  },
};
const started = performance.now();
const result = await computeFeatures(db, { ...SCORE_DEFAULTS, asOf });
const seconds = (performance.now() - started) / 1000;
const [counts] = await db.all(`SELECT (SELECT count(*) FROM ${result.table})::INTEGER AS participants, (SELECT count(*) FROM ${result.itemTable})::INTEGER AS items`);
process.stdout.write(`computeFeatures ${store} as of ${asOf}, ${threads} threads: ${seconds.toFixed(1)} s, ${counts?.['participants']} participants, ${counts?.['items']} window items, peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`);
if (result.unavailable.length > 0) process.stdout.write(`unavailable: ${JSON.stringify(result.unavailable)}\n`);
db.close();
