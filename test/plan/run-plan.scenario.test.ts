import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvRecordsOf, parseCsvText } from '../../src/io/csv-read.js';
import { PLAN_COLUMNS } from '../../src/plan/outputs.js';
import { replacePlanFiles, runPlan } from '../../src/app/plan.js';
import { PLAN_FILES } from '../../src/plan/build-plan.js';
import type { PlanSummary } from '../../src/run-folder/plan-summary.js';
import { fixedClock } from '../../src/util/clock.js';
import { UsageError } from '../../src/util/errors.js';
import { memoryLogger } from '../../src/util/logger.js';
import { weightsFromPropensities } from '../../src/models/stats/metrics.js';
import { participantExamples } from '../../src/models/risk/examples.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore, tempDir } from '../util/fixtures.js';
import { HOSTILE_NAMES, buildWorld } from '../scenario/worlds.js';
import { planConfig } from './helpers.js';
import { runCli } from '../util/cli.js';

const clock = fixedClock('2026-11-26');
let store: string;
/** A folder holding the period's score run and a plan with the default settings. */
let base: string;

beforeAll(async () => {
  ({ store } = await buildWorld('plan'));
  base = join(await mkdtemp(join(tmpdir(), 'ccrg-plan-')), '2026-06');
  await runPlan(planConfig(store, '2026-06', base), clock, memoryLogger());
}, 180_000);
afterAll(() => rm(dirname(base), { recursive: true, force: true }));

async function files(dir: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const name of await readdir(dir, { recursive: true })) {
    const path = join(dir, name);
    if (existsSync(path) && !(await readdir(path).then(() => true).catch(() => false))) out[name] = await readFile(path);
  }
  return out;
}

async function copyRun(): Promise<string> {
  const dir = join(await tempDir(), '2026-06');
  await cp(base, dir, { recursive: true });
  return dir;
}

const read = async (dir: string, name: string): Promise<Record<string, string>[]> => csvRecordsOf(await readFile(join(dir, name), 'utf8'), name, []).records.map((r) => r.values);
const FORMULA = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

