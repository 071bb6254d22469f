import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ingest } from '../../src/app/ingest.js';
import { runPlan } from '../../src/app/plan.js';
import { runScore } from '../../src/app/score.js';
import { participantExamples } from '../../src/models/risk/examples.js';
import { trainParticipantModel } from '../../src/models/risk/train.js';
import { defaultTrainConfig } from '../models/train-config.js';
import { loadRiskProfile } from '../../src/rules/index.js';
import { readTruth } from '../../src/models/evaluation/truth.js';
import { scoreConfig } from '../score/helpers.js';
import { csvRecordsOf } from '../../src/io/csv-read.js';
import { openDuckDb } from '../../src/io/db.js';
import { OUTCOME_TEMPLATE_COLUMNS } from '../../src/plan/outcomes-template.js';
import { referralFollowUp } from '../../src/report/report-data.js';
import { extractCsv } from '../util/fixtures.js';
import type { PlanSummary } from '../../src/run-folder/plan-summary.js';
import { fixedClock } from '../../src/util/clock.js';
import { UsageError } from '../../src/util/errors.js';
import { memoryLogger } from '../../src/util/logger.js';
import { tempDir } from '../util/fixtures.js';
import { buildWorld } from '../scenario/worlds.js';
import { planConfig } from './helpers.js';

const clock = fixedClock('2026-11-26');
let worldStore: string;
let worldData: string;
/** A plan folder for 2026-06 with the default settings and a Russian workbook. */
let planDir: string;
let summary: PlanSummary;

