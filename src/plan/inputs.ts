/**
 * What `ccrg plan` reads besides the score run (src/run-folder): the
 * register, inspections and declaration items from the store (as of the
 * period's last day), and the planner's exclusion and quota files.
 */
import { existsSync } from 'node:fs';
import { inspectableUntilSql } from '../features/item-signals.js';
import { readCsvRecords } from '../io/csv-read.js';
import type { Db, Row } from '../io/db.js';
import { quoteLiteralList, sqlDate } from '../io/sql.js';
import { asOfSql } from '../store/as-of.js';
import { InputFileError } from '../util/errors.js';

/** A participant's inspectable declaration items as of the period. */
export interface ItemCover {
  /** Items with `inspectable_until` on or after the as-of date. */
  inspectable: number;
  /** The earliest `inspectable_until` among them: plan the inspection before it. */
  earliest: string | null;
}

/** A participant's register entry as of the period. */
export interface RegisterEntry {
  status: string | null;
  liquidationDate: string | null;
  aeo: boolean;
}

/** An inspection as of the period (open ones have no completion, violation or charges). */
export interface InspectionRow {
  inspectionId: string;
  checkType: string;
  startedDate: string;
  completedDate: string | null;
  violation: number | null;
  chargesRub: number | null;
  selection: string;
  planId: string | null;
}

/** What eligibility and dossiers need from the store. */
export interface StoreFacts {
  items: Map<string, ItemCover>;
  register: Map<string, RegisterEntry>;
  /** Every inspection started by the as-of date, by INN, latest first. */
  inspections: Map<string, InspectionRow[]>;
  /** The as-of date less the recent-inspection window: completions after it are recent. */
  recentCutoff: string;
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const INN_CHUNK = 5000;

/** Runs a query per chunk of INNs (`{inns}` is replaced by a quoted list). */
async function perChunk(db: Db, inns: readonly string[], sql: (list: string) => string): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < inns.length; i += INN_CHUNK) out.push(...(await db.all(sql(quoteLiteralList(inns.slice(i, i + INN_CHUNK))))));
  return out;
}

/**
 * Reads, as of `asOf` (the store's as-of rule, src/store/as-of.ts), every
 * scored participant's inspectable items (all items released by then, not
 * only those of the feature window), register entry and inspections.
 */
export async function readStoreFacts(
  db: Db,
  inns: readonly string[],
  params: { asOf: string; controlYears: number; leadMonths: number; recentMonths: number },
): Promise<StoreFacts> {
  const d = `${sqlDate(params.asOf)}`;
  const until = inspectableUntilSql('release_date', params);
  const wanted = new Set(inns);
  // One pass over each extract (not one per chunk of INNs): a large store is scanned once.
  const items = new Map<string, ItemCover>();
  const itemRows = await db.all(`SELECT inn, count(*) AS n, strftime(min(until), '%Y-%m-%d') AS earliest FROM (
      SELECT importer_inn AS inn, ${until} AS until FROM (${asOfSql('declarations', params.asOf)})
    ) WHERE until >= ${d} GROUP BY inn`);
  for (const r of itemRows) {
    const inn = String(r['inn']);
    if (wanted.has(inn)) items.set(inn, { inspectable: Number(r['n']), earliest: text(r['earliest']) });
  }
  const register = new Map<string, RegisterEntry>();
  const regRows = await db.all(`SELECT inn, status, strftime(liquidation_date, '%Y-%m-%d') AS liquidation_date, coalesce(aeo, false) AS aeo
    FROM (${asOfSql('participants', params.asOf)})`);
  for (const r of regRows) {
    const inn = String(r['inn']);
    if (wanted.has(inn)) register.set(inn, { status: text(r['status']), liquidationDate: text(r['liquidation_date']), aeo: r['aeo'] === true });
  }
  const inspections = new Map<string, InspectionRow[]>();
  const outRows = await db.all(`SELECT inspection_id, inn, check_type, strftime(started_date, '%Y-%m-%d') AS started, strftime(completed_date, '%Y-%m-%d') AS completed,
      violation, CAST(additional_charges_rub AS DOUBLE) AS charges, selection, plan_id
    FROM (${asOfSql('outcomes', params.asOf)})
    ORDER BY inn, started_date DESC, inspection_id`);
  for (const r of outRows) {
    const inn = String(r['inn']);
    if (!wanted.has(inn)) continue;
    const list = inspections.get(inn) ?? [];
    list.push({
      inspectionId: String(r['inspection_id']),
      checkType: String(r['check_type'] ?? ''),
      startedDate: String(r['started']),
      completedDate: text(r['completed']),
      violation: r['violation'] === null || r['violation'] === undefined ? null : Number(r['violation']),
      chargesRub: r['charges'] === null || r['charges'] === undefined ? null : Number(r['charges']),
      selection: String(r['selection'] ?? ''),
      planId: text(r['plan_id']),
    });
    inspections.set(inn, list);
  }
  const cutoff = await db.all(`SELECT strftime(CAST(${d} - INTERVAL ${Math.max(0, Math.floor(params.recentMonths))} MONTH AS DATE), '%Y-%m-%d') AS cutoff`);
  return { items, register, inspections, recentCutoff: String(cutoff[0]?.['cutoff']) };
}

