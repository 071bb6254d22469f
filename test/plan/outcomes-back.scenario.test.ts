import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ingest } from '../../src/app/ingest.js';
import { runPlan } from '../../src/app/plan.js';
import { csvRecordsOf } from '../../src/io/csv-read.js';
import { openDuckDb } from '../../src/io/db.js';
import { OUTCOME_TEMPLATE_COLUMNS } from '../../src/plan/outcomes-template.js';
import type { PlanSummary } from '../../src/run-folder/plan-summary.js';
import { fixedClock } from '../../src/util/clock.js';
import { UsageError } from '../../src/util/errors.js';
import { memoryLogger } from '../../src/util/logger.js';
import { tempDir } from '../util/fixtures.js';
import { buildWorld } from '../scenario/worlds.js';
import { planConfig } from './helpers.js';

const clock = fixedClock('2026-11-26');
let worldStore: string;
/** A plan folder for 2026-06 with the default settings and a Russian workbook. */
let planDir: string;
let summary: PlanSummary;

beforeAll(async () => {
  ({ store: worldStore } = await buildWorld('plan'));
  planDir = join(await mkdtemp(join(tmpdir(), 'ccrg-outcomes-')), '2026-06');
  const config = planConfig(worldStore, '2026-06', planDir);
  await runPlan({ ...config, score: { ...config.score, lang: 'ru' } }, clock, memoryLogger());
  summary = JSON.parse(await readFile(join(planDir, 'plan-summary.json'), 'utf8')) as PlanSummary;
}, 180_000);
afterAll(() => rm(dirname(planDir), { recursive: true, force: true }));

type Row = Record<string, string>;
const read = async (name: string): Promise<Row[]> => csvRecordsOf(await readFile(join(planDir, name), 'utf8'), name, []).records.map((r) => r.values);

/** A writable copy of the world's store. */
async function storeCopy(): Promise<string> {
  const path = join(await tempDir(), 'store.duckdb');
  await copyFile(worldStore, path);
  return path;
}

/** The template as CSV text with `fill(row, index)` applied to its rows. */
async function filledCsv(fill: (row: Row, i: number) => Row): Promise<string> {
  const rows = (await read('outcomes-template.csv')).map((r, i) => fill({ ...r }, i));
  const keys = OUTCOME_TEMPLATE_COLUMNS.map((c) => c.key);
  const cell = (v: string): string => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `${[keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k] ?? '')).join(','))].join('\n')}\n`;
}

const result = (row: Row, values: Row): Row => ({ ...row, started_date: '2026-07-06', completed_date: '2026-09-30', violation: '0', ...values });

async function run(store: string, outcomes: string, rejects: string): Promise<Awaited<ReturnType<typeof ingest>>> {
  return ingest({ store, outcomes: [outcomes], plan: planDir, rejects }, false, clock, memoryLogger());
}

describe('outcomes template', () => {
  it('holds one row per planned inspection and per referral, with the plan filled in and the results empty', async () => {
    const plan = await read('plan.csv');
    const referrals = await read('referrals.csv');
    const template = await read('outcomes-template.csv');
    expect(referrals.length).toBeGreaterThan(0);
    expect(template).toHaveLength(plan.length + referrals.length);
    plan.forEach((p, i) => {
      expect(template[i]).toMatchObject({
        kind: 'inspection',
        plan_id: summary.plan_id,
        inspection_id: `${summary.plan_id}/${p['inn']}`,
        inn: p['inn'],
        selection: p['selection'],
        propensity: p['propensity'],
        recommended_form: p['recommended_form'],
        check_type: p['check_type'],
        office: p['office'],
        period_from: '2023-07-01',
        period_to: '2026-06-30',
        started_date: '',
        completed_date: '',
        violation: '',
        additional_charges_rub: '',
      });
    });
    referrals.forEach((r, i) => {
      expect(r['referral_id']).toBe(`${summary.plan_id}/R/${r['inn']}`);
      expect(template[plan.length + i]).toMatchObject({ kind: 'referral', inspection_id: r['referral_id'], inn: r['inn'], selection: 'risk', propensity: '1.000000000000', check_type: 'desk' });
    });
  });

  it('is also the Outcomes sheet of plan.xlsx, in the language of the run', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(planDir, 'plan.xlsx'));
    const sheet = workbook.getWorksheet('Результаты');
    expect(sheet).toBeDefined();
    const template = await read('outcomes-template.csv');
    expect(sheet?.rowCount).toBe(template.length + 1);
    expect(sheet?.getRow(1).getCell(3).value).toBe('Номер проверки');
    expect(sheet?.getRow(2).getCell(3).value).toBe(template[0]?.['inspection_id']);
    expect(sheet?.getRow(2).getCell(1).value).toBe('проверка');
  });
});

