import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decidingFeatures } from '../../src/rules/profile.js';
import { loadRiskProfile } from '../../src/rules/index.js';
import type { BacktestReport } from '../../src/run-folder/backtest.js';
import { runCli } from '../util/cli.js';
import { tempDir } from '../util/fixtures.js';
import { buildWorld } from '../scenario/worlds.js';

let store: string;

beforeAll(async () => {
  ({ store } = await buildWorld('score'));
});

/** The report's "changes" section, its note on the source left out. */
async function changesOf(runDir: string): Promise<{ section: string; computed: boolean }> {
  const html = await readFile(join(runDir, 'report.html'), 'utf8');
  const at = html.indexOf('<section id="changes">');
  const section = html.slice(at, html.indexOf('</section>', at));
  const computed = section.includes('data-figure="previous-computed"');
  return { section: section.replace(/<p class="note" data-figure="previous-computed">[^<]*<\/p>\n?/, ''), computed };
}

describe('the report against the previous period', () => {
  it('scores the previous period when its run is missing, and compares exactly as with the run beside it', async () => {
    const root = await tempDir();
    const run = join(root, '2026-06');
    const score = (period: string): Promise<{ code: number; err: string }> => runCli(['score', '--store', store, '--period', period, '--out', join(root, period), '--quiet']);
    expect((await score('2026-06')).code).toBe(0);
    const report = async (): Promise<void> => {
      const done = await runCli(['report', '--period', '2026-06', '--store', store, '--out', run, '--drift-months', '0', '--quiet']);
      expect(done.code, done.err).toBe(0);
    };
    await report();
    const computed = await changesOf(run);
    expect(computed.computed).toBe(true);
    expect(computed.section).toContain('Moved within the top');
    expect(computed.section).toContain('Indicators that appeared or disappeared');
    expect(computed.section).toContain('<th>appeared</th>');
    expect((await score('2026-05')).code).toBe(0);
    await report();
    const fromRun = await changesOf(run);
    expect(fromRun.computed).toBe(false);
    expect(fromRun.section).toBe(computed.section);
    await rm(join(root, '2026-05'), { recursive: true });
  });

  it('says why it cannot compare when the profile given is not the one that scored the run', async () => {
    const root = await tempDir();
    const run = join(root, '2026-06');
    expect((await runCli(['score', '--store', store, '--period', '2026-06', '--out', run, '--quiet'])).code).toBe(0);
    const other = fileURLToPath(new URL('../fixtures/profiles/default-1.4.0.yaml', import.meta.url));
    const done = await runCli(['report', '--period', '2026-06', '--store', store, '--out', run, '--risk-profile', other, '--drift-months', '0', '--quiet']);
    expect(done.code, done.err).toBe(0);
    const { section } = await changesOf(run);
    expect(section).toContain('No comparison with 2026-05: no run of 2026-05 beside this one, and');
    expect(section).toContain(`is not the risk profile that scored this run (default ${(await loadRiskProfile(null)).version}`);
  });

  it('watches the drift of the risk profile\'s own features against the months before pooled, for a batch without a model', async () => {
    const root = await tempDir();
    const run = join(root, '2026-06');
    expect((await runCli(['score', '--store', store, '--period', '2026-06', '--out', run, '--quiet'])).code).toBe(0);
    const done = await runCli(['report', '--period', '2026-06', '--store', store, '--out', run, '--drift-months', '3', '--quiet']);
    expect(done.code, done.err).toBe(0);
    const html = await readFile(join(run, 'report.html'), 'utf8');
    expect(html).toContain('this month against the 3 months 2026-03 to 2026-05 pooled');
    const profile = await loadRiskProfile(null);
    for (const feature of new Set(profile.indicators.flatMap((i) => decidingFeatures(i)))) expect(html).toContain(`<code>${feature}</code>`);
    // Indicator feedback over the same months, as ccrg backtest gives it with results known by the as-of date.
    const tried = await runCli(['backtest', '--store', store, '--from', '2026-03', '--to', '2026-05', '--known-by', '2026-06-30', '--resamples', '10', '--out', join(root, 'bt'), '--quiet']);
    expect(tried.code, tried.err).toBe(0);
    const backtest = JSON.parse(await readFile(join(root, 'bt', 'backtest.json'), 'utf8')) as BacktestReport;
    const at = html.indexOf('data-figure="indicator-feedback"');
    expect(at).toBeGreaterThan(0);
    expect(html.slice(at, at + 400)).toContain(`on the ${backtest.inspections} inspections recorded for those months`);
    const section = html.slice(at, html.indexOf('</section>', at));
    const digits = (x: string): number => Number(x.replace(/[^0-9]/g, ''));
    for (const i of backtest.profiles[0]?.indicators ?? []) {
      const row = new RegExp(`<tr><td>${i.id}</td><td class="num">([^<]*)</td><td class="num">([^<]*)</td><td class="num">([^<]*)</td>`).exec(section);
      expect(row, i.id).not.toBeNull();
      expect([digits(row?.[1] ?? ''), digits(row?.[2] ?? ''), digits(row?.[3] ?? '')], i.id).toEqual([i.fired, i.inspected, i.violations]);
    }
    // Turned off, the section says nothing of it.
    expect((await runCli(['report', '--period', '2026-06', '--store', store, '--out', run, '--drift-months', '0', '--quiet'])).code).toBe(0);
    expect(await readFile(join(run, 'report.html'), 'utf8')).not.toContain('data-figure="profile-drift"');
  });
});
