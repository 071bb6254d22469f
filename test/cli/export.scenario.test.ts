import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/features/compute.js';
import { openDuckDb } from '../../src/io/db.js';
import { tempDir } from '../util/fixtures.js';
import { runCli } from '../util/cli.js';
import { buildWorld } from '../scenario/worlds.js';

let store: string;

beforeAll(async () => {
  ({ store } = await buildWorld('samples'));
});

const WINDOW = ['--from', '2025-10', '--to', '2026-06'];

// The matrix itself, cell for cell, is checked in export.quality.test.ts (about 30 s).
describe('ccrg export examples', () => {
  it('refuses a format it does not write, and a risk profile at item level', async () => {
    const bad = await runCli(['export', 'examples', '--store', store, ...WINDOW, '--format', 'xlsx']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('xlsx');
    const item = await runCli(['export', 'examples', '--store', store, ...WINDOW, '--level', 'item', '--risk-profile', 'profiles/default.yaml']);
    expect(item.code).toBe(2);
    expect(item.err).toContain('--risk-profile applies to --level participant only');
  });
});

describe('ccrg export features', () => {
  it("writes the month's feature table, the same rows as ranked.csv, as CSV", async () => {
    const dir = await tempDir();
    const file = join(dir, 'features.csv');
    const done = await runCli(['export', 'features', '--store', store, '--period', '2026-06', '--format', 'csv', '--out', file, '--quiet']);
    expect(done.code, done.err).toBe(0);
    const scored = await runCli(['score', '--store', store, '--period', '2026-06', '--out', join(dir, 'run'), '--quiet']);
    expect(scored.code, scored.err).toBe(0);
    const db = await openDuckDb(':memory:');
    try {
      const rows = await db.all(`SELECT * FROM read_csv('${file}', all_varchar = true) ORDER BY inn`);
      const ranked = await db.all(`SELECT inn, customs_value_window_rub FROM read_csv('${join(dir, 'run', 'ranked.csv')}', all_varchar = true) ORDER BY inn`);
      expect(rows.map((r) => r['inn'])).toEqual(ranked.map((r) => r['inn']));
      expect(rows.map((r) => Number(r['customs_value_window_rub']))).toEqual(ranked.map((r) => Number(r['customs_value_window_rub'])));
      for (const f of FEATURES) expect(Object.keys(rows[0] ?? {})).toContain(f.id);
      expect(done.out).toContain(`wrote the features of ${rows.length} participants as of 2026-06-30`);
    } finally {
      db.close();
    }
    const late = await runCli(['export', 'features', '--store', store, '--period', '2031-01', '--out', join(dir, 'late.csv')]);
    expect(late.code).toBe(2);
    expect(late.err).toContain('--period 2031-01 has no data: the store holds declarations released in');
  });
});
