import { existsSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../util/fixtures.js';
import { buildWorld, checkWorldUnchanged, REPO_ROOT, sourceClosure, worldDir } from './worlds.js';

const saved = process.env['CCRG_TEST_CACHE'];
afterEach(() => {
  if (saved === undefined) delete process.env['CCRG_TEST_CACHE'];
  else process.env['CCRG_TEST_CACHE'] = saved;
});

describe('the world cache of the scenario tier', () => {
  it('keys worlds by the sources the generator and the ingest import', async () => {
    const files = (await sourceClosure([join(REPO_ROOT, 'src', 'generate', 'generate.ts')])).map((f) => f.slice(REPO_ROOT.length + 1));
    expect(files).toContain('src/generate/world.ts');
    expect(files).toContain('src/contract/extracts.ts');
    expect(files.some((f) => f.startsWith('src/score/'))).toBe(false);
  });

  it('builds a world once, finds it again, and refuses one a test changed', async () => {
    process.env['CCRG_TEST_CACHE'] = await tempDir();
    const first = await buildWorld('small');
    expect(first.built).toBe(true);
    expect(first.dir).toBe(await worldDir('small'));
    expect(existsSync(join(first.data, 'truth.csv'))).toBe(true);
    const again = await buildWorld('small');
    expect(again.built).toBe(false);
    await checkWorldUnchanged('small');

    await appendFile(join(first.data, 'declarations.csv'), 'x\n');
    await expect(checkWorldUnchanged('small')).rejects.toThrow('a test changed the cached world "small" (data/declarations.csv)');
    // Removed, so the next run builds it again.
    expect(existsSync(first.dir)).toBe(false);
    expect((await buildWorld('small')).built).toBe(true);
  }, 60_000);
});
