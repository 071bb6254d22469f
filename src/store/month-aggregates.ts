/**
 * Per-month aggregates of the declarations, kept up to date at ingest, so
 * that a batch combines the months of its history instead of rescanning
 * every item of them (issue "A monthly batch that costs one month").
 *
 * Each aggregate groups the latest version of every item (`superseded_on`
 * empty) by release month and a key, with sums that are exact (DECIMAL and
 * counts), so that summing the months gives, bit for bit, what one pass over
 * the items would. An ingest rebuilds only the release months it touched:
 * those of its rows and of every version of the items it brought a new
 * version of (a correction may move an item to another month).
 *
 * `declaration_months` records, per release month, the latest `version_date`
 * of its rows. A month's aggregates are the store as of a date D exactly
 * when that month has ended by D and every row of it was made by D: then
 * every row ranking above another was made by D too, and the latest
 * versions are the versions as of D. A batch reads the aggregates of those
 * months only and the items of the others (a late correction, a month not
 * over, a store whose months were never aggregated).
 */
import type { Db } from '../io/db.js';
import { sqlDate } from '../io/sql.js';

/** Per release month: its rows (every version) and the latest date one of them was made. */
export const DECLARATION_MONTHS = 'declaration_months';

/** One aggregate table: its columns and the SELECT that fills it from declaration rows. */
export interface MonthAggregate {
  table: string;
  /** Column names and DuckDB types, `release_month` first. */
  columns: readonly (readonly [string, string])[];
  /**
   * `SELECT release_month, <keys>, <sums> ... GROUP BY ALL` over `source`, a
   * relation of declaration rows with the store's columns and `inn` (the
   * importer); `inspectable` is a predicate on its rows that `t`-like sums
   * are restricted to ('true' when stored: a batch decides per month).
   */
  select(source: string, inspectable: string): string;
}

/**
 * The participant's priced items per month, code, origin and procedure: the
 * own-history months of the unit-value family (`uv_own_shift`,
 * `uv_own_drop`), which read the 2 × windowMonths months before the as-of
 * date. `sl`, `sll`: sums of ln unit value and its square (each item's value
 * cast to DECIMAL(18,6) first, as the family does); `v`: customs value;
 * `t`: duty and VAT per RUB of customs value × the value (DECIMAL(18,2)
 * per item); `n_paid`: items with duty or VAT figures.
 */
export const OWN_MONTHS: MonthAggregate = {
  table: 'month_own_items',
  columns: [
    ['release_month', 'DATE'],
    ['inn', 'VARCHAR'],
    ['hs_code', 'VARCHAR'],
    ['origin_country', 'VARCHAR'],
    ['procedure', 'VARCHAR'],
    ['n', 'BIGINT'],
    ['sl', 'DECIMAL(38,6)'],
    ['sll', 'DECIMAL(38,6)'],
    ['v', 'DECIMAL(38,2)'],
    ['t', 'DECIMAL(38,2)'],
    ['n_paid', 'BIGINT'],
  ],
  select: (source, inspectable) => {
    const sum18 = (expr: string, scale = 6): string => `sum(CAST((${expr}) AS DECIMAL(18,${scale})))`;
    return `SELECT CAST(date_trunc('month', release_date) AS DATE) AS release_month, inn, hs_code, origin_country, procedure,
       count(*) AS n, ${sum18('luv')} AS sl, ${sum18('luv * luv')} AS sll, sum(customs_value_rub) AS v,
       ${sum18('duty + (customs_value_rub + duty) * coalesce(import_vat_rub / nullif(customs_value_rub + duty + coalesce(excise_rub, 0), 0), 0)', 2)}
         FILTER (WHERE ${inspectable}) AS t,
       count(*) FILTER (WHERE duty_rub IS NOT NULL OR import_vat_rub IS NOT NULL) AS n_paid
     FROM (SELECT *, ln(CAST(customs_value_rub AS DOUBLE) / net_weight_kg) AS luv, CAST(coalesce(duty_rub, 0) AS DOUBLE) AS duty
       FROM (${source}) WHERE customs_value_rub > 0 AND net_weight_kg > 0)
     GROUP BY ALL`;
  },
};

