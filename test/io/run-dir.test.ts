import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceDirectory } from '../../src/io/run-dir.js';
import { tempDir } from '../util/fixtures.js';

describe('replaceDirectory', () => {
  it('replaces the whole set of files', async () => {
    const root = await tempDir();
    const target = join(root, '2026-06');
    await replaceDirectory(target, async (dir) => {
      await writeFile(join(dir, 'a.csv'), 'old a');
      await writeFile(join(dir, 'b.csv'), 'old b');
    });
    await replaceDirectory(target, async (dir) => writeFile(join(dir, 'a.csv'), 'new a'));
    expect(await readdir(target)).toEqual(['a.csv']);
    expect(await readFile(join(target, 'a.csv'), 'utf8')).toBe('new a');
    expect(await readdir(root)).toEqual(['2026-06']);
  });

  it('keeps the previous set when writing fails midway', async () => {
    const root = await tempDir();
    const target = join(root, '2026-06');
    await replaceDirectory(target, async (dir) => writeFile(join(dir, 'a.csv'), 'old a'));
    await expect(
      replaceDirectory(target, async (dir) => {
        await writeFile(join(dir, 'a.csv'), 'half');
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(await readFile(join(target, 'a.csv'), 'utf8')).toBe('old a');
    expect(await readdir(root)).toEqual(['2026-06']);
  });

  it('restores the previous set after a swap cut between its renames', async () => {
    const root = await tempDir();
    const target = join(root, '2026-06');
    await replaceDirectory(target, async (dir) => writeFile(join(dir, 'a.csv'), 'old a'));
    const { rename } = await import('node:fs/promises');
    await rename(target, join(root, '.2026-06.previous'));
    await expect(replaceDirectory(target, async () => {
      throw new Error('killed again');
    })).rejects.toThrow('killed again');
    expect(await readFile(join(target, 'a.csv'), 'utf8')).toBe('old a');
  });
});
