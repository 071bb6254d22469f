/**
 * `ccrg ingest --outcomes FILLED --plan out/<period>`: a filled outcomes
 * template (outcomes-template.csv, or the Outcomes sheet of plan.xlsx) read
 * back against the plan that wrote it (docs/cli.md, "ingest").
 *
 * The filled file becomes a copy in the outcomes contract, line for line:
 * every record on the physical line (sheet row) it has in the user's file,
 * so the ordinary ingest validates it and its rejects name the user's file
 * and lines. Rows with no result yet are open: they are listed, and left
 * out of the copy as blank lines (not records). A row with a result that
 * the plan does not hold, or whose propensity is not the plan's, is
 * refused with file, line and reason; the rest go through the ordinary
 * checks (dates, codes, amounts, duplicates) like any outcomes extract.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { EXTRACTS } from '../contract/extracts.js';
import { parseCsvLines, readCsvRecords } from '../io/csv-read.js';
import { csvField } from '../io/csv-write.js';
import { OUTCOME_RESULT_KEYS, OUTCOME_TEMPLATE_COLUMNS, OUTCOMES_SHEET, OUTCOMES_TEMPLATE_FILE } from '../plan/outcomes-template.js';
import { codeOf, columnKeyOf, sheetName } from '../plan/xlsx-lang.js';
import { PLAN_SUMMARY_FILE, readPlanSummary } from '../run-folder/plan-summary.js';
import { ConfigError, UsageError, isBadPath, pathErrorText } from '../util/errors.js';
import type { IngestInput } from '../store/ingest.js';

/** A record refused before the ingest reads the copy. */
type StructuralIssue = NonNullable<IngestInput['refused']>[number];

/** What the plan folder says a template row may carry. */
interface PlannedRow {
  kind: 'inspection' | 'referral';
  selection: string;
  propensity: number;
}

/** The plan a filled template is checked against. */
export interface PlanForOutcomes {
  planId: string;
  /** By INN: the planned inspection, or the referral. */
  inspections: Map<string, PlannedRow>;
  referrals: Map<string, PlannedRow>;
}

/** A planned row with no result yet. */
export interface OpenRow {
  line: number;
  inspectionId: string;
  inn: string;
  kind: string;
}

/** A filled template made ready for the ordinary ingest. */
export interface FilledTemplate {
  /** The copy in the outcomes contract, line for line. */
  copy: string;
  /** Records refused by the checks against the plan (and rows the copy cannot carry). */
  refused: StructuralIssue[];
  open: OpenRow[];
}

/** Reads plan-summary.json, plan.csv and referrals.csv of a plan folder. */
export async function readPlanForOutcomes(planDir: string): Promise<PlanForOutcomes> {
  const summaryPath = join(planDir, PLAN_SUMMARY_FILE);
  if (!existsSync(summaryPath)) {
    throw new UsageError(`--plan ${planDir}: no plan there (no ${PLAN_SUMMARY_FILE}); give the folder ccrg plan wrote, e.g. out/2026-06`);
  }
  const planId = (await readPlanSummary(summaryPath)).plan_id;
  if (typeof planId !== 'string' || planId === '') throw new ConfigError(`${summaryPath}: plan_id must be a text, got ${JSON.stringify(planId)}`);
  const read = async (file: string, kind: PlannedRow['kind'], drawn: boolean): Promise<Map<string, PlannedRow>> => {
    const { records } = await readCsvRecords(join(planDir, file), ['plan_id', 'inn', ...(drawn ? ['selection', 'propensity'] : [])], `the ${file} of a plan`);
    // Referrals are routed by rule, not drawn: inclusion probability 1.
    return new Map(records.map((r) => [r.values['inn'] ?? '', { kind, selection: drawn ? (r.values['selection'] ?? '') : 'risk', propensity: drawn ? Number(r.values['propensity']) : 1 }]));
  };
  const inspections = await read('plan.csv', 'inspection', true);
  const referrals = await read('referrals.csv', 'referral', false);
  return { planId, inspections, referrals };
}

