/**
 * Per-month balances of the traceability movements, kept up to date at
 * ingest (issue 20: "keep per-RNPT balances up to date at ingest"), so that
 * a batch sums the months of its history instead of reconstructing every
 * movement of them as of its date. Movements are the largest extract (of
 * the order of 10 million lines a month nationally); most of them are
 * retail sales that a firm's month of a batch (RNPT) gathers into one row.
 *
 * Each aggregate groups the latest correction of every document line by the
 * month of its document date (a line's key holds its date, so a correction
 * never moves a line to another month), with exact sums (DECIMAL and
 * counts): summing the months gives, bit for bit, what one pass over the
 * lines would. An ingest rebuilds the months of its rows; a repair of an
 * interrupted ingest, or a store made before the aggregates, every month.
 *
 * `movement_months` records, per month, the latest date a row of it was made
 * (`correction_date`). A month's aggregates are the movements as of a date D
 * exactly when the month has ended by D and every row of it was made by D:
 * then the latest correction of each line is its correction as of D. A
 * batch reads the aggregates of those months (see {@link servedMovementMonthsSql})
 * and the movements of the others (a late correction, a month not over).
 */
import type { Db } from '../io/db.js';
import { exactSum, outsideSpansSql, sqlDate } from '../io/sql.js';
import { nextPeriod } from '../util/period.js';

/** Per document month: its rows (every correction) and the latest date one of them was made. */
export const MOVEMENT_MONTHS = 'movement_months';
const MONTHS_COLUMNS = [
  ['doc_month', 'DATE PRIMARY KEY'],
  ['lines', 'BIGINT NOT NULL'],
  ['last_made', 'DATE NOT NULL'],
] as const;

/** One aggregate of the movements: its table, columns and the SELECT that fills it from movement rows. */
export interface MovementAggregate {
  table: string;
  /** Column names and DuckDB types, `doc_month` first. */
  columns: readonly (readonly [string, string])[];
  /**
   * `SELECT doc_month, ...` over `source`, a SELECT of movement rows with
   * the store's columns (`value_rub` DECIMAL or DOUBLE, read as DOUBLE, as
   * the features read it).
   */
  select(source: string): string;
  /** How the store keeps the rows of `select` (a SELECT of them), when it adds columns or an order; a batch reads the others' rows as the SELECT gives them. */
  stored?(select: string): string;
}

// Sums are exact (`exactSum`, 6 decimals, as the features' sums): a month's sums summed are the bits of one sum.
const docMonth = `CAST(date_trunc('month', doc_date) AS DATE) AS doc_month`;

/** Outgoing documents kept per balance, the earliest first: what the batch's evidence lists (trace-evidence.csv). */
export const FIRST_DOCUMENTS = 5;

/** Type of a kept outgoing document; structs compare field by field, so the least are the earliest (date, then number, then type). */
const OUT_DOCUMENT = 'STRUCT(doc_date DATE, doc_no VARCHAR, doc_type VARCHAR, quantity DOUBLE)';

/** The importers of the store's declaration items. */
const IMPORTERS = 'SELECT importer_inn FROM declarations WHERE importer_inn IS NOT NULL';

/**
 * Per document month, firm and RNPT, the firm's movements of the batch
 * other than adjustments (which change values, not quantities): as the
 * seller (`lines_out`; `sent`, the quantity of every such line; the first and
 * last date out; `invoice_qty`, `invoice_value`: its invoices;
 * `first_docs`: its earliest FIRST_DOCUMENTS lines out) and as the buyer
 * (`lines_in`; `bought`: invoices and transfer reports); `unit`, the least
 * unit of those lines.
 *
 * The store adds `declarant`: the firm is the importer of a declaration item
 * in the store. It is set when the month is built and, for the importers of
 * each ingest of declarations since, by {@link markDeclarants}: every
 * importer of a stored item has it (a firm whose items a repair removed may
 * keep it). The batch's readers want the scored participants' rows, and they
 * are importers; most rows are the resellers' and retailers'. Each month's
 * rows are stored the importers' first, then by firm, so that a read of the
 * importers' rows, or of a few firms', skips the row groups of the others
 * (a year of national movements: 26.5M rows, 3.3M of them the importers').
 */