describe('runPlan', () => {
  it('scores the period when its run is absent and writes the plan set beside the score files', async () => {
    const names = await readdir(base);
    expect(names.sort()).toEqual(['dossiers', 'eligible.csv', 'evidence.csv', 'excluded.csv', 'manifest.json', 'outcomes-template.csv', 'plan-summary.json', 'plan.csv', 'plan.xlsx', 'ranked.csv', 'reasons.csv', 'referrals.csv', 'trace-evidence.csv']);
    const plan = await read(base, 'plan.csv');
    const summary = JSON.parse(await readFile(join(base, 'plan-summary.json'), 'utf8')) as PlanSummary;
    expect(plan).toHaveLength(summary.totals.selected);
    expect(summary.totals.selected).toBeLessThanOrEqual(30);
    expect(summary.totals.random).toBe(3);
    expect(summary.capacity).toEqual({ mode: 'total', total: 30, desk: null, field: null, quota_by: null, reallocate: false });
    expect(summary.quotas.map((q) => q.quota)).toEqual(['national']);
    expect(plan.every((r) => r['plan_id'] === summary.plan_id)).toBe(true);
    expect(new Set(plan.map((r) => r['recommended_form']))).not.toContain('refer_to_tax');
    // Risk picks carry propensity 1; random picks the m/N of their frame, as in eligible.csv.
    const eligible = new Map((await read(base, 'eligible.csv')).map((r) => [r['inn'], r]));
    for (const r of plan) {
      const e = eligible.get(r['inn']);
      expect(e?.['selection']).toBe(r['selection']);
      expect(e?.['inclusion_probability']).toBe(r['propensity']);
      if (r['selection'] === 'risk') expect(r['propensity']).toBe('1.000000000000');
      else expect(Number(r['propensity'])).toBeCloseTo(3 / Number(e?.['frame_size']), 12);
      expect(r['earliest_inspectable_until']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r['earliest_inspectable_until'] as string >= '2026-06-30').toBe(true);
    }
    // Referrals take no capacity and are not planned.
    const referrals = await read(base, 'referrals.csv');
    const planned = new Set(plan.map((r) => r['inn']));
    expect(referrals.every((r) => r['recommended_form'] === 'refer_to_tax' && !planned.has(r['inn']))).toBe(true);
    expect(summary.totals.referrals).toBe(referrals.length);
    expect((await readdir(join(base, 'dossiers'))).length).toBe(plan.length);
    expect(summary.outputs['plan.csv']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same bytes for the same seed, and other random picks for another seed', async () => {
    const again = await copyRun();
    await runPlan(planConfig(store, '2026-06', again), clock, memoryLogger());
    const [a, b] = [await files(base), await files(again)];
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const name of Object.keys(a)) expect(b[name]?.equals(a[name] as Buffer), name).toBe(true);

    const other = await copyRun();
    await runPlan(planConfig(store, '2026-06', other, { seed: 7 }), clock, memoryLogger());
    const random = async (dir: string): Promise<string[]> => (await read(dir, 'plan.csv')).filter((r) => r['selection'] === 'random').map((r) => r['inn'] as string);
    expect(await random(other)).not.toEqual(await random(base));
  });

  it('writes the workbook in the language of the run: Russian sheet names, headers and form names, codes kept in the CSV', async () => {
    const dir = join(await tempDir(), '2026-06');
    const config = planConfig(store, '2026-06', dir);
    await runPlan({ ...config, score: { ...config.score, lang: 'ru' } }, clock, memoryLogger());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(dir, 'plan.xlsx'));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['План', 'Передача в ФНС', 'Исключены', 'Результаты', 'Параметры', 'Манифест']);
    const sheet = workbook.getWorksheet('План') as ExcelJS.Worksheet;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers).toContain('ИНН');
    expect(headers.every((h) => !/[A-Za-z]{3}/.test(String(h)))).toBe(true);
    const form = PLAN_COLUMNS.findIndex((c) => c.key === 'recommended_form') + 1;
    const forms = new Set(sheet.getColumn(form).values.slice(2).map(String));
    expect([...forms].every((f) => ['таможенная проверка', 'совместное мероприятие с ФНС', 'передача в ФНС'].includes(f))).toBe(true);
    const csvForms = new Set((await read(dir, 'plan.csv')).map((r) => r['recommended_form']));
    expect([...csvForms].every((f) => ['customs_inspection', 'coordinated_measure', 'refer_to_tax'].includes(String(f)))).toBe(true);
  });

  it('writes an XLSX whose Plan sheet reads back as plan.csv', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(base, 'plan.xlsx'));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Plan', 'Referrals', 'Excluded', 'Outcomes', 'Parameters', 'Manifest']);
    expect(workbook.created.toISOString()).toBe('2026-06-30T00:00:00.000Z');
    expect(workbook.modified.toISOString()).toBe('2026-06-30T00:00:00.000Z');
    const sheet = workbook.getWorksheet('Plan') as ExcelJS.Worksheet;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const [header, ...rows] = parseCsvText(await readFile(join(base, 'plan.csv'), 'utf8'));
    expect(header).toEqual(PLAN_COLUMNS.map((c) => c.key));
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(PLAN_COLUMNS.map((c) => c.label));
    expect(sheet.rowCount).toBe(rows.length + 1);
    PLAN_COLUMNS.forEach((c, j) => {
      expect(sheet.getColumn(j + 1).width).toBe(c.width);
      if (c.kind === 'money') expect(sheet.getColumn(j + 1).numFmt).toBe('#,##0.00');
    });
    rows.forEach((row, i) => {
      PLAN_COLUMNS.forEach((c, j) => {
        const value = sheet.getRow(i + 2).getCell(j + 1).value;
        const text = row[j] as string;
        if (text === '') expect(value, `${c.key} row ${i + 2}`).toBeNull();
        else if (value instanceof Date) expect(value.toISOString().slice(0, 10)).toBe(text);
        else if (typeof value === 'number') expect(value).toBe(Number(text));
        else expect(value, `${c.key} row ${i + 2}`).toBe(text);
      });
    });
  });

  it('neutralises formulas in every text cell of the CSV and XLSX files, and escapes dossiers', async () => {
    const plan = await read(base, 'plan.csv');
    const hostile = plan.filter((r) => HOSTILE_NAMES.some((n) => r['name']?.endsWith(n)));
    expect(hostile.length).toBeGreaterThan(0);
    for (const name of ['plan.csv', 'eligible.csv', 'excluded.csv', 'referrals.csv']) {
      for (const fields of parseCsvText(await readFile(join(base, name), 'utf8'))) {
        for (const f of fields) if (FORMULA.test(f)) expect(f, `${name}: ${f}`).toMatch(NUMBER);
      }
    }
    // Names that a spreadsheet would run as formulas are shown quote-prefixed, never raw.
    const formulaNames = HOSTILE_NAMES.filter((n) => /^[=+\-@]/.test(n));
    const shown = plan.map((r) => r['name']);
    expect(formulaNames.filter((n) => shown.includes(`'${n}`)).length).toBeGreaterThan(0);
    for (const n of formulaNames) expect(shown).not.toContain(n);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(base, 'plan.xlsx'));
    let strings = 0;
    for (const sheet of workbook.worksheets) {
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          if (typeof cell.value === 'string') {
            strings++;
            if (FORMULA.test(cell.value)) expect(cell.value).toMatch(NUMBER);
          }
        }),
      );
    }
    expect(strings).toBeGreaterThan(0);

    const script = plan.find((r) => r['name']?.includes('<script>'));
    expect(script).toBeDefined();
    for (const file of await readdir(join(base, 'dossiers'))) {
      const html = await readFile(join(base, 'dossiers', file), 'utf8');
      expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!example\.invalid)/i);
    }
    const html = await readFile(join(base, 'dossiers', `${script?.['inn']}.html`), 'utf8');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
  });

  it('reports planned-list exclusions in excluded.csv with their reason', async () => {
    const dir = await copyRun();
    const plan = await read(base, 'plan.csv');
    const top = plan.filter((r) => r['selection'] === 'risk').slice(0, 2).map((r) => r['inn'] as string);
    const list = join(dir, '..', 'exclude.csv');
    await writeFile(list, `inn,reason\n${top[0]},court case pending\n${top[1]},"=cmd|' /C calc'!A0"\n`);
    const result = await runPlan(planConfig(store, '2026-06', dir, { excludePath: list }), clock, memoryLogger());
    const excluded = new Map((await read(dir, 'excluded.csv')).map((r) => [r['inn'], r]));
    expect(excluded.get(top[0])).toMatchObject({ reason: 'exclusion_list', detail: "planner's exclusion list: court case pending" });
    expect(excluded.get(top[1])?.['reason']).toBe('exclusion_list');
    const planned = new Set((await read(dir, 'plan.csv')).map((r) => r['inn']));
    expect(planned.has(top[0])).toBe(false);
    // The freed places go to the next candidates; a plan that was not full (fewer participants with a fired
    // indicator than its capacity) has none left and shrinks by the two.
    const capacity = (JSON.parse(await readFile(join(base, 'plan-summary.json'), 'utf8')) as { capacity: { total: number } }).capacity.total;
    expect(planned.size).toBe(plan.length < capacity ? plan.length - 2 : plan.length);
    expect(result.summary.totals.excluded_by_reason['exclusion_list']).toBe(2);
    // Every excluded participant would have been selected: it ranks above the last risk pick.
    const lastRisk = Math.max(...(await read(dir, 'plan.csv')).filter((r) => r['selection'] === 'risk').map((r) => Number(r['rank'])));
    for (const r of excluded.values()) expect(Number(r['rank'])).toBeLessThan(lastRisk);
  });

  it('plans per quota from a quotas file, with desk and field capacities and reallocation', async () => {
    const dir = await copyRun();
    const ranked = await read(dir, 'ranked.csv');
    const regions = [...new Set(ranked.slice(0, 40).map((r) => r['region'] as string))].slice(0, 2);
    const quotas = join(dir, '..', 'quotas.csv');
    await writeFile(quotas, `quota,desk,field\n${regions[0]},2,1\n${regions[1]},30,0\n`);
    const config = planConfig(store, '2026-06', dir, { capacity: { mode: 'desk_field', desk: 40, field: 10 }, quotaBy: 'region', quotasPath: quotas, reallocate: true });
    const { summary, text } = await runPlan(config, clock, memoryLogger());
    expect(summary.quotas.map((q) => q.quota)).toEqual([...regions, 'national']);
    const plan = await read(dir, 'plan.csv');
    for (const q of summary.quotas) {
      for (const cell of q.cells) {
        const rows = plan.filter((r) => r['quota'] === q.quota && r['check_type'] === cell.check_type);
        expect(rows.length).toBe(cell.risk + cell.random);
        expect(rows.length).toBeLessThanOrEqual(cell.capacity + cell.reallocated_in);
      }
    }
    // The second region cannot fill 30 desk slots: they go to the national desk pool.
    const second = summary.quotas[1];
    expect(second?.reallocated_out).toBeGreaterThan(0);
    expect(summary.quotas[2]?.reallocated_in).toBe(summary.quotas.slice(0, 2).reduce((s, q) => s + q.reallocated_out, 0));
    expect(plan.filter((r) => r['quota'] === regions[0]).every((r) => ranked.find((x) => x['inn'] === r['inn'])?.['region'] === regions[0])).toBe(true);
    expect(text).toContain('national');
  });

  it('refuses an existing run made with other explicit score flags, unless asked to rescore', async () => {
    const dir = await copyRun();
    const config = planConfig(store, '2026-06', dir);
    config.score.lang = 'ru';
    config.explicit.lang = true;
    await expect(runPlan(config, clock, memoryLogger())).rejects.toThrow(UsageError);
    await runPlan({ ...config, rescore: true }, clock, memoryLogger());
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.result.parameters.lang).toBe('ru');
    expect((await readFile(join(dir, 'dossiers', (await readdir(join(dir, 'dossiers')))[0] as string), 'utf8'))).toContain('lang="ru"');
    // The ranking flag too: scores ranked by the default are not the ones asked for with --rank-by rules.
    const rules = planConfig(store, '2026-06', dir);
    rules.score.rankBy = 'rules';
    rules.explicit.rankBy = true;
    await expect(runPlan(rules, clock, memoryLogger())).rejects.toThrow('--rank-by auto');
  });
});

