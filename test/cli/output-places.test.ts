import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../util/cli.js';
import { extractCsv, fixtureFile, tempDir } from '../util/fixtures.js';

describe('ccrg validate', () => {
  it('stores nothing and writes nothing into the working folder unless --rejects is given', async () => {
    const file = await fixtureFile('declarations.csv', extractCsv('declarations', [{}, { item_no: '2', customs_value_rub: 'abc' }]));
    const work = await tempDir();
    const cwd = process.cwd();
    process.chdir(work);
    try {
      const result = await runCli(['validate', '--declarations', file]);
      expect(result.code).toBe(0);
      expect(result.out).toContain('2 records read, 1 rejected (give --rejects FILE to list them).');
      expect(await readdir(work)).toEqual([]);

      const rejects = join(work, 'checked', 'rejects.csv');
      expect((await runCli(['validate', '--declarations', file, '--rejects', rejects])).code).toBe(0);
      expect((await readFile(rejects, 'utf8')).split('\n').filter((l) => l !== '')).toHaveLength(2);
      expect(existsSync(join(work, 'out'))).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('score --out on a folder that is not a run', () => {
  it('exits 2 before any work and leaves the folder as it was (it used to be replaced, --out . deleting the store)', async () => {
    const work = await tempDir();
    await writeFile(join(work, 'ccrg.duckdb'), 'not really a store, but the user\'s file');
    const result = await runCli(['score', '--period', '2026-06', '--store', join(work, 'ccrg.duckdb'), '--out', work]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--out ${work} is a folder with other files and no manifest.json`);
    expect(await readdir(work)).toEqual(['ccrg.duckdb']);
  });
});

describe('--store naming a file that is not a store', () => {
  it('is refused with exit 2 instead of "storing" into an in-memory view of it', async () => {
    const extract = await fixtureFile('declarations.csv', extractCsv('declarations', [{}]));
    const other = await fixtureFile('more.csv', extractCsv('declarations', [{ item_no: '2' }]));
    const before = await readFile(extract, 'utf8');
    const result = await runCli(['ingest', '--declarations', other, '--store', extract, '--rejects', join(await tempDir(), 'r.csv')]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`The store ${extract} cannot be used: it exists and is not a DuckDB database`);
    expect(await readFile(extract, 'utf8')).toBe(before);
    // A store made by ingest is one.
    const store = join(await tempDir(), 'ccrg.duckdb');
    expect((await runCli(['ingest', '--declarations', other, '--store', store, '--rejects', join(await tempDir(), 'r.csv'), '--quiet'])).code).toBe(0);
    expect((await runCli(['ingest', '--declarations', extract, '--store', store, '--rejects', join(await tempDir(), 'r.csv'), '--quiet'])).code).toBe(0);
  });
});

describe('score of a month without data', () => {
  it('is a usage error naming the months the store holds, for a future month and for a month before any data', async () => {
    const store = join(await tempDir(), 'ccrg.duckdb');
    const file = await fixtureFile('declarations.csv', extractCsv('declarations', [{}]));
    expect((await runCli(['ingest', '--declarations', file, '--store', store, '--rejects', join(await tempDir(), 'r.csv'), '--quiet', '--today', '2026-11-26'])).code).toBe(0);
    const future = await runCli(['score', '--period', '2027-01', '--store', store, '--out', join(await tempDir(), 'f'), '--quiet']);
    expect(future.code).toBe(2);
    expect(future.err).toContain('--period 2027-01 has no data: the store holds declarations released in 2024-03..2024-03');
    const before = await runCli(['score', '--period', '2020-01', '--store', store, '--out', join(await tempDir(), 'b'), '--quiet']);
    expect(before.code).toBe(2);
    expect(before.err).toContain('--period 2020-01 has no participant to score: no declaration was released in the 12 months up to 2020-01-31');
    expect((await runCli(['score', '--period', '2024-03', '--store', store, '--out', join(await tempDir(), 'ok'), '--quiet'])).code).toBe(0);
  });
});

describe('ingest --rejects naming a folder', () => {
  it('is refused with exit 2 before anything is stored (it used to fail with exit 1 after the commit)', async () => {
    const work = await tempDir();
    const store = join(work, 'ccrg.duckdb');
    const file = await fixtureFile('declarations.csv', extractCsv('declarations', [{}, { item_no: '2', customs_value_rub: 'abc' }]));
    const result = await runCli(['ingest', '--declarations', file, '--store', store, '--rejects', work]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--rejects ${work} is a folder; name a file`);
    expect(existsSync(store)).toBe(false);
    // Named as a file, the same ingest stores its good row.
    expect((await runCli(['ingest', '--declarations', file, '--store', store, '--rejects', join(work, 'rejects.csv'), '--quiet'])).code).toBe(0);
    expect(existsSync(store)).toBe(true);
  });
});