beforeAll(async () => {
  ({ store: worldStore, data: worldData } = await buildWorld('plan'));
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
    const stranger = `outcomes-template,${summary.plan_id},${summary.plan_id}/7707083893,7707083893,X,10702030,risk,1,customs_inspection,desk,2023-07-01,2026-06-30,2026-07-06,2026-09-30,0,,,,,,,\n`.replace(/^outcomes-template/, 'inspection');
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
    // A changed result: rejected without a correction number, stored with one (the first report stays).
    await writeFile(filled, await filledCsv((row, i) => (i === 0 ? result(row, { violation: '1', additional_charges_rub: '12.00' }) : row)));
    const unnumbered = await run(store, filled, rejects);
    expect(unnumbered.result.rejects.map((r) => `${r.line} ${r.code}`)).toEqual(['2 DUPLICATE_KEY']);
    await writeFile(filled, await filledCsv((row, i) => (i === 0 ? result(row, { violation: '1', additional_charges_rub: '12.00', correction_no: '1' }) : row)));
    expect((await run(store, filled, rejects)).result.files[0]).toMatchObject({ recordsRead: 1, inserted: 1, rejected: 0 });
  });

  it('reads a filled template saved with semicolons, as a spreadsheet program set to Russian writes it', async () => {
    const store = await storeCopy();
    const rows = (await read('outcomes-template.csv')).map((r, i) => (i === 0 ? result(r, { violation: '1', additional_charges_rub: '5000.00' }) : r));
    const keys = OUTCOME_TEMPLATE_COLUMNS.map((c) => c.key);
    const cell = (v: string): string => (/[";\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const filled = join(await tempDir(), 'filled.csv');
    await writeFile(filled, `\uFEFF${[keys.join(';'), ...rows.map((r) => keys.map((k) => cell(r[k] ?? '')).join(';'))].join('\r\n')}\r\n`);
    const ran = await run(store, filled, join(dirname(filled), 'rejects.csv'));
    expect(ran.result.files[0]).toMatchObject({ recordsRead: 1, accepted: 1, rejected: 0, inserted: 1 });
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

  it('lists referrals the tax authority has not answered for more than 90 days, from its answers extract', async () => {
    const store = await storeCopy();
    const referrals = await read('referrals.csv');
    const answered = referrals[0] as Row;
    const answers = join(await tempDir(), 'tax_answers.csv');
    await writeFile(
      answers,
      extractCsv('tax_answers', [
        { referral_id: answered['referral_id'] ?? '', inn: answered['inn'] ?? '', decision_date: '2026-08-15', result: 'violation', vat_charged_rub: '420000.00' },
        // Decided after the as-of date of the follow-up below: not an answer yet then.
        { referral_id: referrals[1]?.['referral_id'] ?? '', inn: referrals[1]?.['inn'] ?? '', decision_date: '2026-11-20', result: 'no_violation', vat_charged_rub: '' },
      ]),
    );
    const october = join(dirname(planDir), '2026-10');
    // The answers the generator wrote to its older rules' referrals are in the store already.
    const beforeDb = await openDuckDb(store, { readOnly: true });
    const before = await referralFollowUp(beforeDb, october, dirname(planDir), '2026-10', '2026-10-31', 90);
    beforeDb.close();
    expect(before.answers.referrals).toBeGreaterThan(0);
    const ingested = await ingest({ store, 'tax-answers': [answers], rejects: join(dirname(answers), 'rejects.csv') }, false, clock, memoryLogger());
    expect(ingested.result.files[0]).toMatchObject({ extract: 'tax_answers', accepted: 2, rejected: 0 });
    const db = await openDuckDb(store, { readOnly: true });
    onTestFinished(() => db.close());
    // The plan was made as of 2026-06-30; on 2026-10-31 its referrals are 123 days old.
    // Seen from the report of 2026-10, whose run folder sits beside the plan's.
    const followUp = await referralFollowUp(db, october, dirname(planDir), '2026-10', '2026-10-31', 90);
    expect(followUp).toMatchObject({ sent: referrals.length, answered: 1, overdueDays: 90 });
    // The summary of every answer gains the one decided by then, not the later one.
    expect(followUp.answers).toEqual({
      ...before.answers,
      referrals: before.answers.referrals + 1,
      violation: before.answers.violation + 1,
      vatChargedRub: Number((before.answers.vatChargedRub + 420_000).toFixed(2)),
    });
    expect(followUp.overdue.map((o) => o.referralId).sort()).toEqual(referrals.slice(1).map((r) => r['referral_id']).sort());
    expect(followUp.overdue[0]).toMatchObject({ planPeriod: '2026-06', sentOn: '2026-06-30', ageDays: 123 });
    // On the plan's own as-of date nothing is overdue yet.
    expect((await referralFollowUp(db, planDir, dirname(planDir), '2026-06', '2026-06-30', 90)).overdue).toEqual([]);
  });
});

describe('the cycle: plan, results and the tax authority back in, the next month scored, the examples for retraining', () => {
  it('brings the inspectors\' results, the answers and a signal into the next month\'s features and reasons, and into a retrained model', async () => {
    const store = await storeCopy();
    const scratch = await tempDir();
    const plan = await read('plan.csv');
    const referrals = await read('referrals.csv');
    // The generator's ground truth plays the inspectors: a planted scheme up to June is found, with its charges.
    const charges = new Map<string, number>();
    const schemeOf = new Map<string, string>();
    for (const t of await readTruth(join(worldData, 'truth.csv'))) {
      if (t.kind !== 'scheme' || t.period > '2026-06') continue;
      charges.set(t.inn, (charges.get(t.inn) ?? 0) + t.chargesRub);
      schemeOf.set(t.inn, t.scheme);
    }
    const CATEGORY: Record<string, string> = { undervaluation: 'valuation', shell_importer: 'valuation', misclassification: 'classification', origin_manipulation: 'origin', vat_deduction_inflation: 'vat_deductions' };
    const filled = join(scratch, 'filled.csv');
    await writeFile(
      filled,
      await filledCsv((row) => {
        if (row['kind'] !== 'inspection') return row;
        const found = charges.get(row['inn'] ?? '');
        return result(row, {
          completed_date: '2026-07-25',
          violation: found === undefined ? '0' : '1',
          violation_category: found === undefined ? '' : (CATEGORY[schemeOf.get(row['inn'] ?? '') ?? ''] ?? 'other'),
          additional_charges_rub: found === undefined ? '' : found.toFixed(2),
        });
      }),
    );
    const back = await run(store, filled, join(scratch, 'rejects.csv'));
    expect(back.result.files[0]).toMatchObject({ recordsRead: plan.length, accepted: plan.length, rejected: 0 });
    expect(back.text).toContain(`${referrals.length} planned rows have no result yet`);
    const violator = plan.find((p) => charges.has(p['inn'] ?? ''))?.['inn'] as string;
    const clean = plan.find((p) => !charges.has(p['inn'] ?? ''))?.['inn'] as string;
    expect(violator).toBeDefined();

    // The tax authority answers every referral, and sends a signal about a participant it was not asked about.
    const answers = join(scratch, 'tax_answers.csv');
    await writeFile(answers, extractCsv('tax_answers', referrals.map((r) => ({ referral_id: r['referral_id'] ?? '', inn: r['inn'] ?? '', decision_date: '2026-07-28', result: charges.has(r['inn'] ?? '') ? 'violation' : 'no_violation', vat_charged_rub: '' }))));
    const signals = join(scratch, 'tax_signals.csv');
    await writeFile(signals, extractCsv('tax_signals', [{ signal_id: 'FNS-CYCLE-1', inn: clean, signal_type: 'missing_trader', signal_date: '2026-07-10', amount_rub: '2500000.00' }]));
    // July's customs delivery: June's first versions again, a month later, under new declaration numbers.
    const june = csvRecordsOf(await readFile(join(worldData, 'declarations.csv'), 'utf8'), 'declarations.csv', []);
    const julyRows = june.records
      .map((r) => r.values)
      .filter((v) => (v['release_date'] ?? '').startsWith('2026-06') && v['version'] === '1')
      .map((v): Record<string, string> => ({ ...v, decl_id: `${v['decl_id'] ?? ''}-07`, release_date: `2026-07${(v['release_date'] ?? '').slice(7)}`, version_date: `2026-07${(v['release_date'] ?? '').slice(7)}` }));
    const cell = (x: string): string => (/[",\n]/.test(x) ? `"${x.replaceAll('"', '""')}"` : x);
    const julyFile = join(scratch, 'declarations-2026-07.csv');
    await writeFile(julyFile, `${[june.header.join(','), ...julyRows.map((v) => june.header.map((h) => cell(v[h] ?? '')).join(','))].join('\n')}\n`);
    const more = await ingest(
      { store, declarations: [julyFile], 'tax-answers': [answers], 'tax-signals': [signals], rejects: join(scratch, 'rejects2.csv') },
      false,
      clock,
      memoryLogger(),
    );
    expect(more.result.files.map((f) => [f.extract, f.accepted, f.rejected])).toEqual([
      ['declarations', julyRows.length, 0],
      ['tax_signals', 1, 0],
      ['tax_answers', referrals.length, 0],
    ]);

    // July scored: the inspections completed in July and the signal sent in July are known as of 2026-07-31.
    const july = join(scratch, '2026-07');
    await runScore(scoreConfig(store, '2026-07', july), clock, memoryLogger());
    const reasons = await csvRecordsOf(await readFile(join(july, 'reasons.csv'), 'utf8'), 'reasons.csv', []).records.map((r) => r.values);
    const of = (inn: string, id: string): Row | undefined => reasons.find((r) => r['inn'] === inn && r['indicator_id'] === id);
    expect(of(violator, 'past_violations')?.['reason']).toContain('Violations found by post-clearance inspections completed before this month: 1');
    expect(of(clean, 'past_violations')).toBeUndefined();
    expect(of(clean, 'tax_authority_signal')?.['reason']).toBe('Signals from the tax authority about it within the control period: 1, the latest 1 month ago, naming 2.5M RUB');
    const ranked = await csvRecordsOf(await readFile(join(july, 'ranked.csv'), 'utf8'), 'ranked.csv', []).records.map((r) => r.values);
    expect(ranked.find((r) => r['inn'] === clean)?.['tax_signal_count']).toBe('1');

    // The June score, as of 2026-06-30, saw none of it.
    const juneRun = join(scratch, '2026-06');
    await runScore(scoreConfig(store, '2026-06', juneRun), clock, memoryLogger());
    const juneReasons = await csvRecordsOf(await readFile(join(juneRun, 'reasons.csv'), 'utf8'), 'reasons.csv', []).records.map((r) => r.values);
    expect(juneReasons.find((r) => r['inn'] === clean && r['indicator_id'] === 'tax_authority_signal')).toBeUndefined();

    // Retraining sees the plan's results as labelled examples of June, with the plan's inclusion probabilities.
    const db = await openDuckDb(store, { readOnly: true });
    onTestFinished(() => db.close());
    const examples = (await participantExamples(db, { from: '2026-06', to: '2026-06' })).filter((e) => e.exampleId.startsWith(`${summary.plan_id}/`));
    expect(examples).toHaveLength(plan.length);
    for (const p of plan) {
      const e = examples.find((x) => x.inn === p['inn']);
      expect(e).toMatchObject({ asOf: '2026-06-30', label: charges.has(p['inn'] ?? '') ? 1 : 0, selection: p['selection'], propensity: Number(p['propensity']), knownDate: '2026-07-25' });
    }
    // A participant model retrains on the window with them (refitted on every label, the plan's included).
    const trained = await trainParticipantModel(db, defaultTrainConfig({ from: '2025-04', to: '2026-06' }, await loadRiskProfile(null)), memoryLogger());
    expect(trained.artifact.labelCount.examples).toBeGreaterThanOrEqual(plan.length);
  });
});

