// Times computeFeatures on a store as of a date; never writes to the store (opened read-only).
// Run: npx tsx scripts/bench-features.ts STORE AS_OF [THREADS]
import { SCORE_DEFAULTS } from '../src/config/defaults.js';
import { computeFeatures } from '../src/features/compute.js';
import { openDuckDb } from '../src/io/db.js';

const [store, asOf, threads = '2'] = process.argv.slice(2);
if (store === undefined || asOf === undefined) {
  process.stderr.write('usage: npx tsx scripts/bench-features.ts STORE AS_OF [THREADS]\n');
  process.exit(2);
}
// TEMP tables live in memory, so a read-only store is enough.
const db = await openDuckDb(store, { readOnly: true, threads: Number(threads) });
const started = performance.now();
const result = await computeFeatures(db, { ...SCORE_DEFAULTS, asOf });
const seconds = (performance.now() - started) / 1000;
const [counts] = await db.all(`SELECT (SELECT count(*) FROM ${result.table})::INTEGER AS participants, (SELECT count(*) FROM ${result.itemTable})::INTEGER AS items`);
process.stdout.write(`computeFeatures ${store} as of ${asOf}, ${threads} threads: ${seconds.toFixed(1)} s, ${counts?.['participants']} participants, ${counts?.['items']} window items, peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`);
if (result.unavailable.length > 0) process.stdout.write(`unavailable: ${JSON.stringify(result.unavailable)}\n`);
db.close();
