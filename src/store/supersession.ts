/**
 * When each declaration row stopped being its item's latest version.
 *
 * The store as of a date D shows, for each item (decl_id, item_no), the
 * version that ranks first (highest `version`, then latest `version_date`,
 * then latest ingest) among the rows made by D (`version_date` <= D). A row
 * r is that version exactly when it was made by D and no row ranking above
 * it was: when `version_date(r) <= D < superseded_on(r)`, where
 * `superseded_on(r)` is the earliest `version_date` of the rows that rank
 * above r (NULL when none does). So the as-of view is a filter on stored
 * columns (src/store/as-of.ts) instead of a window over every item, which
 * every read of the store as of a date used to pay.
 *
 * Only items with more than one row can have a superseded row, and every
 * such item has a row with `version` > 1 (the key holds the version), so the
 * refresh looks at those items alone: after an ingest, the items of its rows
 * that have one; after a repair (rows of an interrupted ingest removed) or
 * an upgrade, all of them and every row marked superseded.
 */
import type { Db } from '../io/db.js';
import { quoteIdent } from '../io/sql.js';

/** The rows a refresh looked at (every version of the items concerned: the columns asked for, `release_date` and their new `superseded_on`): a TEMP table until dropped. */
export interface VersionedRows {
  table: string;
  drop(): Promise<void>;
}

/**
 * Recomputes `superseded_on` for the declaration rows of the items that
 * ingest `ingestId` wrote (or of every item, `'all'`) that have a version
 * above 1; rows whose value does not change are not written. Runs in the
 * caller's transaction, if any. Returns the rows it looked at, with
 * `columns`: whose latest versions may have changed besides the ingest's
 * own rows (the per-month aggregates rebuild their groups).
 */
export async function refreshSupersession(db: Db, scope: number | 'all', columns: readonly string[] = []): Promise<VersionedRows> {
  const items =
    scope === 'all'
      ? // Rows marked superseded by rows since removed are looked at too.
        `SELECT DISTINCT decl_id, item_no FROM declarations WHERE version > 1 OR superseded_on IS NOT NULL`
      : `SELECT DISTINCT d.decl_id, d.item_no FROM declarations d
         SEMI JOIN (SELECT decl_id, item_no FROM declarations WHERE ingest_id = ${Math.trunc(scope)}) n USING (decl_id, item_no)
         WHERE d.version > 1`;
  const table = 'ccrg_versioned_rows';
  const drop = async (): Promise<void> => db.run(`DROP TABLE IF EXISTS ${table}`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
    SELECT ${[...new Set(['decl_id', 'item_no', 'version', 'release_date', ...columns])].map(quoteIdent).join(', ')},
      min(version_date) OVER (PARTITION BY decl_id, item_no ORDER BY version DESC, version_date DESC, ingest_id DESC
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS superseded_on
    FROM declarations SEMI JOIN (${items}) k USING (decl_id, item_no)`);
  try {
    await db.run(`UPDATE declarations SET superseded_on = s.superseded_on FROM ${table} s
      WHERE declarations.decl_id = s.decl_id AND declarations.item_no = s.item_no AND declarations.version = s.version
        AND declarations.superseded_on IS DISTINCT FROM s.superseded_on`);
    return { table, drop };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}
