/**
 * Per-month aggregates of the declarations, kept up to date at ingest, so
 * that a batch combines the months of its history instead of rescanning
 * every item of them (issue "A monthly batch that costs one month").
 *
 * Each aggregate groups the latest version of every item (`superseded_on`
 * empty) by release month and a key, with sums that are exact (DECIMAL and
 * counts), so that summing the months gives, bit for bit, what one pass over
 * the items would. An ingest rebuilds only the groups (release month and
 * key) it touched: those holding one of its rows or a version of an item it
 * brought a new version of (a correction may move an item to another month
 * or code); a repair or an upgrade rebuilds every month.
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
  /**
   * Columns of `select`'s source (`inn` for the importer) that, with
   * `release_month`, partition its rows: an ingest rebuilds the partitions
   * holding a row it touched (the grain may be finer).
   */
  keys: readonly string[];
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
  keys: ['inn', 'hs_code', 'origin_country', 'procedure'],
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

/**
 * Customs value per release month, code, procedure and effective duty rate
 * (duty / customs value rounded to 6 decimals) of the items with a value and
 * a duty figure: the typical duty rate of each code (the duty-rate family's
 * value-weighted median over every item released by the as-of date).
 */
export const CODE_RATES: MonthAggregate = {
  table: 'month_code_rates',
  keys: ['hs_code', 'procedure'],
  columns: [
    ['release_month', 'DATE'],
    ['hs_code', 'VARCHAR'],
    ['procedure', 'VARCHAR'],
    ['rate', 'DOUBLE'],
    ['v', 'DECIMAL(38,2)'],
  ],
  select: (source) => `SELECT CAST(date_trunc('month', release_date) AS DATE) AS release_month, hs_code, procedure,
       round(CAST(duty_rub AS DOUBLE) / CAST(customs_value_rub AS DOUBLE), 6) AS rate, sum(customs_value_rub) AS v
     FROM (${source}) WHERE customs_value_rub > 0 AND duty_rub IS NOT NULL
     GROUP BY ALL`,
};

/** Every aggregate the store keeps. */
export const MONTH_AGGREGATES: readonly MonthAggregate[] = [OWN_MONTHS, CODE_RATES];

/** The stored declaration columns the aggregates group by (`inn` is `importer_inn`): what a refresh after an ingest needs of the rows it touched. */
export const MONTH_AGGREGATE_KEY_COLUMNS: readonly string[] = [
  ...new Set(MONTH_AGGREGATES.flatMap((a) => a.keys.map((k) => (k === 'inn' ? 'importer_inn' : k)))),
];

