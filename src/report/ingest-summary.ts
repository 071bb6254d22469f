import type { FileReport, IngestResult } from '../store/ingest.js';

/**
 * A plain-text table of an ingest: per file records read, accepted,
 * rejected, stored, top reject reasons; then, per file, the blank lines
 * skipped and the money values stored rounded from floating-point noise.
 */
export function formatIngestSummary(result: IngestResult, options: { dryRun: boolean; rejectsPath: string | null }): string {
  const header = ['extract', 'file', 'read', 'accepted', 'rejected', options.dryRun ? 'would store' : 'stored', 'top reject reasons'];
  const rows = result.files.map((f) => [
    f.extract,
    f.file,
    String(f.recordsRead),
    f.skipped ? '-' : String(f.accepted),
    f.skipped ? '-' : String(f.rejected),
    f.skipped ? 'already ingested' : String(f.inserted) + duplicateNote(f.duplicatesInFile, f.alreadyStored),
    f.topReasons
      .slice(0, 3)
      .map((r) => `${r.code} ${r.records}`)
      .join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const totalRead = result.files.reduce((s, f) => s + f.recordsRead, 0);
  const totalRejected = result.files.reduce((s, f) => s + f.rejected, 0);
  const lines = [line(header), ...rows.map(line), ''];
  lines.push(`${totalRead} records read, ${totalRejected} rejected (${options.rejectsPath === null ? 'give --rejects FILE to list them' : `listed in ${options.rejectsPath}`}).`);
  for (const f of result.files) {
    const notes = readingNotes(f);
    if (notes.length > 0) lines.push(`${f.file}: ${notes.join('; ')}.`);
  }
  if (result.rejectShareExceeded !== null) {
    const f = result.rejectShareExceeded;
    lines.push(`${f.file}: ${f.rejected} of ${f.recordsRead} records rejected, above --max-reject-share: nothing was stored.`);
  } else if (options.dryRun) {
    lines.push('Validation only: nothing was stored.');
  }
  return lines.join('\n');
}

/** What was read but is not a record or not stored as written: counted here so that nothing passes unseen. */
function readingNotes(f: FileReport): string[] {
  const notes: string[] = [];
  if (f.skipped) return notes;
  if (f.blankLines > 0) notes.push(`${f.blankLines} blank ${f.blankLines === 1 ? 'line' : 'lines'} skipped (not records)`);
  if (f.floatNoiseValues > 0) {
    notes.push(`${f.floatNoiseValues} money ${f.floatNoiseValues === 1 ? 'value' : 'values'} with floating-point noise stored rounded to 2 decimals`);
  }
  return notes;
}

function duplicateNote(inFile: number, inStore: number): string {
  const notes: string[] = [];
  if (inFile > 0) notes.push(`${inFile} repeated in file`);
  if (inStore > 0) notes.push(`${inStore} already stored`);
  return notes.length === 0 ? '' : ` (${notes.join(', ')})`;
}