describe('propensities carried back', () => {
  it('go through the outcomes extract into the labelled examples evaluate and train weigh by', async () => {
    const plan = await read(base, 'plan.csv');
    const outcomes = plan.map((r, i) => ({
      inspection_id: `P-${i}`,
      inn: r['inn'] as string,
      check_type: r['check_type'] as string,
      period_from: '2024-01-01',
      period_to: '2025-12-31',
      started_date: '2026-07-10',
      completed_date: '2026-09-01',
      violation: String(i % 2),
      additional_charges_rub: i % 2 === 1 ? '1000.00' : '0.00',
      selection: r['selection'] as string,
      propensity: r['propensity'] as string,
      plan_id: r['plan_id'] as string,
    }));
    const db = await memoryStore();
    const result = await ingestInto(db, [{ extract: 'outcomes', file: await fixtureFile('outcomes.csv', extractCsv('outcomes', outcomes)) }]);
    expect(result.rejects).toEqual([]);
    const examples = await participantExamples(db, { from: '2026-06', to: '2026-06' });
    expect(examples).toHaveLength(plan.length);
    const byId = new Map(examples.map((e) => [e.exampleId, e]));
    outcomes.forEach((o) => {
      expect(byId.get(o.inspection_id)).toMatchObject({ asOf: '2026-06-30', selection: o.selection, propensity: Number(o.propensity) });
    });
    // Every example has a propensity: evaluate's and train's inverse-propensity weights apply.
    const w = weightsFromPropensities(examples.map((e) => e.propensity as number));
    expect(w.every((x) => x >= 1)).toBe(true);
    expect(examples.filter((e) => e.selection === 'random').every((e) => (e.propensity as number) < 1)).toBe(true);
  });
});

