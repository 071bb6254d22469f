import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBatchReport } from '../../src/app/report.js';
import { parseCsvText } from '../../src/io/csv-read.js';
import { firedIndicators, periodChanges, readIndicatorUse } from '../../src/report/report-data.js';
import { readPlanSummary } from '../../src/run-folder/plan-summary.js';
import { readRanked } from '../../src/run-folder/ranked.js';
import { previousPeriod } from '../../src/util/period.js';
import { fixedClock } from '../../src/util/clock.js';
import { tempDir } from '../util/fixtures.js';
import { writeRunFixture } from './run-fixture.js';
import { expectGolden, normaliseReport, splitCharts } from '../util/golden.js';
import { decisionText } from '../../src/report/report-html.js';
import type { RankingDecision } from '../../src/models/risk/ranking-evidence.js';

const clock = fixedClock('2026-11-26');

describe('writeBatchReport (golden files)', () => {
  for (const lang of ['en', 'ru'] as const) {
    it(`writes every section in ${lang} as in test/fixtures/golden/report.${lang}.html and its charts as report.${lang}.chart-N.svg`, async () => {
      const dir = await writeRunFixture(await tempDir(), { evaluation: true, plan: true, previous: true, drift: true });
      const report = await writeBatchReport({ outDir: dir, period: '2026-06', lang, clock });
      expect(report).toEqual({ path: join(dir, 'report.html'), charts: 4, lang });
      const html = await readFile(report.path, 'utf8');
      expect(html).toContain('<p class="generated-at">');
      // The charts are goldens of their own (numbers rounded), the page refers to them by name.
      const { page, charts } = splitCharts(normaliseReport(html), `report.${lang}`);
      expect(charts).toHaveLength(4);
      await expectGolden(`report.${lang}.html`, page);
      for (const chart of charts) await expectGolden(chart.name, chart.svg);
    });
  }

  it('gives the same bytes twice but for the generated-at line', async () => {
    const dir = await writeRunFixture(await tempDir(), { evaluation: true, drift: true });
    const first = await readFile((await writeBatchReport({ outDir: dir, period: '2026-06', clock })).path, 'utf8');
    const second = await readFile((await writeBatchReport({ outDir: dir, period: '2026-06', clock: fixedClock('2027-01-01') })).path, 'utf8');
    expect(first).not.toBe(second);
    expect(normaliseReport(first)).toBe(normaliseReport(second));
  });

  it('is self-contained: no script, no external reference', async () => {
    const dir = await writeRunFixture(await tempDir(), { evaluation: true, plan: true, previous: true, drift: true });
    const html = await readFile((await writeBatchReport({ outDir: dir, period: '2026-06', clock })).path, 'utf8');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html.match(/(?:src|href)="([^"#][^"]*)"/g)).toBeNull();
    // Names are escaped, not injected.
    expect(html).toContain('ООО «Бета» &amp; &lt;Co&gt;');
    expect(html).not.toContain('<Co>');
  });

  it('leaves out the charts and sections whose files are absent, saying what would add them', async () => {
    const dir = await writeRunFixture(await tempDir());
    const report = await writeBatchReport({ outDir: dir, period: '2026-06', clock });
    expect(report.charts).toBe(2);
    const html = await readFile(report.path, 'utf8');
    expect(html).toContain('No evaluation.json in the run folder');
    expect(html).toContain('No comparison with 2026-05: no run of 2026-05 beside this one, and no store to score it with');
    expect(html).toContain('No plan-summary.json in the run folder');
    expect(html).toContain('Ranked by the risk profile alone: no model.');
    expect(html).toContain("the drift watch of the risk profile's features needs the store (give --store).");
    expect(html).toContain('Reject reasons need the store');
  });

  it('takes the language the run was scored in when none is given', async () => {
    const dir = await writeRunFixture(await tempDir());
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    manifest.result.parameters.lang = 'ru';
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const report = await writeBatchReport({ outDir: dir, period: '2026-06', clock });
    expect(report.lang).toBe('ru');
    expect(await readFile(report.path, 'utf8')).toContain('<html lang="ru">');
  });

  it('refuses a folder without a score manifest, or of another period, saying what to run', async () => {
    const empty = await tempDir();
    await expect(writeBatchReport({ outDir: empty, period: '2026-06', clock })).rejects.toThrow(`${join(empty, 'manifest.json')} does not exist: run ccrg score --period 2026-06 first`);
    const dir = await writeRunFixture(await tempDir());
    await expect(writeBatchReport({ outDir: dir, period: '2026-05', clock })).rejects.toThrow('the run is of period 2026-06, not 2026-05');
  });
});

describe('report data', () => {
  it('parses quoted CSV fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsvText('a,b\n"x, y","say ""hi""\nthere"\n1,\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"\nthere'], ['1', '']]);
  });

  it('counts each indicator and sums the money it names, most fired first', async () => {
    const dir = await writeRunFixture(await tempDir());
    expect(await readIndicatorUse(join(dir, 'reasons.csv'))).toEqual([
      { id: 'unit_values_below_peers', title: 'Prices far below peers', fired: 2, amountRub: 5050000 },
      { id: 'imports_without_vat_return', title: 'Imports without a VAT return', fired: 1, amountRub: 0 },
      { id: 'preference_dispatch_mismatch', title: 'Preference with another dispatch country', fired: 1, amountRub: 120000.5 },
    ]);
  });

  it('finds new entrants to the top, dropped ones with their rank now, rank moves and indicators that appeared or disappeared', async () => {
    const root = await tempDir();
    const dir = await writeRunFixture(root, { previous: true });
    const previous = { rows: await readRanked(join(root, '2026-05', 'ranked.csv')), fired: await firedIndicators(join(root, '2026-05', 'reasons.csv')) };
    const now = (await firedIndicators(join(dir, 'reasons.csv'))) ?? new Map();
    const changes = periodChanges(await readRanked(join(dir, 'ranked.csv')), now, previous, '2026-05', 3, 'run');
    expect(changes.entered.map((r) => [r.rank, r.inn])).toEqual([[3, '7701000003']]);
    expect(changes.dropped).toEqual([{ inn: '7701000009', name: 'ООО «Ушедшая»', previousRank: 2, rank: null }]);
    expect(changes.moved).toEqual([
      { inn: '7701000001', name: 'ООО «Альфа»', previousRank: 3, rank: 1 },
      { inn: '7701000002', name: 'ООО «Бета» & <Co>', previousRank: 1, rank: 2 },
    ]);
    expect(changes.reasons).toEqual([{ inn: '7701000001', name: 'ООО «Альфа»', rank: 1, appeared: ['imports_without_vat_return'], disappeared: [] }]);
    // Without the previous run's reasons.csv nothing is said about reasons.
    expect(periodChanges(await readRanked(join(dir, 'ranked.csv')), now, { ...previous, fired: null }, '2026-05', 3, 'run').reasons).toEqual([]);
    expect(previousPeriod('2026-01')).toBe('2025-12');
    expect(previousPeriod('2026-10')).toBe('2026-09');
  });

  it('names the file, line and column of a bad number in ranked.csv', async () => {
    const dir = await tempDir();
    const path = join(dir, 'ranked.csv');
    await writeFile(path, 'rank,inn,name,score,score_source,customs_at_stake_rub,tax_at_stake_rub\n1,77,x,abc,rules,0,0\n');
    await expect(readRanked(path)).rejects.toThrow(`${path}: line 2, column score: expected a number, got "abc"`);
  });

  it('names the field of a plan-summary.json of the wrong shape', async () => {
    const path = join(await tempDir(), 'plan-summary.json');
    await writeFile(path, JSON.stringify({ period: '2026-06', as_of: '2026-06-30', seed: 1, capacity: {}, quotas: [{ quota: 'customs', capacity: 'many' }], totals: {}, parameters: {} }));
    await expect(readPlanSummary(path)).rejects.toThrow(`${path}: quotas[0].capacity must be a number, got "many"`);
  });
});

describe('the --rank-by auto decision in the report', () => {
  const decision: RankingDecision = {
    rankBy: 'rules',
    share: 0.05,
    examples: 120,
    withCharges: 41,
    weighting: 'inverse inclusion probability',
    modelChargesRub: 1_200_000,
    profileChargesRub: 1_000_000,
    ratio: 1.2,
    interval: { lower: 0.91, upper: 1.63, resamples: 1000 },
    reason: 'on the 120 validation examples ...: the lower bound is not above 1, the risk profile ranks',
  };

  it('says who ranks and on what evidence, in English and in Russian', () => {
    expect(decisionText(decision, 'en')).toBe(decision.reason);
    expect(decisionText(decision, 'ru')).toBe(
      'ранжирует профиль риска: на 120 проверочных примерах (с весами 1/вероятность отбора) верхние 5.0% по модели дают 1.20 доначислений профиля (95% парный бутстреп-интервал 0.91–1.63); модель ранжирует, только если нижняя граница больше 1',
    );
    const few = { ...decision, interval: null, modelChargesRub: null, profileChargesRub: null, ratio: null, withCharges: 4 };
    expect(decisionText(few, 'ru')).toContain('4 примеров с нарушением и доначислениями (нужно не менее 30)');
  });
});
