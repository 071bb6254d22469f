/**
 * A table written both as CSV and as an XLSX sheet from one column
 * specification, so the two always agree (docs/outputs.md#plan).
 */
import { csvText, neutraliseFormula } from '../io/csv-write.js';

/** How a column is typed in the XLSX sheet (CSV cells are the same text either way). */
export type ColumnKind = 'text' | 'integer' | 'decimal' | 'money' | 'date';

/** One column: its CSV name, its readable XLSX header, its kind and decimals. */
export interface ColumnSpec {
  key: string;
  label: string;
  kind: ColumnKind;
  /** Decimals shown in the XLSX number format (decimal columns). */
  decimals?: number;
  /** XLSX column width in characters (not 9: exceljs takes 9 for its default and writes no width). */
  width: number;
}

/** A table: columns and rows of CSV cell texts ('' = empty). */
export interface Table {
  columns: readonly ColumnSpec[];
  rows: string[][];
}

/** The CSV text of a table (text cells guarded against formula injection). */
export function tableCsv(table: Table): string {
  return csvText(
    table.columns.map((c) => c.key),
    table.rows,
  );
}

/** An XLSX cell value of a CSV cell text: numbers as numbers, dates as UTC dates, text guarded; '' as empty. */
export function xlsxValue(kind: ColumnKind, text: string): string | number | Date | null {
  if (text === '') return null;
  switch (kind) {
    case 'integer':
    case 'decimal':
    case 'money': {
      const n = Number(text);
      return Number.isFinite(n) ? n : neutraliseFormula(text);
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : neutraliseFormula(text);
    case 'text':
      return neutraliseFormula(text);
  }
}

/** The XLSX number format of a column. */
export function xlsxFormat(column: ColumnSpec): string | undefined {
  switch (column.kind) {
    case 'integer':
      return '0';
    case 'money':
      return '#,##0.00';
    case 'decimal':
      return column.decimals === undefined || column.decimals === 0 ? '0' : `0.${'0'.repeat(column.decimals)}`;
    case 'date':
      return 'yyyy-mm-dd';
    case 'text':
      return undefined;
  }
}
