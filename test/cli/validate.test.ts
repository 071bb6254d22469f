import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
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
