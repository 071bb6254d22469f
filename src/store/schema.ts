import { EXTRACTS, EXTRACT_IDS, SCHEMA_VERSION, type ExtractDef, type ExtractId } from '../contract/extracts.js';
import type { Db } from '../io/db.js';
import { quoteIdent, quoteLiteral } from '../io/sql.js';
import { sqlTypeOf } from '../validation/column-checks.js';
import { MONTH_AGGREGATE_TABLES, monthAggregateDdl, refreshMonthAggregates } from './month-aggregates.js';
import { MOVEMENT_AGGREGATE_COLUMNS, MOVEMENT_AGGREGATE_TABLES, movementAggregateDdl, refreshMovementMonths } from './movement-months.js';
import { refreshSupersession } from './supersession.js';

/**
 * Columns every stored extract row carries besides the contract columns:
 * extra features from the mapping, labels (declarations), and lineage.
 */
const EXTRA_COLUMNS = {
  extra_cat: 'MAP(VARCHAR, VARCHAR)',
  extra_num: 'MAP(VARCHAR, DOUBLE)',
} as const;

/** Label columns carried on declaration rows (from the mapping's `labels`). */
const LABEL_COLUMNS = {
  label_violation: 'INTEGER',
  label_charges_rub: 'DECIMAL(18,2)',
  label_known_date: 'DATE',
} as const;

/**
 * Columns that tie a stored row to its ingest: the ingest, the physical line
 * in its file, md5 of its typed content (to tell a repeat from a conflict),
 * and a 64-bit md5 of its key (a compact column to find stored keys fast).
 */
const LINEAGE_COLUMNS = {
  ingest_id: 'INTEGER NOT NULL',
  source_line: 'INTEGER NOT NULL',
  row_hash: 'UHUGEINT NOT NULL',
  key_hash: 'UBIGINT NOT NULL',
} as const;

/**
 * Bookkeeping the store derives from its own rows at ingest, never from a
 * file: `superseded_on` is the first day a declaration row stopped being its
 * item's latest version (the earliest `version_date` of a version that
 * ranks above it), NULL while none does (src/store/supersession.ts). With it
 * the store as of a date is a filter, not a window over every item.
 */
const SUPERSESSION_COLUMNS = {
  superseded_on: 'DATE',
} as const;

/** Stored columns that are not part of a row's content (lineage and derived bookkeeping). */
export const LINEAGE_COLUMN_NAMES: ReadonlySet<string> = new Set([...Object.keys(LINEAGE_COLUMNS), ...Object.keys(SUPERSESSION_COLUMNS)]);

/** The stored columns of an extract, in order, with their DuckDB types. */
export function storedColumns(def: ExtractDef): [string, string][] {
  const columns: [string, string][] = def.columns.map((c) => [c.name, sqlTypeOf(c)]);
  columns.push(...Object.entries(EXTRA_COLUMNS));
  if (def.id === 'declarations') columns.push(...Object.entries(LABEL_COLUMNS));
  columns.push(...Object.entries(LINEAGE_COLUMNS));
  if (def.id === 'declarations') columns.push(...Object.entries(SUPERSESSION_COLUMNS));
  return columns;
}

