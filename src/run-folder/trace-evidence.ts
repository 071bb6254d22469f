/** trace-evidence.csv (docs/outputs.md): the traceable batches behind the top participants' scores; writer. */
import type { Row } from '../io/db.js';
import { rowsCsv } from './evidence.js';

/** File name in the run folder. */
export const TRACE_EVIDENCE_FILE = 'trace-evidence.csv';

/** Columns of trace-evidence.csv (src/features/traceability.ts, traceEvidenceSql), in order. */
const TRACE_EVIDENCE_COLUMNS = [
  'rank',
  'inn',
  'rnpt',
  'decl_id',
  'item_no',
  'release_date',
  'hs_code',
  'imported_qty',
  'received_qty',
  'sent_qty',
  'excess_qty',
  'excess_customs_value_rub',
  'moved_before_release',
  'first_out',
  'last_out',
  'invoice_qty',
  'invoice_value_rub',
  'markup',
  'documents_out',
  'documents',
] as const;

/** The text of trace-evidence.csv from rows already ordered by rank and importance. */
export function traceEvidenceCsv(rows: readonly Row[]): string {
  return rowsCsv(TRACE_EVIDENCE_COLUMNS, rows);
}
