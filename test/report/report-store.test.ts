import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/io/db.js';
import { joinCoverage, storeRejectReasons } from '../../src/report/report-data.js';
import { extractCsv, fixtureFile, ingestInto, tempDir } from '../util/fixtures.js';
import { writeRunFixture } from './run-fixture.js';
import { runCli } from '../util/cli.js';

const A = '7707083893';
const B = '7736050003';
const C = '7702070139';
const D = '7728168971';

/** A store file: four importers, a tax return and register snapshots around the as-of date 2024-03-31, and two bad declaration rows. */
async function smallStore(): Promise<string> {
  const dir = await tempDir();
  const decl = (item: string, inn: string, release: string): Record<string, string> => ({ item_no: item, importer_inn: inn, release_date: release });
  const files = [
    { extract: 'declarations' as const, file: await fixtureFile('declarations.csv', extractCsv('declarations', [decl('1', A, '2024-03-05'), decl('2', B, '2024-03-15'), decl('3', C, '2024-03-31'), decl('4', D, '2024-02-20'), decl('5', A, '2024-13-01'), { ...decl('6', A, '2024-03-01'), origin_country: 'XX', release_date: 'soon' }]), dir) },
    { extract: 'tax_returns' as const, file: await fixtureFile('tax_returns.csv', extractCsv('tax_returns', [{ inn: A, tax_period: '2023-Q4', filed_date: '2024-01-20' }, { inn: B, tax_period: '2024-Q1', filed_date: '2024-04-20' }]), dir) },
    { extract: 'participants' as const, file: await fixtureFile('participants.csv', extractCsv('participants', [{ inn: A, snapshot_date: '2024-03-31' }, { inn: C, snapshot_date: '2024-01-31' }, { inn: B, snapshot_date: '2024-04-30' }]), dir) },
  ];
  const path = join(dir, 'store.duckdb');
  const db = await openDuckDb(path);
  try {
    const result = await ingestInto(db, files);
    expect(result.files.map((f) => f.rejected)).toEqual([2, 0, 0]);
  } finally {
    db.close();
  }
  return path;
}

describe('report data from the store', () => {
  it('counts the period’s importers found in tax returns filed and register snapshots taken by the as-of date', async () => {
    const db = await openDuckDb(await smallStore(), { readOnly: true });
    try {
      // Released in 2024-03: A, B, C (D released in February). Return by 2024-03-31: A only (B's came in April).
      // Register by then: A and C (B's snapshot is of April).
      expect(await joinCoverage(db, '2024-03', '2024-03-31')).toEqual({ importers: 3, inTaxReturns: 1, inRegister: 2 });
      expect(await joinCoverage(db, '2024-02', '2024-02-29')).toEqual({ importers: 1, inTaxReturns: 0, inRegister: 0 });
    } finally {
      db.close();
    }
  });

  it('counts rejected records per file and code, a record once per code', async () => {
    const db = await openDuckDb(await smallStore(), { readOnly: true });
    try {
      const reasons = await storeRejectReasons(db, 5);
      expect(reasons.every((r) => r.file.endsWith('declarations.csv'))).toBe(true);
      expect(reasons.map((r) => [r.code, r.records])).toEqual([['BAD_DATE', 2], ['BAD_COUNTRY', 1]]);
    } finally {
      db.close();
    }
  });
});

describe('ccrg report', () => {
  const run = (args: string[]) => runCli(['report', '--today', '2026-11-26', ...args]);

  it('writes report.html into the run folder with the store’s reject reasons, in the language asked for', async () => {
    const dir = await writeRunFixture(await tempDir(), { previous: true });
    const result = await run(['--period', '2026-06', '--out', dir, '--store', await smallStore(), '--lang', 'ru']);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(`wrote ${join(dir, 'report.html')} (2 charts, ru)\n`);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<code>BAD_COUNTRY</code>');
    expect(html).toContain('Из 0 импортёров');
  });

  it('follows up referrals only with the store, and refuses a negative number of days', async () => {
    const dir = await writeRunFixture(await tempDir());
    expect(await run(['--period', '2026-06', '--out', dir, '--store', await smallStore(), '--referral-days', '-1'])).toMatchObject({
      code: 2,
      err: 'ccrg: --referral-days must be a whole number of days >= 0, got -1\n',
    });
    // The store holds no answers, the fixture folder no plan.
    expect(await run(['--period', '2026-06', '--out', dir, '--store', await smallStore(), '--referral-days', '30'])).toMatchObject({ code: 0, err: '' });
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Referrals of the plans in this folder up to 2026-06-30: 0; answered by the tax authority (tax_answers, decisions by 2026-06-30): 0.');
    expect(html).toContain('None has waited more than 30 days for an answer.');
  });

  it('refuses a bad period, a missing store and a folder that was not scored, with exit codes 2 and 1', async () => {
    const dir = await writeRunFixture(await tempDir());
    expect(await run(['--period', '2026-6', '--out', dir])).toMatchObject({ code: 2, err: 'ccrg: --period must be a month YYYY-MM, got "2026-6"\n' });
    expect(await run(['--period', '2026-06', '--out', dir, '--store', join(dir, 'none.duckdb')])).toMatchObject({ code: 2, err: `ccrg: The store ${join(dir, 'none.duckdb')} does not exist\n` });
    const empty = await tempDir();
    const missing = await run(['--period', '2026-06', '--out', empty, '--quiet']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`${join(empty, 'manifest.json')} does not exist: run ccrg score --period 2026-06 first`);
  });
});
