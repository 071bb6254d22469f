import { splitCsvRecord } from '../io/csv-scan.js';

/** Fields of one comma-separated line (RFC 4180 quoting). */
export function csvParseLine(line: string): string[] {
  return splitCsvRecord(line.replace(/\r$/, ''), ',');
}
