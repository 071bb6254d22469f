// A month of traceability movements at national scale for the ingest benchmark (docs/performance.md,
// "Traceability"): LINES rows of the traceability extract dated in MONTH, every one valid under the `ru`
// jurisdiction (INN check digits, dates, units, amounts, unique keys), written by DuckDB in one pass.
// Batch numbers name items of the declarations files given (so that the batch on the benchmark store can
// join them), and only items of the codes on the shipped traceable goods list (profiles/traceable-goods.yaml),
// as the national system issues them: an item of another code has no RNPT. Without files, made-up numbers.
//
//   npx tsx scripts/make-movements.ts OUT.csv MONTH LINES [DECLARATIONS.csv ...]
//
// Shape: chains as the national system shows them. A month, a third of the batches are on sale (a batch sells
// over the months after its release). Each such batch goes from its importer to its two regular wholesalers
// (two invoices a month), from the wholesalers to their regular retailers (six invoices), and the retailers
// retire it in small sales to final consumers (one or two pieces a receipt): most lines are retail receipts.
// A firm's lines of one batch in a month, and a seller's invoices to a regular buyer, are many: what the
// store's per-month balances (src/store/movement-months.ts) gather. 1% corrections (correction_no 1, a few
// days later); quantities in pieces (796). Before the change of 2026-12-06 the script drew a random seller and buyer for
// each line (a third importers' invoices, a third resales, a third retirements): chains no firm repeated.
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
    SELECT row_number() OVER () - 1 AS k, decl_id || '/' || lpad(item_no, 3, '0') AS rnpt, importer_inn,
      greatest(1, CAST(CAST(supplementary_qty AS DOUBLE) AS BIGINT)) AS qty
    FROM read_csv([${declarations.map(quoteLiteral).join(', ')}], header = true, all_varchar = true, union_by_name = true, ignore_errors = true)
    WHERE version = '1' AND supplementary_unit = '796' AND regexp_matches(item_no, '^[0-9]{1,3}$') AND regexp_matches(importer_inn, '^[0-9]{10}([0-9]{2})?$')
      AND TRY_CAST(supplementary_qty AS DOUBLE) > 0 AND (${traceableCodeSql(defaultTraceableGoods().prefixes)})`);
} else {
  await db.run(`CREATE TABLE batches AS
    SELECT k, '10702030/' || strftime(DATE ${quoteLiteral(`${month}-01`)}, '%d%m%y') || '/' || lpad(CAST(1000000 + k AS VARCHAR), 7, '0') || '/001' AS rnpt,
      (SELECT inn FROM firms WHERE firms.k = b.k % 20000) AS importer_inn, 100 + b.k % 900 AS qty
    FROM range(500000) b(k)`);
}
// The batches on sale this month: a third of them, another third each month.
await db.run(`CREATE TABLE active AS
  SELECT row_number() OVER (ORDER BY k) - 1 AS a, * FROM batches WHERE hash(k, ${quoteLiteral(month)}) % 3 = 0`);
const batchCount = Number((await db.all('SELECT count(*)::BIGINT AS n FROM active'))[0]?.['n'] ?? 0);
if (batchCount === 0) throw new Error('no batches: the declarations files hold no item of a traceable code in pieces (796)');
const first = `DATE ${quoteLiteral(`${month}-01`)}`;
// Line i is line j = i // batches of active batch a = i % batches. Lines 0-1: the importer's invoices to its
// wholesalers (firms 0-1,999, two per importer); 2-7: a wholesaler's invoices to one of its 50 regular
// retailers (firms 2,000-19,999); 8 and on: a retailer's retail receipts (retired_sale), one of the six.
const WHOLESALERS = 2000;
await db.run(`CREATE TABLE moves AS
  WITH r AS (
    SELECT i, i // ${batchCount} AS j, i % ${batchCount} AS a, hash(i) AS h FROM range(${lines}) t(i)
  ), roles AS (
    SELECT r.*, b.rnpt, b.importer_inn,
      -- The wholesaler of the line (0-1: the buyer; 2-7: the seller; a receipt: the one that supplied its
      -- retailer, of the same parity: receipts go round the six retailers).
      hash(b.importer_inn, r.j % 2) % ${WHOLESALERS} AS w,
      -- The retailer: of lines 2-7 the buyer, of a receipt the seller.
      CASE WHEN r.j >= 2 THEN (r.j - 2) % 6 END AS shop,
      -- A sixth of the batch a month to the wholesalers, a twelfth on to the retailers; receipts of a piece or two.
      CASE WHEN r.j < 2 THEN greatest(1, b.qty // 12) WHEN r.j < 8 THEN greatest(1, b.qty // 36) ELSE 1 + r.h % 2 END AS quantity,
      (1000 + hash(b.rnpt) % 90000) / 100.0 * CASE WHEN r.j < 2 THEN 1.2 WHEN r.j < 8 THEN 1.4 ELSE 1.8 END AS price
    FROM r JOIN active b ON b.a = r.a
  )
  SELECT rnpt,
    CASE WHEN j < 8 THEN 'invoice' ELSE 'retired_sale' END AS doc_type,
    'M-' || CAST(i AS VARCHAR) AS doc_no,
    ${first} + CAST(h % (date_diff('day', ${first}, last_day(${first})) + 1) AS INTEGER) AS doc_date,
    CASE WHEN h % 100 = 0 THEN 1 ELSE 0 END AS correction_no,
    CASE WHEN h % 100 = 0 THEN least(last_day(${first}), ${first} + CAST(h % 28 AS INTEGER) + 3) END AS correction_date,
    CASE WHEN j < 2 THEN importer_inn WHEN j < 8 THEN ws.inn ELSE sh.inn END AS seller_inn,
    CASE WHEN j < 2 THEN ws.inn WHEN j < 8 THEN sh.inn END AS buyer_inn,
    quantity,
    '796' AS unit,
    round(quantity * price, 2) AS value_rub,
    round(quantity * price * 0.2, 2) AS vat_rub
  FROM roles
  JOIN firms ws ON ws.k = w
  LEFT JOIN firms sh ON sh.k = ${WHOLESALERS} + (hash(w) % ${20_000 - WHOLESALERS} + hash(rnpt, shop) % 50) % ${20_000 - WHOLESALERS}`);
// A correction date must not come before the document date.
await db.run(`UPDATE moves SET correction_date = doc_date + 2 WHERE correction_date IS NOT NULL AND correction_date < doc_date + 2`);
await db.run(`UPDATE moves SET correction_no = 0, correction_date = NULL WHERE correction_date > last_day(${first})`);
await db.run(`COPY moves TO ${quoteLiteral(out)} (HEADER, DELIMITER ',')`);
const n = Number((await db.all('SELECT count(*)::BIGINT AS n FROM moves'))[0]?.['n'] ?? 0);
process.stdout.write(`wrote ${out}: ${n} movements over ${batchCount} batches in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
db.close();
