import { EXPORT_PROCEDURE, type ExtractId } from '../contract/extracts.js';
import { quoteLiteral, sqlDate } from '../io/sql.js';

/**
 * SQL that reconstructs an extract as it stood at the end of an as-of date:
 * only what existed then, with later versions, corrections and snapshots
 * ignored. Older rows are never deleted from the store, so any past date
 * can be reconstructed.
 *
 * - declarations: items released by then, the highest version made by then
 *   (`version_date`);
 * - tax_returns: the highest correction of each (inn, tax_period) filed by then;
 * - participants: the latest register snapshot taken by then;
 * - outcomes: inspections started by then, with their result only when
 *   completed by then (otherwise open: completed_date, violation, its category and charges empty);
 *   of several reports of one inspection, the highest correction completed by then;
 * - item_outcomes: findings of inspections completed by then;
 * - traceability: documents dated by then, each line at its highest correction made by then;
 * - eaeu_imports: applications filed by then, each line at its highest correction filed by then.
 */
/** Predicate on declaration rows: an import item, not an export declaration's (EXPORT_PROCEDURE); a row without a procedure (a generic extract may have none) is an import. */
export const IMPORT_ITEMS_SQL = `procedure IS DISTINCT FROM ${quoteLiteral(EXPORT_PROCEDURE)}`;

/** Predicate on declaration rows: an export declaration's item. */
export const EXPORT_ITEMS_SQL = `procedure = ${quoteLiteral(EXPORT_PROCEDURE)}`;

/** Result columns added to the outcomes contract later: like the violation, unknown until the inspection is completed. */
const OUTCOME_RESULTS_ADDED = ['violation_category', 'duty_rub', 'import_vat_rub', 'excise_rub', 'penalties_rub'] as const;

/**
 * `where`: a predicate on the rows kept: for the declarations, on any of their columns; for the movements,
 * on the key of a document line (seller_inn, doc_type, doc_no, doc_date, rnpt), which its corrections share.
 */
export function asOfSql(extract: ExtractId, asOf: string, where = 'true'): string {
  const d = `${sqlDate(asOf)}`;
  switch (extract) {
    case 'declarations':
      // `superseded_on` (src/store/supersession.ts) makes the version made by then a filter.
      return `SELECT * EXCLUDE (superseded_on) FROM declarations
        WHERE release_date <= ${d} AND version_date <= ${d} AND (superseded_on IS NULL OR superseded_on > ${d}) AND (${where})`;
    case 'tax_returns':
      return `SELECT * FROM tax_returns WHERE filed_date <= ${d}
        QUALIFY row_number() OVER (PARTITION BY inn, tax_period ORDER BY correction_no DESC, filed_date DESC, ingest_id DESC) = 1`;
    case 'participants':
      // The latest snapshot by a join, then a window among its rows only (a redelivery): the window over
      // every snapshot with its MAP columns took 1.3-1.9 s on the benchmark store's 1.26M snapshots, this 0.3-0.4 s.
      return `SELECT p.* FROM participants p
        SEMI JOIN (SELECT inn, max(snapshot_date) AS latest FROM participants WHERE snapshot_date <= ${d} GROUP BY ALL) top
          ON top.inn = p.inn AND top.latest = p.snapshot_date
        QUALIFY row_number() OVER (PARTITION BY p.inn ORDER BY p.ingest_id DESC) = 1`;
    case 'outcomes':
      return `SELECT * REPLACE (
          CASE WHEN completed_date <= ${d} THEN completed_date END AS completed_date,
          CASE WHEN completed_date <= ${d} THEN violation END AS violation,
          CASE WHEN completed_date <= ${d} THEN additional_charges_rub END AS additional_charges_rub,
          ${OUTCOME_RESULTS_ADDED.map((c) => `CASE WHEN completed_date <= ${d} THEN ${c} END AS ${c}`).join(',\n          ')})
        FROM outcomes WHERE started_date <= ${d}
        QUALIFY row_number() OVER (PARTITION BY inspection_id
          ORDER BY (completed_date <= ${d}) DESC NULLS LAST, coalesce(correction_no, 0) DESC, completed_date DESC NULLS LAST, ingest_id DESC) = 1`;
    case 'tax_signals':
      return `SELECT * FROM tax_signals WHERE signal_date <= ${d}`;
    case 'tax_answers':
      return `SELECT * FROM tax_answers WHERE decision_date <= ${d}
        QUALIFY row_number() OVER (PARTITION BY referral_id ORDER BY decision_date DESC, ingest_id DESC) = 1`;
    case 'traceability':
      // Keys are unique in the store with correction_no (a conflicting row is rejected at ingest), so the
      // highest correction made by then is the row whose correction_no is the highest of its document line:
      // a join with the few corrected lines instead of a window over every movement.
      // No CTE: DuckDB would materialise every movement to read it twice (4x slower on 13M movements).
      // `where` (on the lines' own columns: every row of a line shares them) applies to both reads.
      return `SELECT t.* FROM traceability t
        LEFT JOIN (SELECT seller_inn, doc_type, doc_no, doc_date, rnpt, max(correction_no) AS top_no FROM traceability
          WHERE doc_date <= ${d} AND correction_date <= ${d} AND correction_no > 0 AND (${where}) GROUP BY ALL) top
        USING (seller_inn, doc_type, doc_no, doc_date, rnpt)
        WHERE t.doc_date <= ${d} AND t.correction_date <= ${d} AND t.correction_no = coalesce(top.top_no, 0) AND (${where})`;
    case 'eaeu_imports':
      // As the movements: keys are unique with correction_no, so the highest correction filed by then is a join.
      return `SELECT e.* FROM eaeu_imports e
        LEFT JOIN (SELECT applicant_inn, application_no, line_no, max(correction_no) AS top_no FROM eaeu_imports
          WHERE application_date <= ${d} AND correction_date <= ${d} AND correction_no > 0 GROUP BY ALL) top
        USING (applicant_inn, application_no, line_no)
        WHERE e.application_date <= ${d} AND e.correction_date <= ${d} AND e.correction_no = coalesce(top.top_no, 0)`;
    case 'item_outcomes':
      return `SELECT i.* FROM item_outcomes i
        WHERE i.inspection_id IN (SELECT inspection_id FROM outcomes WHERE completed_date <= ${d})`;
  }
}

/**
 * SQL of one row when the movements as of the date ({@link asOfSql} 'traceability') hold any, of none
 * otherwise, without reconstructing them: a line with a row made by the date shows there at its highest
 * correction made by then, so they hold one exactly when some row was (a national month: 2 ms against 0.1-0.9 s).
 */
export function anyMovementAsOfSql(asOf: string): string {
  const d = sqlDate(asOf);
  return `SELECT 1 FROM traceability WHERE doc_date <= ${d} AND correction_date <= ${d} LIMIT 1`;
}