/** Inspectable items of participants not in evidence.csv, for their dossiers: largest customs value first. */
export async function inspectableItems(
  db: Db,
  inns: readonly string[],
  params: { asOf: string; controlYears: number; leadMonths: number },
  perParticipant: number,
): Promise<Map<string, Record<string, string>[]>> {
  const out = new Map<string, Record<string, string>[]>();
  if (inns.length === 0) return out;
  const until = inspectableUntilSql('release_date', params);
  const rows = await perChunk(
    db,
    inns,
    (list) => `SELECT importer_inn AS inn, decl_id, item_no, version, strftime(release_date, '%Y-%m-%d') AS release_date,
        strftime(${until}, '%Y-%m-%d') AS inspectable_until, hs_code, origin_country, customs_office,
        CAST(customs_value_rub AS VARCHAR) AS customs_value_rub, CAST(duty_rub AS VARCHAR) AS duty_rub, CAST(import_vat_rub AS VARCHAR) AS import_vat_rub
      FROM (${asOfSql('declarations', params.asOf, `importer_inn IN (${list})`)})
      WHERE ${until} >= ${sqlDate(params.asOf)}
      QUALIFY row_number() OVER (PARTITION BY importer_inn ORDER BY customs_value_rub DESC, decl_id, item_no) <= ${perParticipant}
      ORDER BY inn, customs_value_rub DESC, decl_id, item_no`,
  );
  for (const r of rows) {
    const inn = String(r['inn']);
    const row = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
    out.set(inn, [...(out.get(inn) ?? []), row]);
  }
  return out;
}

/** The planner's exclusion list: INN → reason. */
export async function readExclusionList(path: string): Promise<Map<string, string>> {
  const { rows } = await readPlannerCsv(path, ['inn', 'reason']);
  const out = new Map<string, string>();
  rows.forEach((r, i) => {
    const inn = (r['inn'] ?? '').trim();
    const reason = (r['reason'] ?? '').trim();
    if (inn === '') throw new InputFileError(path, `line ${i + 2}: empty inn`);
    if (reason === '') throw new InputFileError(path, `line ${i + 2}: inn ${inn} has no reason: every exclusion needs one`);
    out.set(inn, reason);
  });
  return out;
}

/** One quota line: a group's capacity, total or by check type. */
export interface QuotaLine {
  quota: string;
  capacity: number | null;
  desk: number | null;
  field: number | null;
}

/** The quotas file: `quota,capacity` or `quota,desk,field` (docs/plan.md#capacity-and-quotas). */
export async function readQuotas(path: string): Promise<QuotaLine[]> {
  const { header, rows } = await readPlannerCsv(path, ['quota']);
  const byType = header.includes('desk') && header.includes('field');
  if (!byType && !header.includes('capacity')) throw new InputFileError(path, 'needs the columns quota and capacity, or quota, desk and field');
  const seen = new Set<string>();
  return rows.map((r, i) => {
    const line = i + 2;
    const quota = (r['quota'] ?? '').trim();
    if (quota === '') throw new InputFileError(path, `line ${line}: empty quota`);
    if (quota === 'national') throw new InputFileError(path, `line ${line}: "national" is the national pool, not a quota: give its capacity with --capacity`);
    if (seen.has(quota)) throw new InputFileError(path, `line ${line}: quota ${quota} appears twice`);
    seen.add(quota);
    const whole = (column: string): number => {
      const v = (r[column] ?? '').trim();
      const n = Number(v);
      if (v === '' || !Number.isInteger(n) || n < 0) throw new InputFileError(path, `line ${line}: ${column} must be a whole number >= 0, got "${v}"`);
      return n;
    };
    return byType ? { quota, capacity: null, desk: whole('desk'), field: whole('field') } : { quota, capacity: whole('capacity'), desk: null, field: null };
  });
}

async function readPlannerCsv(path: string, required: readonly string[]): Promise<{ header: string[]; rows: Record<string, string>[] }> {
  if (!existsSync(path)) throw new InputFileError(path, 'cannot read: the file does not exist');
  const { header, records } = await readCsvRecords(path, [], 'a planner file');
  for (const column of required) if (!header.includes(column)) throw new InputFileError(path, `has no column "${column}" (header: ${header.join(',')})`);
  return { header, rows: records.map((r) => r.values) };
}
