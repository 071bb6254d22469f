import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openDuckDb } from '../../src/io/db.js';
import { UsageError } from '../../src/util/errors.js';
import { captureOutput } from '../util/cli.js';
import { extractCsv, fixtureFile, tempDir } from '../util/fixtures.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs ccrg and returns the exit code and stderr. */
async function run(args: string[]): Promise<{ code: number; err: string }> {
  const { err } = captureOutput();
  const code = await main([...args, '--quiet']);
  return { code, err: err.join('') };
}

describe('errors a person can act on (issue 13, item 11)', () => {
  it('refuses --today that is no calendar date with exit 2, before anything runs', async () => {
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}]));
    const { code, err } = await run(['validate', '--participants', file, '--today', '2026-02-30']);
    expect(code).toBe(2);
    expect(err).toBe('ccrg: --today must be a date YYYY-MM-DD, got "2026-02-30"\n');
  });

  it('refuses a memory limit DuckDB cannot read with exit 2, naming the flag', async () => {
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}]));
    const { code, err } = await run(['ingest', '--participants', file, '--store', ':memory:', '--memory-limit', 'lots']);
    expect(code).toBe(2);
    expect(err).toBe('ccrg: --memory-limit must be an amount of memory such as 4GB, 512MB or 1.5GiB, got "lots"\n');
  });

  it('turns a setting DuckDB refuses into a usage error, not a raw engine error', async () => {
    await expect(openDuckDb(':memory:', { memoryLimit: 'lots' })).rejects.toBeInstanceOf(UsageError);
    await expect(openDuckDb(':memory:', { memoryLimit: 'lots' })).rejects.toThrow('(check --threads and --memory-limit)');
  });

  it('says a folder given for a file is a folder (EISDIR), exit 2', async () => {
    const dir = await tempDir();
    const folder = join(dir, 'profiles');
    await mkdir(folder);
    const declarations = await fixtureFile('declarations.csv', extractCsv('declarations', [{}]), dir);
    const { code, err } = await run(['score', '--period', '2026-06', '--declarations', declarations, '--risk-profile', folder, '--out', join(dir, 'out'), '--today', '2026-11-26']);
    expect(code).toBe(2);
    expect(err).toBe(`ccrg: the risk profile ${folder} is a folder; name a file (EISDIR)\n`);
  });

  it('says a name too long for the file system is too long (ENAMETOOLONG), exit 2', async () => {
    const long = join(await tempDir(), 'a'.repeat(300));
    const { code, err } = await run(['generate', '--out', long, '--participants', '5', '--months', '1']);
    expect(code).toBe(2);
    expect(err).toMatch(/^ccrg: \S*a{300}\S* is too long a name for the file system; choose a shorter one \(ENAMETOOLONG\)\n$/);
  });
});
