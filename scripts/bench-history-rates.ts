/**
 * Times entityRatesSql on synthetic tables: N labelled items and N examples
 * (default 1,000,000 each) over three years, default spec plus one extra
 * categorical entity. Usage: npx tsx scripts/bench-history-rates.ts [N]
 */
import { openDuckDb } from '../src/io/db.js';
import { defaultHistoryRateSpec, entityRatesSql } from '../src/models/risk/history-rates.js';

const n = Number(process.argv[2] ?? 1_000_000);
const db = await openDuckDb(':memory:');

// Keys are drawn with skew (power of a uniform) so that some entities are large, most small.
const rows = (table: string, seed: number, extra: string): string => `CREATE TEMP TABLE ${table} AS
  SELECT i AS example_id,
    DATE '2022-01-01' + (floor(random() * 1095))::INTEGER AS d,
    'I' || floor(pow(random(), 2) * 50000)::INTEGER AS importer_inn,
    CASE WHEN random() < 0.3 THEN NULL ELSE 'B' || floor(pow(random(), 2) * 5000)::INTEGER END AS customs_representative_inn,
    lpad(floor(pow(random(), 1.5) * 20000)::INTEGER::VARCHAR, 4, '0') || lpad(floor(random() * 1000000)::INTEGER::VARCHAR, 6, '0') AS hs_code,
    'C' || floor(pow(random(), 2) * 100)::INTEGER AS origin_country,
    'O' || floor(random() * 300)::INTEGER AS customs_office,
    MAP(['seller'], ['S' || floor(pow(random(), 2) * 100000)::INTEGER]) AS extra_cat${extra}
  FROM (SELECT setseed(${seed})) s, range(${n}) t(i)`;

const t0 = performance.now();
await db.run(rows('labelled_raw', 0.1, ', (random() < 0.2)::INTEGER AS violation'));
await db.run('CREATE TEMP TABLE labelled AS SELECT * EXCLUDE (d), d AS known_date FROM labelled_raw');
await db.run(rows('examples_raw', 0.2, ''));
await db.run('CREATE TEMP TABLE examples AS SELECT * EXCLUDE (d), d AS as_of FROM examples_raw');
const t1 = performance.now();
const spec = defaultHistoryRateSpec(['seller']);
await db.run(`CREATE TEMP TABLE rates AS ${entityRatesSql('examples', 'labelled', spec)}`);
const t2 = performance.now();
const [check] = await db.all('SELECT count(*)::INTEGER AS rows, avg(hist_importer_inn_n)::DOUBLE AS importer_n, avg(hist_hs6_origin_rate)::DOUBLE AS pair_rate FROM rates');
console.log(JSON.stringify({ n, entities: spec.entities.length, setupSeconds: (t1 - t0) / 1000, ratesSeconds: (t2 - t1) / 1000, check }));
db.close();
