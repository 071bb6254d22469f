/**
 * plan.xlsx: the plan for spreadsheet users, with the same cells as plan.csv
 * (docs/outputs.md#planxlsx). Same input, same bytes: the document dates are
 * fixed (the as-of date) and the zip entries carry that date too.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { neutraliseFormula } from '../io/csv-write.js';
import type { Lang } from '../rules/profile.js';
import { xlsxFormat, xlsxValue, type Table } from './table.js';
import { keyValueHeaders, localiseTable, sheetName } from './xlsx-lang.js';

/** One sheet of the workbook. */
export interface SheetSpec {
  name: string;
  table: Table;
}

/** A key-value sheet (parameters, manifest). */
export interface KeyValueSheet {
  name: string;
  rows: [string, string][];
}

/**
 * Flattens JSON into key paths and text values (`a.b[0].c`), in key order
 * as given: the manifest and parameters as rows of a sheet.
 */
export function flattenJson(value: unknown, prefix = ''): [string, string][] {
  if (value === null || value === undefined) return [[prefix, '']];
  if (Array.isArray(value)) {
    if (value.length === 0) return [[prefix, '[]']];
    return value.flatMap((v, i) => flattenJson(v, `${prefix}[${i}]`));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [[prefix, '{}']];
    return entries.flatMap(([k, v]) => flattenJson(v, prefix === '' ? k : `${prefix}.${k}`));
  }
  return [[prefix, String(value)]];
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE6F0' } };

function addTableSheet(workbook: ExcelJS.Workbook, given: SheetSpec, lang: Lang): void {
  const spec = { name: sheetName(given.name, lang), table: localiseTable(given.table, lang) };
  const sheet = workbook.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  sheet.columns = spec.table.columns.map((c) => {
    const numFmt = xlsxFormat(c);
    return { header: c.label, key: c.key, width: c.width, ...(numFmt === undefined ? {} : { style: { numFmt } }) };
  });
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.fill = HEADER_FILL;
  header.alignment = { vertical: 'middle', wrapText: true };
  for (const row of spec.table.rows) sheet.addRow(spec.table.columns.map((c, i) => xlsxValue(c.kind, row[i] ?? '')));
  if (spec.table.rows.length > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: spec.table.columns.length } };
}

function addKeyValueSheet(workbook: ExcelJS.Workbook, spec: KeyValueSheet, lang: Lang): void {
  const sheet = workbook.addWorksheet(sheetName(spec.name, lang), { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  const [key, value] = keyValueHeaders(lang);
  sheet.columns = [
    { header: key, key: 'key', width: 44 },
    { header: value, key: 'value', width: 90 },
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).fill = HEADER_FILL;
  for (const [key, value] of spec.rows) sheet.addRow([neutraliseFormula(key), value === '' ? null : neutraliseFormula(value)]);
}

/**
 * Builds the workbook: the table sheets, then the key-value sheets, with
 * readable headers, a frozen and filtered top row, column widths, money
 * and date formats, in the run's language (src/plan/xlsx-lang.ts). `fixedDate` becomes the document's created, modified
 * and last-printed date and every zip entry's date.
 */
export async function planWorkbook(tables: readonly SheetSpec[], keyValues: readonly KeyValueSheet[], fixedDate: Date, lang: Lang = 'en'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ccrg';
  workbook.lastModifiedBy = 'ccrg';
  workbook.created = fixedDate;
  workbook.modified = fixedDate;
  workbook.lastPrinted = fixedDate;
  for (const t of tables) addTableSheet(workbook, t, lang);
  for (const kv of keyValues) addKeyValueSheet(workbook, kv, lang);
  const written = await workbook.xlsx.writeBuffer();
  return repackWithDate(Buffer.from(written as ArrayBuffer), fixedDate);
}

/** Rewrites a zip with every entry dated `date` (exceljs stamps entries with the current time). */
async function repackWithDate(zipBytes: Buffer, date: Date): Promise<Buffer> {
  const source = await JSZip.loadAsync(zipBytes);
  const target = new JSZip();
  const names = Object.keys(source.files);
  for (const name of names) {
    const entry = source.files[name] as JSZip.JSZipObject;
    if (entry.dir) continue;
    target.file(name, await entry.async('uint8array'), { date, createFolders: false });
  }
  return target.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