export const MOVEMENT_BALANCES: MovementAggregate = {
  table: 'movement_balances',
  columns: [
    ['doc_month', 'DATE'],
    ['firm', 'VARCHAR'],
    ['rnpt', 'VARCHAR'],
    ['unit', 'VARCHAR'],
    ['lines_out', 'BIGINT'],
    ['sent', 'DECIMAL(38,6)'],
    ['first_out', 'DATE'],
    ['last_out', 'DATE'],
    ['invoice_qty', 'DECIMAL(38,6)'],
    ['invoice_value', 'DECIMAL(38,6)'],
    ['lines_in', 'BIGINT'],
    ['bought', 'DECIMAL(38,6)'],
    ['first_docs', `${OUT_DOCUMENT}[]`],
    ['declarant', 'BOOLEAN'],
  ],
  select: (source) => `SELECT doc_month, firm, rnpt, min(unit) AS unit,
       count(*) FILTER (WHERE out) AS lines_out,
       ${exactSum('CASE WHEN out THEN quantity END')} AS sent,
       min(doc_date) FILTER (WHERE out) AS first_out, max(doc_date) FILTER (WHERE out) AS last_out,
       ${exactSum("CASE WHEN out AND doc_type = 'invoice' THEN quantity END")} AS invoice_qty,
       ${exactSum("CASE WHEN out AND doc_type = 'invoice' THEN value END")} AS invoice_value,
       count(*) FILTER (WHERE NOT out) AS lines_in,
       ${exactSum("CASE WHEN NOT out AND doc_type IN ('invoice', 'transfer_report') THEN quantity END")} AS bought,
       min({'doc_date': doc_date, 'doc_no': doc_no, 'doc_type': doc_type, 'quantity': quantity}, ${FIRST_DOCUMENTS}) FILTER (WHERE out) AS first_docs
     FROM (
       SELECT ${docMonth}, seller_inn AS firm, true AS out, rnpt, doc_type, doc_no, doc_date, quantity, unit, CAST(value_rub AS DOUBLE) AS value
       FROM (${source}) WHERE doc_type <> 'adjustment'
       UNION ALL
       SELECT ${docMonth}, buyer_inn AS firm, false AS out, rnpt, doc_type, doc_no, doc_date, quantity, unit, CAST(value_rub AS DOUBLE) AS value
       FROM (${source}) WHERE doc_type <> 'adjustment' AND buyer_inn IS NOT NULL
     )
     GROUP BY doc_month, firm, rnpt`,
  stored: (select) => `SELECT *, firm IN (${IMPORTERS}) AS declarant FROM (${select}) ORDER BY declarant DESC, firm, rnpt`,
};

/** Per document month, seller and buyer: the value of the invoices (what the weak-buyer share reads). */
export const MOVEMENT_INVOICES: MovementAggregate = {
  table: 'movement_invoices',
  columns: [
    ['doc_month', 'DATE'],
    ['seller_inn', 'VARCHAR'],
    ['buyer_inn', 'VARCHAR'],
    ['value', 'DECIMAL(38,6)'],
  ],
  select: (source) => `SELECT ${docMonth}, seller_inn, buyer_inn, ${exactSum('CAST(value_rub AS DOUBLE)')} AS value
     FROM (${source}) WHERE doc_type = 'invoice' GROUP BY ALL`,
};

/** Per document date, seller and RNPT: the value of the retirements by export (what the exports family matches with export declarations). */
export const MOVEMENT_RETIRED_EXPORTS: MovementAggregate = {
  table: 'movement_retired_exports',
  columns: [
    ['doc_month', 'DATE'],
    ['seller_inn', 'VARCHAR'],
    ['rnpt', 'VARCHAR'],
    ['doc_date', 'DATE'],
    ['value', 'DECIMAL(38,6)'],
  ],
  select: (source) => `SELECT ${docMonth}, seller_inn, rnpt, doc_date, ${exactSum('CAST(value_rub AS DOUBLE)')} AS value
     FROM (${source}) WHERE doc_type = 'retired_export' GROUP BY ALL`,
};

/** Every aggregate of the movements the store keeps. */
export const MOVEMENT_AGGREGATES: readonly MovementAggregate[] = [MOVEMENT_BALANCES, MOVEMENT_INVOICES, MOVEMENT_RETIRED_EXPORTS];

/** The store's tables for the movements' aggregates, in order. */
export const MOVEMENT_AGGREGATE_TABLES: readonly string[] = [MOVEMENT_MONTHS, ...MOVEMENT_AGGREGATES.map((a) => a.table)];

