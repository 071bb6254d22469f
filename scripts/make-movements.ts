// A month of traceability movements at national scale for the ingest benchmark (docs/performance.md,
// "Traceability"): LINES rows of the traceability extract dated in MONTH, every one valid under the `ru`
// jurisdiction (INN check digits, dates, units, amounts, unique keys), written by DuckDB in one pass.
// Batch numbers name items of the declarations files given (so that the batch on the benchmark store can
// join them), and only items of the codes on the shipped traceable goods list (profiles/traceable-goods.yaml),
// as the national system issues them: an item of another code has no RNPT. Without files, made-up numbers.
//
//   npx tsx scripts/make-movements.ts OUT.csv MONTH LINES [DECLARATIONS.csv ...]
//
// Shape: a third invoices from an importer, a third resales between domestic firms, a third retirements
// by sale; 1% corrections (correction_no 1, a few days later); quantities in pieces (796).
import { defaultTraceableGoods } from '../src/config/traceable-goods.js';
import { traceableCodeSql } from '../src/features/traceability.js';
import { openDuckDb } from '../src/io/db.js';
import { quoteLiteral } from '../src/io/sql.js';
import { innFromBody } from '../src/validation/inn.js';

const [out, month, linesArg, ...declarations] = process.argv.slice(2);
if (out === undefined || month === undefined || !/^\d{4}-\d{2}$/.test(month) || !/^\d+$/.test(linesArg ?? '')) {
  process.stderr.write('usage: npx tsx scripts/make-movements.ts OUT.csv YYYY-MM LINES [DECLARATIONS.csv ...]\n');
  process.exit(2);
}
const lines = Number(linesArg);
const db = await openDuckDb(':memory:', { threads: 2 });
const started = performance.now();

// 20,000 domestic firms with valid INNs (10 digits).
const firms = Array.from({ length: 20_000 }, (_, i) => innFromBody(String(500_000_000 + i * 7_919).slice(0, 9)));
await db.run('CREATE TABLE firms (k INTEGER, inn VARCHAR)');
for (let i = 0; i < firms.length; i += 1000) {
  await db.run(`INSERT INTO firms VALUES ${firms.slice(i, i + 1000).map((inn, j) => `(${i + j}, '${inn}')`).join(', ')}`);
}
if (declarations.length > 0) {
  await db.run(`CREATE TABLE batches AS
    SELECT row_number() OVER () - 1 AS k, decl_id || '/' || lpad(item_no, 3, '0') AS rnpt, importer_inn
    FROM read_csv([${declarations.map(quoteLiteral).join(', ')}], header = true, all_varchar = true, union_by_name = true, ignore_errors = true)
    WHERE version = '1' AND supplementary_unit = '796' AND regexp_matches(item_no, '^[0-9]{1,3}$') AND regexp_matches(importer_inn, '^[0-9]{10}([0-9]{2})?$')
      AND (${traceableCodeSql(defaultTraceableGoods().prefixes)})`);
} else {
  await db.run(`CREATE TABLE batches AS
    SELECT k, '10702030/' || strftime(DATE ${quoteLiteral(`${month}-01`)}, '%d%m%y') || '/' || lpad(CAST(1000000 + k AS VARCHAR), 7, '0') || '/001' AS rnpt,
      (SELECT inn FROM firms WHERE firms.k = b.k % 20000) AS importer_inn
    FROM range(500000) b(k)`);
}
const batchCount = Number((await db.all('SELECT count(*)::BIGINT AS n FROM batches'))[0]?.['n'] ?? 0);
if (batchCount === 0) throw new Error('no batches: the declarations files hold no item of a traceable code in pieces (796)');
const first = `DATE ${quoteLiteral(`${month}-01`)}`;
await db.run(`CREATE TABLE moves AS
  WITH r AS (SELECT i, i % 3 AS kind, hash(i) AS h FROM range(${lines}) t(i))
  SELECT b.rnpt,
    CASE r.kind WHEN 2 THEN 'retired_sale' ELSE 'invoice' END AS doc_type,
    'M-' || CAST(r.i AS VARCHAR) AS doc_no,
    ${first} + CAST(r.h % (date_diff('day', ${first}, last_day(${first})) + 1) AS INTEGER) AS doc_date,
    CASE WHEN r.h % 100 = 0 THEN 1 ELSE 0 END AS correction_no,
    CASE WHEN r.h % 100 = 0 THEN least(last_day(${first}), ${first} + CAST(r.h % 28 AS INTEGER) + 3) END AS correction_date,
    CASE r.kind WHEN 0 THEN b.importer_inn ELSE s.inn END AS seller_inn,
    CASE r.kind WHEN 2 THEN NULL ELSE c.inn END AS buyer_inn,
    1 + r.h % 50 AS quantity,
    '796' AS unit,
    round((1 + r.h % 50) * (1000 + r.h % 90000) / 100.0, 2) AS value_rub,
    round((1 + r.h % 50) * (1000 + r.h % 90000) / 500.0, 2) AS vat_rub
  FROM r
  JOIN batches b ON b.k = r.h % ${batchCount}
  JOIN firms s ON s.k = (r.h >> 16) % 20000
  JOIN firms c ON c.k = (r.h >> 32) % 20000`);
// A correction date must not come before the document date.
await db.run(`UPDATE moves SET correction_date = doc_date + 2 WHERE correction_date IS NOT NULL AND correction_date < doc_date + 2`);
await db.run(`UPDATE moves SET correction_no = 0, correction_date = NULL WHERE correction_date > last_day(${first})`);
await db.run(`COPY moves TO ${quoteLiteral(out)} (HEADER, DELIMITER ',')`);
const n = Number((await db.all('SELECT count(*)::BIGINT AS n FROM moves'))[0]?.['n'] ?? 0);
process.stdout.write(`wrote ${out}: ${n} movements over ${batchCount} batches in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
db.close();