/** Every aggregate the store keeps. */
export const MONTH_AGGREGATES: readonly MonthAggregate[] = [OWN_MONTHS];

/** Tables of the aggregates, for the store's schema. */
export function monthAggregateDdl(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${DECLARATION_MONTHS} (release_month DATE PRIMARY KEY, items BIGINT NOT NULL, last_version_date DATE NOT NULL)`,
    ...MONTH_AGGREGATES.map((a) => `CREATE TABLE IF NOT EXISTS ${a.table} (${a.columns.map(([n, t]) => `${n} ${t}`).join(', ')})`),
  ];
}

/** The store's tables for the aggregates, in order. */
export const MONTH_AGGREGATE_TABLES: readonly string[] = [DECLARATION_MONTHS, ...MONTH_AGGREGATES.map((a) => a.table)];

/** A predicate on declaration rows: released in one of `months` (YYYY-MM-01), as ranges the scan can skip row groups by. */
function inMonthsSql(months: readonly string[]): string {
  return months.length === 0 ? 'false' : months.map((m) => `(release_date >= ${sqlDate(m)} AND release_date < ${sqlDate(m)} + INTERVAL 1 MONTH)`).join(' OR ');
}

/**
 * Rebuilds the aggregates of the release months `months` (YYYY-MM-01), or
 * of every month with a declaration (`'all'`), from the store's rows; runs
 * in the caller's transaction, if any.
 */
export async function refreshMonthAggregates(db: Db, months: readonly string[] | 'all'): Promise<void> {
  const list =
    months === 'all'
      ? (await db.all(`SELECT DISTINCT strftime(date_trunc('month', release_date), '%Y-%m-%d') AS m FROM declarations ORDER BY m`)).map((r) => String(r['m']))
      : [...new Set(months)].sort();
  const chunk = 24;
  for (let i = 0; i < list.length; i += chunk) {
    const part = list.slice(i, i + chunk);
    const where = inMonthsSql(part);
    const monthList = part.map(sqlDate).join(', ');
    await db.run(`DELETE FROM ${DECLARATION_MONTHS} WHERE release_month IN (${monthList})`);
    await db.run(`INSERT INTO ${DECLARATION_MONTHS}
      SELECT CAST(date_trunc('month', release_date) AS DATE), count(*), max(version_date) FROM declarations WHERE ${where} GROUP BY ALL`);
    const latest = `SELECT *, importer_inn AS inn FROM declarations WHERE superseded_on IS NULL AND (${where})`;
    for (const aggregate of MONTH_AGGREGATES) {
      await db.run(`DELETE FROM ${aggregate.table} WHERE release_month IN (${monthList})`);
      await db.run(`INSERT INTO ${aggregate.table} ${aggregate.select(latest, 'true')}`);
    }
  }
}

/**
 * SQL of the release months whose aggregates are the store as of `asOf`
 * (column `release_month`): ended by then, every row made by then.
 */
export function cleanMonthsSql(asOf: string): string {
  const d = sqlDate(asOf);
  return `SELECT release_month FROM ${DECLARATION_MONTHS} WHERE last_version_date <= ${d} AND last_day(release_month) <= ${d}`;
}

/** The release months (YYYY-MM-01) whose aggregates are the store as of `asOf`. */
export async function cleanMonths(db: Db, asOf: string): Promise<Set<string>> {
  const rows = await db.all(`SELECT strftime(release_month, '%Y-%m-%d') AS m FROM (${cleanMonthsSql(asOf)})`);
  return new Set(rows.map((r) => String(r['m'])));
}

/** A predicate on declaration rows: released in one of `months` (YYYY-MM-01), as date ranges a scan can skip row groups by. */
export function releasedInMonthsSql(months: readonly string[]): string {
  return inMonthsSql(months);
}