/** `table.column` of every column of the aggregates: a store whose tables lack one was made by an earlier ccrg, and gets them again. */
export const MOVEMENT_AGGREGATE_COLUMNS: readonly string[] = [
  ...MONTHS_COLUMNS.map(([c]) => `${MOVEMENT_MONTHS}.${c}`),
  ...MOVEMENT_AGGREGATES.flatMap((a) => a.columns.map(([c]) => `${a.table}.${c}`)),
];

/** Tables of the aggregates, for the store's schema. */
export function movementAggregateDdl(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${MOVEMENT_MONTHS} (${MONTHS_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`,
    ...MOVEMENT_AGGREGATES.map((a) => `CREATE TABLE IF NOT EXISTS ${a.table} (${a.columns.map(([n, t]) => `${n} ${t}`).join(', ')})`),
  ];
}

/** A predicate on movement rows: dated in one of `months` (YYYY-MM-01), as date ranges a scan can skip row groups by. */
function datedInMonthsSql(months: readonly string[]): string {
  return months.length === 0 ? 'false' : months.map((m) => `(doc_date >= ${sqlDate(m)} AND doc_date < ${sqlDate(m)} + INTERVAL 1 MONTH)`).join(' OR ');
}

/**
 * A predicate on movement rows: dated outside every month of `months` (YYYY-MM-01), as the date ranges
 * between them (adjacent months merged), so that a scan skips the row groups of the months served.
 */
export function datedOutsideMonthsSql(months: ReadonlySet<string>): string {
  const spans: [string, string][] = [];
  for (const m of [...months].sort()) {
    const next = `${nextPeriod(m.slice(0, 7))}-01`;
    const last = spans.at(-1);
    if (last !== undefined && last[1] === m) last[1] = next;
    else spans.push([m, next]);
  }
  return outsideSpansSql('doc_date', spans.map(([from, to]) => [sqlDate(from), sqlDate(to)] as const));
}

/** SQL list of the months (YYYY-MM-01) `months` for `doc_month IN (...)`: a list that matches nothing when empty. */
function monthListSql(months: ReadonlySet<string>): string {
  return months.size === 0 ? 'NULL' : [...months].sort().map(sqlDate).join(', ');
}

/**
 * SELECT of an aggregate's rows as of a date: its stored rows of the months `servedMonths` (see
 * {@link servedMovementMonthsSql}) that `storedWhere` keeps, and its rows grouped from `movements`, a
 * SELECT of the movements as of the date of the other months. Readers filter it; the filters reach both
 * parts. `storedWhere` may only drop rows the readers' filters drop (the balances' `declarant`, for readers
 * of scored participants' rows), so that the scan skips what the filters would: a column the store adds
 * (`stored`) is NULL on the other part's rows.
 */
export function servedAndMovedSql(aggregate: MovementAggregate, servedMonths: ReadonlySet<string>, movements: string, storedWhere = 'true'): string {
  return `SELECT * FROM ${aggregate.table} WHERE doc_month IN (${monthListSql(servedMonths)}) AND (${storedWhere})
    UNION ALL BY NAME
    ${aggregate.select(movements)}`;
}

/** TEMP table of an aggregate's rows of one month, before the store keeps them (`stored`). */
const MONTH_ROWS = 'ccrg_movement_month_rows';

/** The latest correction of every document line dated in `months`: what the aggregates sum. */
function latestRowsSql(months: readonly string[]): string {
  const dated = datedInMonthsSql(months);
  // As the movements as of a date (src/store/as-of.ts), with every correction made.
  return `SELECT t.* FROM traceability t
    LEFT JOIN (SELECT seller_inn, doc_type, doc_no, doc_date, rnpt, max(correction_no) AS top_no FROM traceability
      WHERE (${dated}) AND correction_no > 0 GROUP BY ALL) top
    USING (seller_inn, doc_type, doc_no, doc_date, rnpt)
    WHERE (${dated}) AND t.correction_no = coalesce(top.top_no, 0)`;
}

/**
 * Rebuilds every aggregate of the document months `months` (YYYY-MM-01), or
 * of every month with a movement (`'all'`), from the store's rows; runs in
 * the caller's transaction, if any.
 */
export async function refreshMovementMonths(db: Db, months: readonly string[] | 'all'): Promise<void> {
  const list =
    months === 'all'
      ? (await db.all(`SELECT DISTINCT strftime(date_trunc('month', doc_date), '%Y-%m-%d') AS m FROM traceability ORDER BY m`)).map((r) => String(r['m']))
      : [...new Set(months)].sort();
  const all = [MOVEMENT_MONTHS, ...MOVEMENT_AGGREGATES.map((a) => a.table)];
  // Every month: also those no movement is left in (the rows of a killed ingest, removed).
  if (months === 'all') for (const table of all) await db.run(`DELETE FROM ${table}`);
  // A month at a time: a national month is 10 million lines, and its groups are what one rebuild holds in memory.
  for (const month of list) {
    for (const table of all) await db.run(`DELETE FROM ${table} WHERE doc_month = ${sqlDate(month)}`);
    for (const aggregate of MOVEMENT_AGGREGATES) {
      const select = aggregate.select(latestRowsSql([month]));
      if (aggregate.stored === undefined) {
        await db.run(`INSERT INTO ${aggregate.table} BY NAME ${select}`);
        continue;
      }
      // Grouped first, then stored: the order of a national month's 2M groups, sorted while the grouping
      // still held its memory, ran out of 4 GB.
      await db.run(`CREATE OR REPLACE TEMP TABLE ${MONTH_ROWS} AS ${select}`);
      await db.run(`INSERT INTO ${aggregate.table} BY NAME ${aggregate.stored(`SELECT * FROM ${MONTH_ROWS}`)}`);
      await db.run(`DROP TABLE ${MONTH_ROWS}`);
    }
    // Last: a batch reads a month's aggregates only once this row says they are there.
    await db.run(`INSERT INTO ${MOVEMENT_MONTHS}
      SELECT CAST(date_trunc('month', doc_date) AS DATE), count(*), max(correction_date) FROM traceability WHERE ${datedInMonthsSql([month])} GROUP BY ALL`);
  }
}

/** Brings the aggregates up to date after ingest `ingestId` stored movements: the months of its rows are rebuilt. */
export async function refreshMovementMonthsAfterIngest(db: Db, ingestId: number): Promise<void> {
  const rows = await db.all(
    `SELECT DISTINCT strftime(date_trunc('month', doc_date), '%Y-%m-%d') AS m FROM traceability WHERE ingest_id = ${Math.trunc(ingestId)} ORDER BY m`,
  );
  await refreshMovementMonths(db, rows.map((r) => String(r['m'])));
}

/**
 * Marks the balances of the importers of ingest `ingestId`'s declaration items as importers' (`declarant`,
 * see {@link MOVEMENT_BALANCES}): a firm whose movements came before its declarations. Runs in the
 * ingest's transaction; the rows keep their place (a rebuild of their month puts them with the importers').
 */
export async function markDeclarants(db: Db, ingestId: number): Promise<void> {
  await db.run(`UPDATE ${MOVEMENT_BALANCES.table} SET declarant = true
    WHERE NOT declarant AND firm IN (SELECT importer_inn FROM declarations WHERE ingest_id = ${Math.trunc(ingestId)})`);
}

/**
 * SQL of the document months whose aggregates a batch as of `asOf` reads
 * (column `doc_month`): ended by then, every row made by then, and not
 * holding the first day of the window (`windowStart`, SQL of a date): a
 * month the window starts inside is read from the movements, so that a
 * month of the aggregates is wholly inside the window or wholly before it.
 */
export function servedMovementMonthsSql(asOf: string, windowStart: string): string {
  const d = sqlDate(asOf);
  return `SELECT doc_month FROM ${MOVEMENT_MONTHS}
    WHERE last_made <= ${d} AND last_day(doc_month) <= ${d} AND NOT (doc_month < ${windowStart} AND last_day(doc_month) >= ${windowStart})`;
}

/** The document months (YYYY-MM-01) whose aggregates a batch as of `asOf` reads ({@link servedMovementMonthsSql}). */
export async function servedMovementMonths(db: Db, asOf: string, windowStart: string): Promise<Set<string>> {
  const rows = await db.all(`SELECT strftime(doc_month, '%Y-%m-%d') AS m FROM (${servedMovementMonthsSql(asOf, windowStart)})`);
  return new Set(rows.map((r) => String(r['m'])));
}