describe('ccrg plan', () => {
  it('plans from the command line and prints the per-quota summary', async () => {
    const dir = await copyRun();
    const { code, out: text } = await runCli(['plan', '--period', '2026-06', '--store', store, '--capacity', '20', '--explore', '0.2', '--seed', '3', '--out', dir, '--quiet', '--today', '2026-11-26']);
    expect(code).toBe(0);
    expect(text).toMatch(/quota\s+capacity\s+reallocated\s+selected\s+risk\s+random\s+unused\s+expected charges RUB\s+referrals\s+excluded/);
    expect(text).toMatch(/national\s+20\s+0\s+20\s+16\s+4\s+0\s+—/);
    const summary = JSON.parse(await readFile(join(dir, 'plan-summary.json'), 'utf8')) as PlanSummary;
    expect(summary).toMatchObject({ seed: 3, capacity: { total: 20 }, totals: { selected: 20, risk: 16, random: 4 } });
  });

  it('writes the batch report with the plan summary when asked (--report), its drift watch over --drift-months', async () => {
    const dir = await copyRun();
    const flags = ['plan', '--period', '2026-06', '--store', store, '--capacity', '20', '--seed', '3', '--out', dir, '--quiet', '--today', '2026-11-26'];
    const before = (await readdir(dir)).sort();
    const alone = await runCli([...flags, '--drift-months', '2']);
    expect(alone.code).toBe(2);
    expect(alone.err).toContain('--drift-months sets the batch report\'s drift watch: give --report with it');
    expect((await readdir(dir)).sort()).toEqual(before);
    const { code, err } = await runCli([...flags, '--report', '--drift-months', '2']);
    expect(code, err).toBe(0);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Inspection plan');
    expect(html).toContain('From plan-summary.json (as of 2026-06-30, seed 3).');
    expect(html).not.toContain('No plan-summary.json in the run folder');
    expect(html).toContain('this month against the 2 months 2026-04 to 2026-05 pooled');
  });
});