describe('ingest --outcomes FILLED --plan', () => {
  it('stores the results, rejects rows the plan does not hold at their lines, and lists the open rows', async () => {
    const store = await storeCopy();
    const plan = await read('plan.csv');
    const referrals = await read('referrals.csv');
    const randomAt = plan.findIndex((p) => p['selection'] === 'random');
    expect(randomAt).toBeGreaterThanOrEqual(0);
    const csv = await filledCsv((row, i) => {
      if (i === 0) return result(row, { violation: '1', violation_category: 'valuation', additional_charges_rub: '150000.00', duty_rub: '50000.00', import_vat_rub: '100000.00' });
      // The propensity left empty: the plan's is taken.
      if (i === randomAt) return result(row, { propensity: '' });
      if (i === 1) return result(row, { plan_id: '2026-05-deadbeef' });
      if (i === 2) return result(row, { propensity: '0.5' });
      if (i === 3) return result(row, { completed_date: '2026-07-01' });
      if (i === plan.length) return result(row, { violation: '1', violation_category: 'vat_deductions', additional_charges_rub: '70000.00' });
      return row;
    });
    // A row the plan never held, with a result.
    const stranger = `outcomes-template,${summary.plan_id},${summary.plan_id}/7707083893,7707083893,X,10702030,risk,1,customs_inspection,desk,2023-07-01,2026-06-30,2026-07-06,2026-09-30,0,,,,,,\n`.replace(/^outcomes-template/, 'inspection');
    const filled = join(await tempDir(), 'filled.csv');
    await writeFile(filled, csv + stranger);
    const rejects = join(dirname(filled), 'rejects.csv');
    const run1 = await run(store, filled, rejects);
    const report = run1.result.files[0];
    const lineOf = (i: number): number => i + 2;
    const strangerLine = plan.length + referrals.length + 2;
    expect(report).toMatchObject({ file: filled, recordsRead: 7, accepted: 3, rejected: 4, inserted: 3, blankLines: 0 });
    expect(report && report.recordsRead).toBe((report?.accepted ?? 0) + (report?.rejected ?? 0));
    const rejected = (await readFile(rejects, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 5).join(','));
    expect(rejected).toEqual([
      `filled.csv,${lineOf(1)},plan_id,2026-05-deadbeef,NOT_IN_PLAN`,
      `filled.csv,${lineOf(2)},propensity,0.5,PROPENSITY_MISMATCH`,
      `filled.csv,${lineOf(3)},completed_date,2026-07-01,DATE_ORDER`,
      `filled.csv,${strangerLine},inn,7707083893,NOT_IN_PLAN`,
    ]);
    // Open: every other planned row, listed with its line.
    const open = plan.length + referrals.length - 6;
    expect(run1.text).toContain(`${open} planned rows have no result yet (open, not rejected)`);
    expect(run1.text).toContain(`line ${lineOf(4)}: ${summary.plan_id}/${plan[4]?.['inn']}`);

    const db = await openDuckDb(store, { readOnly: true });
    onTestFinished(() => db.close());
    const stored = await db.all(
      `SELECT inspection_id, inn, plan_id, selection, propensity, violation, violation_category, additional_charges_rub::DOUBLE AS charges, duty_rub::DOUBLE AS duty
       FROM outcomes WHERE plan_id = '${summary.plan_id}' ORDER BY source_line`,
    );
    expect(stored).toEqual([
      { inspection_id: `${summary.plan_id}/${plan[0]?.['inn']}`, inn: plan[0]?.['inn'], plan_id: summary.plan_id, selection: plan[0]?.['selection'], propensity: Number(plan[0]?.['propensity']), violation: 1, violation_category: 'valuation', charges: 150000, duty: 50000 },
      { inspection_id: `${summary.plan_id}/${plan[randomAt]?.['inn']}`, inn: plan[randomAt]?.['inn'], plan_id: summary.plan_id, selection: 'random', propensity: Number(plan[randomAt]?.['propensity']), violation: 0, violation_category: null, charges: null, duty: null },
      { inspection_id: referrals[0]?.['referral_id'], inn: referrals[0]?.['inn'], plan_id: summary.plan_id, selection: 'risk', propensity: 1, violation: 1, violation_category: 'vat_deductions', charges: 70000, duty: null },
    ]);
    const lineage = await db.all(`SELECT source_path FROM lineage WHERE extract = 'outcomes' ORDER BY ingest_id DESC LIMIT 1`);
    expect(lineage).toEqual([{ source_path: filled }]);
    const lines = await db.all(`SELECT source_line FROM outcomes WHERE plan_id = '${summary.plan_id}' ORDER BY source_line`);
    expect(lines.map((l) => l['source_line'])).toEqual([lineOf(0), lineOf(randomAt), lineOf(plan.length)].sort((a, b) => a - b));
  });

  it('stores nothing new when the same filled file comes again, and only the new results of a file filled further', async () => {
    const store = await storeCopy();
    const filled = join(await tempDir(), 'filled.csv');
    await writeFile(filled, await filledCsv((row, i) => (i === 0 ? result(row, { violation: '1', additional_charges_rub: '10.00' }) : row)));
    const rejects = join(dirname(filled), 'rejects.csv');
    expect((await run(store, filled, rejects)).result.files[0]).toMatchObject({ inserted: 1 });
    expect((await run(store, filled, rejects)).result.files[0]).toMatchObject({ skipped: true, inserted: 0 });
    // Filled further: the new result is stored, the one stored before comes back unchanged.
    await writeFile(filled, await filledCsv((row, i) => (i === 0 ? result(row, { violation: '1', additional_charges_rub: '10.00' }) : i === 1 ? result(row, {}) : row)));
    expect((await run(store, filled, rejects)).result.files[0]).toMatchObject({ recordsRead: 2, inserted: 1, alreadyStored: 1, rejected: 0 });
  });

  it('reads the filled Outcomes sheet of plan.xlsx, headers and codes in Russian', async () => {
    const store = await storeCopy();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(planDir, 'plan.xlsx'));
    const sheet = workbook.getWorksheet('Результаты') as ExcelJS.Worksheet;
    const column = (key: string): number => OUTCOME_TEMPLATE_COLUMNS.findIndex((c) => c.key === key) + 1;
    const row = sheet.getRow(2);
    row.getCell(column('started_date')).value = new Date('2026-07-06T00:00:00Z');
    row.getCell(column('completed_date')).value = new Date('2026-10-15T00:00:00Z');
    row.getCell(column('violation')).value = 1;
    row.getCell(column('violation_category')).value = 'происхождение';
    row.getCell(column('additional_charges_rub')).value = 98765.4;
    const filled = join(await tempDir(), 'filled.xlsx');
    await workbook.xlsx.writeFile(filled);
    const ran = await run(store, filled, join(dirname(filled), 'rejects.csv'));
    expect(ran.result.files[0]).toMatchObject({ file: filled, recordsRead: 1, accepted: 1, rejected: 0, inserted: 1 });
    const db = await openDuckDb(store, { readOnly: true });
    onTestFinished(() => db.close());
    const plan = await read('plan.csv');
    const stored = await db.all(`SELECT inn, selection, check_type, completed_date::VARCHAR AS completed, violation_category, additional_charges_rub::DOUBLE AS charges FROM outcomes WHERE plan_id = '${summary.plan_id}'`);
    expect(stored).toEqual([{ inn: plan[0]?.['inn'], selection: plan[0]?.['selection'], check_type: plan[0]?.['check_type'], completed: '2026-10-15', violation_category: 'origin', charges: 98765.4 }]);
  });

  it('refuses --plan without a filled template, and a folder that holds no plan', async () => {
    const store = await storeCopy();
    await expect(ingest({ store, plan: planDir }, false, clock, memoryLogger())).rejects.toThrow(UsageError);
    const filled = join(await tempDir(), 'filled.csv');
    await writeFile(filled, await filledCsv((row) => row));
    await expect(ingest({ store, outcomes: [filled], plan: dirname(filled) }, false, clock, memoryLogger())).rejects.toThrow(/no plan there/);
  });
});