function tableDdl(id: ExtractId): string {
  const columns = storedColumns(EXTRACTS[id]).map(([name, type]) => `  ${quoteIdent(name)} ${type}`);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(id)} (\n${columns.join(',\n')}\n)`;
}

const LINEAGE_DDL = `CREATE TABLE IF NOT EXISTS lineage (
  ingest_id INTEGER PRIMARY KEY,
  extract VARCHAR NOT NULL,
  source_path VARCHAR NOT NULL,
  sha256 VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  encoding VARCHAR,
  delimiter VARCHAR,
  jurisdiction VARCHAR NOT NULL,
  currency VARCHAR NOT NULL,
  mapping_sha256 VARCHAR,
  schema_version INTEGER NOT NULL,
  records_read BIGINT NOT NULL,
  accepted BIGINT NOT NULL,
  rejected BIGINT NOT NULL,
  inserted BIGINT NOT NULL,
  duplicates_in_file BIGINT NOT NULL,
  already_stored BIGINT NOT NULL,
  ingested_on DATE NOT NULL
)`;

const REJECTS_DDL = `CREATE TABLE IF NOT EXISTS rejects (
  ingest_id INTEGER NOT NULL,
  file VARCHAR NOT NULL,
  line INTEGER NOT NULL,
  "column" VARCHAR,
  value VARCHAR,
  code VARCHAR NOT NULL,
  message VARCHAR NOT NULL,
  period VARCHAR
)`;

const META_DDL = `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`;

/**
 * The tables and columns of the contract a store lacks (`extract` or
 * `extract.column`): it was made before they were added, and gets them on
 * its next write ({@link ensureStoreSchema}).
 */
export async function missingSchema(db: Db): Promise<string[]> {
  const have = await storeColumns(db);
  const tables = tablesOf(have);
  const missing: string[] = [
    ...MONTH_AGGREGATE_TABLES.filter((t) => !tables.has(t)),
    ...MOVEMENT_AGGREGATE_COLUMNS.filter((c) => !have.has(c)),
  ];
  for (const id of EXTRACT_IDS) {
    if (!tables.has(id)) {
      missing.push(id);
      continue;
    }
    for (const [name] of storedColumns(EXTRACTS[id])) if (!have.has(`${id}.${name}`)) missing.push(`${id}.${name}`);
  }
  return missing;
}

/** The store's columns, as `table.column`. */
async function storeColumns(db: Db): Promise<Set<string>> {
  const rows = await db.all(`SELECT table_name, column_name FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 'main'`);
  return new Set(rows.map((r) => `${String(r['table_name'])}.${String(r['column_name'])}`));
}

/** The tables of columns given as `table.column`. */
function tablesOf(columns: ReadonlySet<string>): Set<string> {
  return new Set([...columns].map((c) => c.slice(0, c.indexOf('.'))));
}

/**
 * Creates the store tables when absent and checks the schema version of an
 * existing store. Throws when the store was written by another schema version.
 * One transaction: an upgrade that fails or is killed while it rebuilds
 * derived tables (every month of a year of movements: minutes) leaves the
 * store as it was, never with some months rebuilt and others gone.
 */
export async function ensureStoreSchema(db: Db): Promise<void> {
  await db.transaction(() => upgradeSchema(db));
}

async function upgradeSchema(db: Db): Promise<void> {
  await db.run(META_DDL);
  // The store as it was: what an earlier ccrg did not make is made below.
  const columns = await storeColumns(db);
  const tables = tablesOf(columns);
  const lacksSupersession = tables.has('declarations') && !columns.has('declarations.superseded_on');
  const rows = await db.all(`SELECT value FROM meta WHERE key = 'schema_version'`);
  const found = rows[0]?.['value'];
  if (found !== undefined && found !== String(SCHEMA_VERSION)) {
    throw new Error(
      `The store ${db.path} has schema version ${String(found)}; this ccrg writes version ${SCHEMA_VERSION}. Ingest into a new store.`,
    );
  }
  for (const id of EXTRACT_IDS) await db.run(tableDdl(id));
  await db.run(LINEAGE_DDL);
  await db.run(REJECTS_DDL);
  // Stores made before rejects knew the release month of a declaration row: the column is added, older rows keep NULL.
  await db.run('ALTER TABLE rejects ADD COLUMN IF NOT EXISTS period VARCHAR');
  // Stores made before a contract column was added get it, empty on their rows (whose hashes it leaves as they were).
  for (const id of EXTRACT_IDS) {
    for (const column of EXTRACTS[id].columns.filter((c) => c.added === true)) {
      await db.run(`ALTER TABLE ${quoteIdent(id)} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.name)} ${sqlTypeOf(column)}`);
    }
  }
  if (lacksSupersession) {
    // A store made before the column: every item with several versions gets it once.
    await db.run(`ALTER TABLE declarations ADD COLUMN superseded_on DATE`);
    await (await refreshSupersession(db, 'all')).drop();
  }
  const lacksAggregates = MONTH_AGGREGATE_TABLES.some((t) => !tables.has(t));
  for (const sql of monthAggregateDdl()) await db.run(sql);
  // A store made before the aggregates (or one of them) gets every month's once.
  if (lacksAggregates) await refreshMonthAggregates(db, 'all');
  const lacksMovementMonths = MOVEMENT_AGGREGATE_COLUMNS.some((c) => !columns.has(c));
  // Tables made by an earlier ccrg with fewer columns are made again: they are derived, every month is rebuilt below.
  if (lacksMovementMonths) for (const table of MOVEMENT_AGGREGATE_TABLES) await db.run(`DROP TABLE IF EXISTS ${table}`);
  for (const sql of movementAggregateDdl()) await db.run(sql);
  // A store made before the movements' aggregates (or one of them) gets every month's once.
  if (lacksMovementMonths) await refreshMovementMonths(db, 'all');
  if (found === undefined) {
    await db.run(`INSERT INTO meta VALUES ('schema_version', ${quoteLiteral(String(SCHEMA_VERSION))})`);
  }
}
