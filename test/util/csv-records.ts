import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** One parsed CSV record and the physical line it starts on (header = line 1). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Parses RFC 4180 text (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let atRecordStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (atRecordStart) {
      start = line;
      atRecordStart = false;
    }
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
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n') {
      fields.push(field);
      records.push({ line: start, fields });
      fields = [];
      field = '';
      line++;
      atRecordStart = true;
    } else {
      field += ch;
    }
  }
  if (!atRecordStart) {
    fields.push(field);
    records.push({ line: start, fields });
  }
  return records;
}

/** Reads a `.csv` or `.csv.gz` file as text. */
export function readCsvText(path: string): string {
  const bytes = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}

/** Reads a `.csv` or `.csv.gz` file as records. */
export function readCsvFile(path: string): CsvRecord[] {
  return parseCsv(readCsvText(path));
}