describe('replacePlanFiles', () => {
  it('replaces the plan set as a whole, keeps other files, and leaves the previous set when writing fails', async () => {
    const dir = join(await tempDir(), '2026-06');
    await replacePlanFiles(dir, async (fresh) => {
      await writeFile(join(fresh, 'plan.csv'), 'old plan');
      await writeFile(join(fresh, 'plan-summary.json'), '{}');
    });
    await writeFile(join(dir, 'ranked.csv'), 'scores');
    // A run folder: score's manifest marks it as one (anything else is refused, test/io/run-dir.test.ts).
    await writeFile(join(dir, 'manifest.json'), '{}');
    await writeFile(join(dir, 'evaluation.json'), '{"x":1}');
    await expect(
      replacePlanFiles(dir, async (fresh) => {
        await writeFile(join(fresh, 'plan.csv'), 'half a new plan');
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect((await readdir(dir)).sort()).toEqual(['evaluation.json', 'manifest.json', 'plan-summary.json', 'plan.csv', 'ranked.csv']);
    expect(await readFile(join(dir, 'plan.csv'), 'utf8')).toBe('old plan');
    await replacePlanFiles(dir, async (fresh) => {
      await writeFile(join(fresh, 'plan.csv'), 'new plan');
    });
    // The old plan-summary.json belonged to the old set: it is gone with it.
    expect((await readdir(dir)).sort()).toEqual(['evaluation.json', 'manifest.json', 'plan.csv', 'ranked.csv']);
    expect(await readFile(join(dir, 'ranked.csv'), 'utf8')).toBe('scores');
    expect(PLAN_FILES).toContain('dossiers');
  });
});