/** Tables of the aggregates, for the store's schema. */
export function monthAggregateDdl(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${DECLARATION_MONTHS} (release_month DATE PRIMARY KEY, items BIGINT NOT NULL, last_version_date DATE NOT NULL)`,
    ...MONTH_AGGREGATES.map((a) => `CREATE TABLE IF NOT EXISTS ${a.table} (${a.columns.map(([n, t]) => `${n} ${t}`).join(', ')})`),
  ];
}

/** The store's tables for the aggregates, in order. */
export const MONTH_AGGREGATE_TABLES: readonly string[] = [DECLARATION_MONTHS, ...MONTH_AGGREGATES.map((a) => a.table)];

/** A predicate on declaration rows: released in one of `months` (YYYY-MM-01), as date ranges a scan can skip row groups by. */
export function releasedInMonthsSql(months: readonly string[]): string {
  return months.length === 0 ? 'false' : months.map((m) => `(release_date >= ${sqlDate(m)} AND release_date < ${sqlDate(m)} + INTERVAL 1 MONTH)`).join(' OR ');
}

/** The latest version of every item released in `months`, with `inn` for the importer: what the aggregates sum. */
function latestRowsSql(months: readonly string[]): string {
  return `SELECT *, importer_inn AS inn FROM declarations WHERE superseded_on IS NULL AND (${releasedInMonthsSql(months)})`;
}

/** Rebuilds `declaration_months` for the release months (YYYY-MM-01) `months`. */
async function refreshDeclarationMonths(db: Db, months: readonly string[]): Promise<void> {
  if (months.length === 0) return;
  await db.run(`DELETE FROM ${DECLARATION_MONTHS} WHERE release_month IN (${months.map(sqlDate).join(', ')})`);
  await db.run(`INSERT INTO ${DECLARATION_MONTHS}
    SELECT CAST(date_trunc('month', release_date) AS DATE), count(*), max(version_date) FROM declarations WHERE ${releasedInMonthsSql(months)} GROUP BY ALL`);
}

/**
 * Rebuilds every aggregate of the release months `months` (YYYY-MM-01), or
 * of every month with a declaration (`'all'`), from the store's rows; runs
 * in the caller's transaction, if any.
 */
export async function refreshMonthAggregates(db: Db, months: readonly string[] | 'all'): Promise<void> {
  const list =
    months === 'all'
      ? (await db.all(`SELECT DISTINCT strftime(date_trunc('month', release_date), '%Y-%m-%d') AS m FROM declarations ORDER BY m`)).map((r) => String(r['m']))
      : [...new Set(months)].sort();
  // Every month: also those no item is left in (the rows of a killed ingest, removed).
  if (months === 'all') for (const table of MONTH_AGGREGATE_TABLES) await db.run(`DELETE FROM ${table}`);
  const chunk = 24;
  for (let i = 0; i < list.length; i += chunk) {
    const part = list.slice(i, i + chunk);
    await refreshDeclarationMonths(db, part);
    for (const aggregate of MONTH_AGGREGATES) {
      await db.run(`DELETE FROM ${aggregate.table} WHERE release_month IN (${part.map(sqlDate).join(', ')})`);
      await db.run(`INSERT INTO ${aggregate.table} ${aggregate.select(latestRowsSql(part), 'true')}`);
    }
  }
}

/**
 * Brings the aggregates up to date after ingest `ingestId` stored its rows
 * and refreshed `superseded_on` (`versioned`: the rows that refresh looked
 * at): only the groups (release month and key) holding a row of the ingest
 * or a row whose latest version may have changed are rebuilt, so a delivery
 * with late corrections of old months does not rebuild those months whole.
 */
export async function refreshAggregatesAfterIngest(db: Db, ingestId: number, versioned: string): Promise<void> {
  const columns = ['release_date', ...MONTH_AGGREGATE_KEY_COLUMNS].join(', ');
  const rows = `SELECT ${columns} FROM declarations WHERE ingest_id = ${Math.trunc(ingestId)} UNION ALL SELECT ${columns} FROM ${versioned}`;
  const months = (await db.all(`SELECT DISTINCT strftime(date_trunc('month', release_date), '%Y-%m-%d') AS m FROM (${rows}) ORDER BY m`)).map((r) => String(r['m']));
  if (months.length === 0) return;
  await refreshDeclarationMonths(db, months);
  const touched = 'ccrg_touched_groups';
  try {
    for (const aggregate of MONTH_AGGREGATES) {
      const keys = aggregate.keys;
      await db.run(`CREATE OR REPLACE TEMP TABLE ${touched} AS
        SELECT DISTINCT CAST(date_trunc('month', release_date) AS DATE) AS release_month, ${keys.join(', ')} FROM (SELECT *, importer_inn AS inn FROM (${rows}))`);
      const same = (a: string, b: string): string => [`${a}.release_month = ${b}.release_month`, ...keys.map((k) => `${a}.${k} IS NOT DISTINCT FROM ${b}.${k}`)].join(' AND ');
      await db.run(`DELETE FROM ${aggregate.table} a USING ${touched} t WHERE ${same('a', 't')}`);
      const latest = `SELECT l.* EXCLUDE (rm) FROM (SELECT *, CAST(date_trunc('month', release_date) AS DATE) AS rm FROM (${latestRowsSql(months)})) l
        SEMI JOIN ${touched} t ON ${same('l', 't').replace('l.release_month', 'l.rm')}`;
      await db.run(`INSERT INTO ${aggregate.table} ${aggregate.select(latest, 'true')}`);
    }
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${touched}`);
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