/** One record of the filled file: its line and its cells by template column key. */
interface FilledRecord {
  line: number;
  values: Record<string, string>;
  /** Set when the record has another number of fields than the header (CSV). */
  fieldCount?: number;
}

/** The records of a filled template, CSV or XLSX, by template column key. */
async function readFilled(path: string): Promise<{ header: string[]; records: FilledRecord[]; fields: number }> {
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx') return readFilledSheet(path);
  if (ext !== '.csv') throw new UsageError(`--outcomes ${path}: with --plan, give the filled ${OUTCOMES_TEMPLATE_FILE} (.csv) or plan.xlsx with its ${OUTCOMES_SHEET} sheet (.xlsx)`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const words = isBadPath(error) ? pathErrorText(error, path) : null;
    if (words !== null) throw new UsageError(`--outcomes: the file ${words}`, { cause: error });
    throw error;
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // A spreadsheet program set to Russian saves CSV with semicolons: the header tells.
  const first = body.slice(0, body.search(/\r?\n|$/));
  const delimiter = first.includes(';') && !first.includes(',') ? ';' : ',';
  const rows = parseCsvLines(body, delimiter);
  const headerRow = rows[0];
  if (headerRow === undefined) throw new ConfigError(`${path}: the file is empty, expected the header of ${OUTCOMES_TEMPLATE_FILE}`);
  const header = headerKeys(path, headerRow.fields);
  const records: FilledRecord[] = [];
  for (const { fields, line } of rows.slice(1)) {
    if (fields.length === 1 && fields[0] === '') continue;
    const values = Object.fromEntries(header.map((key, j) => [key, (fields[j] ?? '').trim()]));
    records.push({ line, values, ...(fields.length === header.length ? {} : { fieldCount: fields.length }) });
  }
  return { header, records, fields: header.length };
}

/** The template column keys of a header (English or Russian labels, or the keys); a header without inn or plan_id is not a template. */
function headerKeys(path: string, header: readonly string[]): string[] {
  const keys = header.map((h) => columnKeyOf(h, OUTCOME_TEMPLATE_COLUMNS) ?? h.trim());
  const missing = ['plan_id', 'inn', 'inspection_id'].filter((k) => !keys.includes(k));
  if (missing.length > 0) throw new ConfigError(`${path}: line 1: column ${missing.join(', ')} missing; is this a filled ${OUTCOMES_TEMPLATE_FILE}?`);
  return keys;
}

/** A cell as the text a CSV cell would hold: dates as YYYY-MM-DD, numbers as written, formulas by their result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
  if ('text' in value) return String(value.text);
  return '';
}

/** The Outcomes sheet of a filled plan.xlsx (its English or Russian name). */
async function readFilledSheet(path: string): Promise<{ header: string[]; records: FilledRecord[]; fields: number }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (error) {
    const words = isBadPath(error) ? pathErrorText(error, path) : null;
    if (words !== null) throw new UsageError(`--outcomes: the file ${words}`, { cause: error });
    throw new ConfigError(`${path}: cannot be read as an XLSX workbook: ${(error as Error).message}`, { cause: error });
  }
  const names = [OUTCOMES_SHEET, sheetName(OUTCOMES_SHEET, 'ru')];
  const sheet = workbook.worksheets.find((s) => names.includes(s.name));
  if (sheet === undefined) {
    throw new ConfigError(`${path}: no sheet named ${names.join(' or ')}; the workbook has ${workbook.worksheets.map((s) => s.name).join(', ')}`);
  }
  const width = sheet.getRow(1).cellCount;
  const header = headerKeys(`${path} (sheet ${sheet.name})`, Array.from({ length: width }, (_, j) => cellText(sheet.getRow(1).getCell(j + 1).value)));
  const records: FilledRecord[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const values = Object.fromEntries(header.map((key, j) => [key, codeOf(key, cellText(row.getCell(j + 1).value).trim())]));
    if (Object.values(values).every((v) => v === '')) continue;
    records.push({ line: r, values });
  }
  return { header, records, fields: header.length };
}

