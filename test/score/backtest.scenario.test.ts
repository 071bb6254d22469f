import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { openDuckDb } from '../../src/io/db.js';
import { csvRecordsOf } from '../../src/io/csv-read.js';
import type { BacktestReport } from '../../src/run-folder/backtest.js';
import { runCli } from '../util/cli.js';
import { tempDir } from '../util/fixtures.js';
import { buildWorld } from '../scenario/worlds.js';

const BASELINE = fileURLToPath(new URL('../fixtures/profiles/default-1.4.0.yaml', import.meta.url));
const MONTHS = ['2025-08', '2025-09', '2025-10'];
const CAPACITY = 40;

let store: string;
let data: string;
let report: BacktestReport;
let printed: string;
/** Per month: the ranking and the reasons `score` writes with the shipped profile. */
const runs = new Map<string, { ranked: Record<string, string>[]; reasons: Record<string, string>[] }>();
/** The completed inspections of the window with their as-of month. */
let inspections: { inn: string; month: string; violation: number; charges: number; propensity: number }[];

const csv = async (path: string): Promise<Record<string, string>[]> => csvRecordsOf(await readFile(path, 'utf8'), path, []).records.map((r) => r.values);

beforeAll(async () => {
  ({ store, data } = await buildWorld('items'));
  const dir = await tempDir();
  const done = await runCli([
    'backtest', '--store', store, '--from', MONTHS[0] as string, '--to', MONTHS[2] as string, '--risk-profile', BASELINE, '--risk-profile', 'profiles/default.yaml',
    '--truth', join(data, 'truth.csv'), '--capacity', String(CAPACITY), '--resamples', '200', '--out', dir, '--quiet',
  ]);
  expect(done.code, done.err).toBe(0);
  printed = done.out;
  report = JSON.parse(await readFile(join(dir, 'backtest.json'), 'utf8')) as BacktestReport;
  for (const period of MONTHS) {
    const out = join(dir, period);
    const scored = await runCli(['score', '--store', store, '--period', period, '--capacity', String(CAPACITY), '--out', out, '--quiet']);
    expect(scored.code, scored.err).toBe(0);
    runs.set(period, { ranked: await csv(join(out, 'ranked.csv')), reasons: await csv(join(out, 'reasons.csv')) });
  }
  const db = await openDuckDb(store, { readOnly: true });
  try {
    inspections = (
      await db.all(`SELECT inn, strftime(CAST(date_trunc('month', started_date) - INTERVAL 1 DAY AS DATE), '%Y-%m') AS month, violation, coalesce(additional_charges_rub, 0)::DOUBLE AS charges, propensity
        FROM outcomes WHERE completed_date IS NOT NULL AND violation IS NOT NULL`)
    )
      .map((r) => ({ inn: String(r['inn']), month: String(r['month']), violation: Number(r['violation']), charges: Number(r['charges']), propensity: Number(r['propensity']) }))
      .filter((r) => MONTHS.includes(r.month));
  } finally {
    db.close();
  }
}, 300_000);

