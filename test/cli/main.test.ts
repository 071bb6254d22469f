import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureOutput } from '../util/cli.js';
import { extractCsv, fixtureFile, tempDir } from '../util/fixtures.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ccrg exit codes', () => {
  it('exits 0 when rows are only rejected, and writes them to the rejects file', async () => {
    const dir = await tempDir();
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}, { inn: '123' }]), dir);
    const rejects = join(dir, 'rejects.csv');
    const { out } = captureOutput();
    const code = await main(['ingest', '--participants', file, '--store', ':memory:', '--rejects', rejects, '--today', '2026-11-26', '--quiet']);
    expect(code).toBe(0);
    expect(out.join('')).toContain('2 records read, 1 rejected');
    expect(await readFile(rejects, 'utf8')).toBe(
      'file,line,column,value,code,message\nparticipants.csv,3,inn,123,BAD_INN,"the INN is not 10 or 12 digits, or is all zeros"\n',
    );
  });

  it('exits 1 with the file named when a file is missing', async () => {
    const { err } = captureOutput();
    const code = await main(['ingest', '--participants', '/nonexistent/p.csv', '--store', ':memory:', '--quiet']);
    expect(code).toBe(1);
    expect(err.join('')).toBe('ccrg: /nonexistent/p.csv: file not found\n');
  });

  it('exits 2 on an unknown flag or a bad value', async () => {
    const { err } = captureOutput();
    expect(await main(['ingest', '--declaration', 'x.csv'])).toBe(2);
    expect(err.join('')).toContain('Unknown argument: declaration');
    expect(await main(['ingest', '--participants', 'x.csv', '--max-reject-share', '2'])).toBe(2);
    expect(err.join('')).toContain('--max-reject-share must be a share between 0 and 1, got 2');
    expect(await main(['ingest', '--today', '26.11.2026', '--participants', 'x.csv'])).toBe(2);
    expect(await main([])).toBe(2);
  });

  it('exits 3 when a file rejects more than --max-reject-share, storing nothing', async () => {
    const dir = await tempDir();
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}, { inn: '123' }]), dir);
    const { err } = captureOutput();
    const code = await main(['ingest', '--participants', file, '--store', ':memory:', '--rejects', join(dir, 'r.csv'), '--max-reject-share', '0.1', '--quiet']);
    expect(code).toBe(3);
    expect(err.join('')).toContain('1 of 2 records rejected, above --max-reject-share 0.1');
  });
});

describe('ccrg ingest --store', () => {
  it('creates the folder of a new store', async () => {
    const dir = await tempDir();
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}]), dir);
    captureOutput();
    const code = await main(['ingest', '--participants', file, '--store', join(dir, 'new', 'folder', 's.duckdb'), '--rejects', join(dir, 'r.csv'), '--quiet']);
    expect(code).toBe(0);
    expect(await readFile(join(dir, 'new', 'folder', 's.duckdb')).then((b) => b.length > 0)).toBe(true);
  });
});
