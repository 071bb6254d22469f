import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openDuckDb } from '../../src/io/db.js';
import { writeBatchReport } from '../../src/app/report.js';
import { runScore } from '../../src/app/score.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { scoreConfig } from '../score/helpers.js';
import { buildWorld } from '../scenario/worlds.js';

/** Debian's chromium (.ci/run installs it); a test tool's own browser download fails on these machines. */
const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const inCi = process.env['CI'] === 'true';

/** Chromium flags: headless, no sandbox (root in CI), and none of its background connections. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const clock = fixedClock('2026-11-26');
let root: string;
let report: string;
let store: string;

beforeAll(async () => {
  if (!present) return;
  ({ store } = await buildWorld('score'));
  root = await mkdtemp(join(tmpdir(), 'ccrg-browser-'));
  const model = 'models/default/model.json';
  await runScore(scoreConfig(store, '2026-05', join(root, '2026-05'), { modelPath: model }), clock, memoryLogger());
  await runScore(scoreConfig(store, '2026-06', join(root, '2026-06'), { modelPath: model, report: true }), clock, memoryLogger());
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    expect(await main(['evaluate', '--model', model, '--from', '2026-01', '--to', '2026-05', '--store', store, '--out', join(root, '2026-06'), '--quiet'])).toBe(0);
  } finally {
    vi.restoreAllMocks();
  }
  const db = await openDuckDb(store, { readOnly: true });
  try {
    report = (await writeBatchReport({ outDir: join(root, '2026-06'), period: '2026-06', db, clock })).path;
  } finally {
    db.close();
  }
}, 180_000);

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe.skipIf(!present && !inCi)('report.html in a real browser (Debian chromium)', () => {
  it('shows the period, the counts and four charts with marks, with no console error and no network request', async () => {
    if (!present) throw new Error(`CI=true and ${CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install -y chromium)`);
    const manifest = JSON.parse(await readFile(join(root, '2026-06', 'manifest.json'), 'utf8'));
    const participants: number = manifest.result.counts.participants;
    const rejected = (manifest.result.inputs as { rejected: string }[]).reduce((s, i) => s + Number(i.rejected), 0);
    expect(rejected).toBeGreaterThan(0);

    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('request', (request) => requests.push(request.url()));
      await page.route('**', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
      const url = pathToFileURL(report).href;
      await page.goto(url, { waitUntil: 'load' });

      expect(await page.textContent('[data-figure="period"]')).toBe('2026-06');
      expect(await page.textContent('[data-figure="participants"]')).toBe(participants.toLocaleString('en-US'));
      expect(await page.textContent('[data-figure="rejected"]')).toBe(rejected.toLocaleString('en-US'));
      expect(await page.title()).toContain('2026-06');

      const charts = await page.$$eval('figure.chart svg', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          return { marks: svg.querySelectorAll('g.role-mark > path, g.role-mark > line, g.role-mark > rect, g.role-mark > g').length, width: box.width, height: box.height };
        }),
      );
      expect(charts).toHaveLength(4);
      for (const chart of charts) {
        expect(chart.marks).toBeGreaterThan(0);
        expect(chart.width).toBeGreaterThan(100);
        expect(chart.height).toBeGreaterThan(50);
      }
      // Every section is on the page: evaluation and drift included, plan and previous-period changes too.
      for (const id of ['inputs', 'distribution', 'top', 'indicators', 'evaluation', 'changes', 'plan', 'model']) expect(await page.$(`section#${id}`)).not.toBeNull();
      expect(await page.textContent('section#changes')).toContain('2026-05');
      expect(await page.textContent('section#model')).toContain('2024-07');

      // Printed: the contents list is left out, the charts stay, and it lays out on A4 pages.
      await page.emulateMedia({ media: 'print' });
      expect(await page.isVisible('nav')).toBe(false);
      expect(await page.$$eval('figure.chart svg', (svgs) => svgs.filter((svg) => svg.getBoundingClientRect().width > 100).length)).toBe(4);
      const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
      expect((pdf.match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThan(1);

      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
