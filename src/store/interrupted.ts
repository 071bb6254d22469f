/**
 * Rows of an ingest that never committed. An ingest writes every file's rows
 * and then, last, their lineage rows in one statement, all in one
 * transaction: a row whose `ingest_id` has no lineage row belongs to an
 * ingest that did not commit. DuckDB should never show such rows, but a kill
 * while a large transaction is written can leave them behind (seen once in
 * the kill test: 268,221 declaration rows of a killed ingest, no lineage;
 * DuckDB's optimistic writes of bulk appends, duckdb/duckdb#25931).
 *
 * The store keeps the promise of old-or-new state this way: reading
 * commands refuse a store with such rows (naming them and the remedy), and
 * the next ingest removes them before it stores anything.
 */
import { EXTRACT_IDS } from '../contract/extracts.js';
import type { Db } from '../io/db.js';
import { outsideSpansSql, quoteIdent } from '../io/sql.js';

/** Tables whose rows carry the ingest that wrote them. */
const INGESTED_TABLES = [...EXTRACT_IDS, 'rejects'] as const;

/** Tables of the store that exist (a store may predate an extract). */
async function existingTables(db: Db): Promise<string[]> {
  const rows = await db.all(`SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database() AND schema_name = 'main'`);
  const names = new Set(rows.map((r) => String(r['table_name'])));
  return names.has('lineage') ? INGESTED_TABLES.filter((t) => names.has(t)) : [];
}

/**
 * Predicate on `ingest_id`: no lineage row has it. Written as the ranges between the lineage's runs of
 * ids, not `NOT IN (SELECT ...)`: rows are appended in ingest order, so a scan skips every row group of
 * committed ingests by its bounds (a year of national movements: 0.6 s to read every `ingest_id`).
 */
async function uncommittedSql(db: Db): Promise<string> {
  const runs = await db.all(`SELECT min(ingest_id) AS first, max(ingest_id) + 1 AS past
    FROM (SELECT ingest_id, ingest_id - row_number() OVER (ORDER BY ingest_id) AS run FROM (SELECT DISTINCT ingest_id FROM lineage))
    GROUP BY run ORDER BY first`);
  return outsideSpansSql('ingest_id', runs.map((r) => [String(r['first']), String(r['past'])] as const));
}

/** Rows of ingests that never committed, per table (only tables that hold some), and the predicate that found them. */
async function uncommittedRows(db: Db): Promise<{ found: Record<string, number>; uncommitted: string }> {
  const found: Record<string, number> = {};
  const tables = await existingTables(db);
  if (tables.length === 0) return { found, uncommitted: 'false' };
  const uncommitted = await uncommittedSql(db);
  for (const table of tables) {
    const n = Number((await db.all(`SELECT count(*)::BIGINT AS n FROM ${quoteIdent(table)} WHERE ${uncommitted}`))[0]?.['n'] ?? 0);
    if (n > 0) found[table] = n;
  }
  return { found, uncommitted };
}

/** Rows of ingests that never committed, per table (only tables that hold some). */
export async function interruptedRows(db: Db): Promise<Record<string, number>> {
  return (await uncommittedRows(db)).found;
}

/** The words for a non-empty result of {@link interruptedRows}: `268221 declarations rows, 12 rejects rows`. */
export function describeInterrupted(rows: Record<string, number>): string {
  return Object.entries(rows)
    .map(([table, n]) => `${n} ${table} rows`)
    .join(', ');
}

/** Deletes the rows of ingests that never committed (in the caller's transaction, if any); returns what was there. */
export async function removeInterruptedRows(db: Db): Promise<Record<string, number>> {
  const { found, uncommitted } = await uncommittedRows(db);
  for (const table of Object.keys(found)) await db.run(`DELETE FROM ${quoteIdent(table)} WHERE ${uncommitted}`);
  return found;
}