describe('ccrg backtest', () => {
  it('sets the shipped profile\'s top of each month, as score ranks it, against the inspections recorded for that month, raw and weighted by 1/inclusion probability', () => {
    const shipped = report.profiles[1];
    expect(shipped?.profile.source).toBe('profiles/default.yaml');
    expect(report.inspections).toBe(inspections.length);
    expect(inspections.some((i) => i.propensity < 1), 'a random pick in the window').toBe(true);
    const inTop = inspections.filter((i) => (runs.get(i.month)?.ranked ?? []).slice(0, CAPACITY).some((r) => r['inn'] === i.inn));
    for (const [m, period] of MONTHS.entries()) {
      const month = shipped?.months[m];
      const mine = inTop.filter((i) => i.month === period);
      expect(month).toMatchObject({ period, participants: runs.get(period)?.ranked.length, inspected: inspections.filter((i) => i.month === period).length, inspectedInTop: mine.length, violationsInTop: mine.filter((i) => i.violation === 1).length });
    }
    const sum = (rows: typeof inspections, f: (r: (typeof inspections)[number]) => number): number => rows.reduce((s, r) => s + f(r), 0);
    const o = shipped?.outcomes;
    expect(o?.precisionRaw.estimate).toBeCloseTo(sum(inTop, (r) => r.violation) / inTop.length, 6);
    expect(o?.precisionWeighted.estimate).toBeCloseTo(sum(inTop, (r) => r.violation / r.propensity) / sum(inTop, (r) => 1 / r.propensity), 6);
    expect(o?.chargesShareRaw.estimate).toBeCloseTo(sum(inTop, (r) => r.charges) / sum(inspections, (r) => r.charges), 6);
    expect(o?.chargesShareWeighted.estimate).toBeCloseTo(sum(inTop, (r) => r.charges / r.propensity) / sum(inspections, (r) => r.charges / r.propensity), 6);
    const interval = o?.precisionRaw;
    expect(interval?.lower).toBeLessThanOrEqual(interval?.estimate as number);
    expect(interval?.upper).toBeGreaterThanOrEqual(interval?.estimate as number);
    expect(printed).toContain(`backtest ${MONTHS[0]}..${MONTHS[2]}: the top ${CAPACITY} of each month against`);
  });

  it('gives every indicator how often it fired, how many of those were inspected and what they found', () => {
    const shipped = report.profiles[1];
    for (const indicator of shipped?.indicators ?? []) {
      let fired = 0;
      const hits: (typeof inspections)[number][] = [];
      for (const period of MONTHS) {
        const on = new Set((runs.get(period)?.reasons ?? []).filter((r) => r['indicator_id'] === indicator.id).map((r) => r['inn']));
        fired += on.size;
        hits.push(...inspections.filter((i) => i.month === period && on.has(i.inn)));
      }
      expect(indicator, indicator.id).toMatchObject({ fired, inspected: hits.length, violations: hits.filter((h) => h.violation === 1).length });
      if (hits.length > 0) expect(indicator.hitRateRaw.estimate, indicator.id).toBeCloseTo(hits.filter((h) => h.violation === 1).length / hits.length, 6);
      else expect(indicator.hitRateRaw.estimate).toBeNull();
    }
    expect((shipped?.indicators ?? []).some((i) => i.inspected > 0)).toBe(true);
  });

  it('compares the profiles on the same resamples and over the whole population with the truth file', async () => {
    const [base, shipped] = report.profiles;
    const diff = report.differences[0]?.figures;
    expect(diff?.precisionRaw.estimate).toBeCloseTo((shipped?.outcomes.precisionRaw.estimate ?? 0) - (base?.outcomes.precisionRaw.estimate ?? 0), 6);
    const truth = await csv(join(data, 'truth.csv'));
    const period = MONTHS[2] as string;
    const planted = new Set(truth.filter((t) => t['kind'] === 'scheme' && (t['period'] ?? '') <= period).map((t) => t['inn']));
    const top = (runs.get(period)?.ranked ?? []).slice(0, CAPACITY);
    expect(shipped?.months[2]?.truth?.precision).toBeCloseTo(top.filter((r) => planted.has(r['inn'])).length / top.length, 6);
    expect(report.bias).toHaveProperty('truth');
  });

  it('finds no difference between a profile and itself, intervals included', async () => {
    const dir = await tempDir();
    const done = await runCli(['backtest', '--store', store, '--from', '2025-12', '--to', '2025-12', '--risk-profile', 'profiles/default.yaml', '--risk-profile', 'profiles/default.yaml', '--resamples', '50', '--out', dir, '--quiet']);
    expect(done.code, done.err).toBe(0);
    const same = JSON.parse(await readFile(join(dir, 'backtest.json'), 'utf8')) as BacktestReport;
    for (const f of Object.values(same.differences[0]?.figures ?? {})) {
      if (f.estimate === null) continue;
      expect(f).toEqual({ estimate: 0, lower: 0, upper: 0 });
    }
    const bad = await runCli(['backtest', '--store', store, '--from', '2025-12', '--to', '2025-12', '--capacity', '0', '--out', dir]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--capacity must be a whole number >= 1');
  });

  it('is a section of the batch report when the run folder holds backtest.json', async () => {
    const run = join(await tempDir(), MONTHS[2] as string);
    const period = MONTHS[2] as string;
    expect((await runCli(['score', '--store', store, '--period', period, '--capacity', String(CAPACITY), '--out', run, '--quiet'])).code).toBe(0);
    const tried = await runCli(['backtest', '--store', store, '--from', period, '--to', period, '--risk-profile', BASELINE, '--risk-profile', 'profiles/default.yaml', '--capacity', String(CAPACITY), '--resamples', '20', '--out', run, '--quiet']);
    expect(tried.code, tried.err).toBe(0);
    const own = JSON.parse(await readFile(join(run, 'backtest.json'), 'utf8')) as BacktestReport;
    const done = await runCli(['report', '--period', period, '--store', store, '--out', run, '--drift-months', '0', '--quiet']);
    expect(done.code, done.err).toBe(0);
    const html = await readFile(join(run, 'report.html'), 'utf8');
    const at = html.indexOf('<section id="backtest">');
    const section = html.slice(at, html.indexOf('</section>', at));
    expect(section).toContain(`its top ${CAPACITY} set against ${own.inspections} recorded inspections`);
    const shipped = own.profiles[1]?.profile.version ?? '';
    expect(section).toContain(`Indicators of default ${shipped}`);
    for (const i of own.profiles[1]?.indicators ?? []) expect(section).toContain(`<td>${i.id}</td>`);
    expect(section).toContain(`difference: default ${shipped}`);
  });
});