/** The outcomes contract columns the copy carries, in contract order. */
const COPIED = EXTRACTS.outcomes.columns.map((c) => c.name).filter((name) => OUTCOME_TEMPLATE_COLUMNS.some((c) => c.key === name) || name === 'plan_id');

/**
 * Checks a filled template against its plan and writes the copy for the
 * ordinary ingest. An empty propensity or selection takes the plan's
 * (the template carries them; a planner who cleared them changed nothing).
 */
export async function prepareFilledTemplate(path: string, plan: PlanForOutcomes, copyPath: string): Promise<FilledTemplate> {
  const { records, fields } = await readFilled(path);
  const refused: StructuralIssue[] = [];
  const open: OpenRow[] = [];
  const lines: string[] = [COPIED.map(csvField).join(',')];
  const place = (line: number, text: string): void => {
    while (lines.length < line - 1) lines.push('');
    lines.push(text);
  };
  for (const record of records) {
    const v = record.values;
    if (OUTCOME_RESULT_KEYS.every((k) => (v[k] ?? '') === '')) {
      open.push({ line: record.line, inspectionId: v['inspection_id'] ?? '', inn: v['inn'] ?? '', kind: v['kind'] ?? '' });
      continue;
    }
    const refuse = (column: string | null, code: StructuralIssue['code'], message: string): void => {
      refused.push({ line: record.line, column, value: column === null ? '' : (v[column] ?? ''), code, message });
    };
    const planned = v['kind'] === 'referral' ? plan.referrals.get(v['inn'] ?? '') : v['kind'] === 'inspection' ? plan.inspections.get(v['inn'] ?? '') : (plan.inspections.get(v['inn'] ?? '') ?? plan.referrals.get(v['inn'] ?? ''));
    if (record.fieldCount !== undefined) {
      refuse(null, 'RAGGED_ROW', `the record has ${record.fieldCount} fields, the header ${fields}`);
    } else if ((v['plan_id'] ?? '') !== plan.planId) {
      refuse('plan_id', 'NOT_IN_PLAN', `the plan in ${basename(path)}'s --plan folder is ${plan.planId}, this row names ${JSON.stringify(v['plan_id'] ?? '')}`);
    } else if (planned === undefined) {
      refuse('inn', 'NOT_IN_PLAN', `plan ${plan.planId} did not ${v['kind'] === 'referral' ? 'refer' : v['kind'] === 'inspection' ? 'select' : 'select or refer'} this participant: a result on a row that was not planned`);
    } else if ((v['propensity'] ?? '') !== '' && !(Math.abs(Number(v['propensity']) - planned.propensity) <= 1e-9)) {
      refuse('propensity', 'PROPENSITY_MISMATCH', `plan ${plan.planId} gave this participant the inclusion probability ${planned.propensity}, the row says ${v['propensity'] ?? ''}`);
    }
    const filled: Record<string, string> = {
      ...v,
      propensity: (v['propensity'] ?? '') === '' && planned !== undefined ? String(planned.propensity) : (v['propensity'] ?? ''),
      selection: (v['selection'] ?? '') === '' && planned !== undefined ? planned.selection : (v['selection'] ?? ''),
    };
    const cells = COPIED.map((name) => filled[name] ?? '');
    const broken = COPIED.find((_, j) => /[\r\n]/.test(cells[j] as string));
    if (broken !== undefined) {
      refuse(broken, 'BAD_VALUE', 'a line break inside the value');
      place(record.line, COPIED.map(() => '').join(','));
      continue;
    }
    place(record.line, cells.map(csvField).join(','));
  }
  await writeFile(copyPath, `${lines.join('\n')}\n`);
  return { copy: copyPath, refused, open };
}
