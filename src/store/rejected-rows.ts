/**
 * What ingest refused, read back from the store's `rejects` table by the
 * release month of the refused declaration rows, so that a window's
 * figures can say which of its items are missing (`ccrg evaluate`).
 */
import type { Db } from '../io/db.js';

/** One refused declaration record (a line may carry several issues: the first by column is named). */
export interface RejectedRow {
  file: string;
  line: number;
  code: string;
  column: string | null;
  value: string | null;
  /** Release month YYYY-MM, null when it could not be read. */
  period: string | null;
}

/** The refused declaration records of a window, and those whose release month is unknown. */
export interface RejectedInWindow {
  window: { from: string; to: string };
  /** Records released in the window. */
  inWindow: number;
  /** Records whose release month could not be read (a bad or missing date, a broken record, or a store older than the month column). */
  monthUnknown: number;
  /** Both kinds, in-window first, by file and line. */
  rows: RejectedRow[];
}

/** The declaration records ingest refused whose release month lies in `from..to` (YYYY-MM) or could not be read. */
export async function rejectedDeclarations(db: Db, from: string, to: string): Promise<RejectedInWindow> {
  const [has] = await db.all(`SELECT count(*)::INTEGER AS n FROM information_schema.columns WHERE table_name = 'rejects' AND column_name = 'period'`);
  const period = Number(has?.['n'] ?? 0) > 0 ? 'r.period' : 'NULL::VARCHAR';
  const rows = await db.all(
    `SELECT r.file, r.line, r.code, r."column", r.value, ${period} AS period
     FROM rejects r JOIN lineage l USING (ingest_id)
     WHERE l.extract = 'declarations' AND (${period} IS NULL OR ${period} BETWEEN $from AND $to)
     QUALIFY row_number() OVER (PARTITION BY r.ingest_id, r.line ORDER BY r."column" NULLS FIRST, r.code) = 1
     ORDER BY ${period} IS NULL, r.file, r.line, r.ingest_id`,
    { from, to },
  );
  const out: RejectedRow[] = rows.map((r) => ({
    file: String(r['file']),
    line: Number(r['line']),
    code: String(r['code']),
    column: r['column'] === null ? null : String(r['column']),
    value: r['value'] === null ? null : String(r['value']),
    period: r['period'] === null ? null : String(r['period']),
  }));
  const monthUnknown = out.filter((r) => r.period === null).length;
  return { window: { from, to }, inWindow: out.length - monthUnknown, monthUnknown, rows: out };
}

/** Lines for the printed evaluation: the counts and the first few records, by file and line. */
export function describeRejected(rejected: RejectedInWindow, shown = 5): string[] {
  if (rejected.rows.length === 0) return [`ingest refused no declaration record released in ${rejected.window.from}..${rejected.window.to}`];
  const head = rejected.rows.slice(0, shown).map((r) => `  ${r.file}:${r.line} ${r.code}${r.column === null ? '' : ` ${r.column}`}${r.value === null ? '' : ` "${r.value}"`}${r.period === null ? ' (month unknown)' : ''}`);
  return [
    `ingest refused ${rejected.inWindow} declaration record(s) released in ${rejected.window.from}..${rejected.window.to}` +
      `${rejected.monthUnknown > 0 ? ` and ${rejected.monthUnknown} whose release month could not be read` : ''}: their items are not evaluated (all of them in evaluation.json, rejectedAtIngest)`,
    ...head,
    ...(rejected.rows.length > shown ? [`  ... and ${rejected.rows.length - shown} more`] : []),
  ];
}
