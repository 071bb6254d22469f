/** Reading the project's own CSV outputs back (RFC 4180: quoted fields may hold commas, quotes and line breaks). */
import { readFile } from 'node:fs/promises';
import { ConfigError, isBadPath, pathErrorText, UsageError } from '../util/errors.js';

/** Records of a CSV text, header included, each a list of fields. A CR before LF is dropped. */
export function parseCsvText(text: string): string[][] {
  return parseCsvLines(text).map((r) => r.fields);
}

/** Records of a CSV text with the physical line (1-based, LF counts) each starts on; fields separated by `delimiter`. */
export function parseCsvLines(text: string, delimiter = ','): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let any = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      any = true;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      any = true;
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      fields.push(field);
      records.push({ fields, line: start });
      line++;
      start = line;
      fields = [];
      field = '';
      any = false;
    } else {
      field += ch;
      any = true;
    }
  }
  if (any) {
    fields.push(field);
    records.push({ fields, line: start });
  }
  return records;
}

/** A CSV file's data records as objects by column name, with the record's line for errors. */
export interface CsvRecord {
  /** The line the record starts on (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

/**
 * The one reader of CSV files ccrg wrote or a planner prepared (run-folder
 * files, quotas, exclusion lists, truth files): the records as objects by
 * header name. A missing required column, or a record with a different
 * number of fields than the header, is a {@link ConfigError} naming the file
 * and line. A leading BOM, CRLF line ends and blank lines are accepted.
 */
export async function readCsvRecords(path: string, required: readonly string[], what = 'a ccrg output'): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const words = isBadPath(error) ? pathErrorText(error, path) : null;
    if (words !== null) throw new UsageError(`${what === 'a ccrg output' ? 'the file' : what.replace(/^an? /, 'the ')} ${words}`, { cause: error });
    throw new ConfigError(`${path}: cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return csvRecordsOf(text, path, required, what);
}

/** A CSV file's header and records. */
export interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

/** {@link readCsvRecords} on a text already read; `path` names it in errors. */
export function csvRecordsOf(text: string, path: string, required: readonly string[], what = 'a ccrg output'): CsvTable {
  const records = parseCsvLines(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const header = records[0]?.fields.map((name) => name.trim());
  if (header === undefined || (header.length === 1 && header[0] === '')) throw new ConfigError(`${path}: the file is empty, expected a header with ${required.join(', ')}`);
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new ConfigError(`${path}: line 1: column ${missing.join(', ')} missing; is this ${what}?`);
  const out: CsvRecord[] = [];
  for (const { fields: cells, line } of records.slice(1)) {
    if (cells.length === 1 && cells[0] === '') continue;
    if (cells.length !== header.length) throw new ConfigError(`${path}: line ${line}: ${cells.length} fields, the header has ${header.length}`);
    out.push({ line, values: Object.fromEntries(header.map((name, j) => [name, cells[j] ?? ''])) });
  }
  return { header, records: out };
}

/** A number of a CSV record, or a {@link ConfigError} naming file, line, column and value. */
export function csvNumber(path: string, record: CsvRecord, column: string): number {
  const value = record.values[column] ?? '';
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${path}: line ${record.line}, column ${column}: expected a number, got ${JSON.stringify(value)}`);
  return n;
}

/** A number of a CSV record, null when empty or absent; else as {@link csvNumber}. */
export function csvOptionalNumber(path: string, record: CsvRecord, column: string): number | null {
  const value = record.values[column];
  return value === undefined || value === '' ? null : csvNumber(path, record, column);
}
