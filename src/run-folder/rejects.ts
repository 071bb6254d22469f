import { csvText } from '../io/csv-write.js';
import type { RejectRow } from '../store/ingest.js';

/** File name of the rejects in a run folder (score from files); ingest writes it where --rejects says. */
export const REJECTS_FILE = 'rejects.csv';

/** Columns of a rejects file (docs/data-contract.md). */
const REJECT_COLUMNS = ['file', 'line', 'column', 'value', 'code', 'message'] as const;

/** The rejects file: one line per offending column of each rejected record. */
export function rejectsCsv(rejects: readonly RejectRow[]): string {
  return csvText(
    REJECT_COLUMNS,
    rejects.map((r) => [r.file, r.line, r.column, r.value, r.code, r.message]),
  );
}
