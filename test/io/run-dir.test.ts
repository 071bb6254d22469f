import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceDirectory, RUN_FOLDER } from '../../src/io/run-dir.js';
import { writeFileAtomic } from '../../src/io/csv-write.js';
import { UsageError } from '../../src/util/errors.js';
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

describe('output folders that are not ccrg\'s', () => {
  it('are refused whole and left untouched: a folder of documents, a plain file', async () => {
    const root = await tempDir();
    const documents = join(root, 'documents');
    await mkdir(documents);
    await writeFile(join(documents, 'letter.docx'), 'mine');
    const write = async (dir: string): Promise<void> => writeFile(join(dir, 'manifest.json'), '{}');
    await expect(replaceDirectory(documents, write, RUN_FOLDER)).rejects.toThrow(UsageError);
    await expect(replaceDirectory(documents, write, RUN_FOLDER)).rejects.toThrow(`--out ${documents} is a folder with other files and no manifest.json`);
    expect(await readdir(documents)).toEqual(['letter.docx']);
    const file = join(root, 'notes.txt');
    await writeFile(file, 'mine');
    await expect(replaceDirectory(file, write, RUN_FOLDER)).rejects.toThrow(`--out ${file} is a file, not a folder`);
    expect(await readFile(file, 'utf8')).toBe('mine');
    expect((await readdir(root)).sort()).toEqual(['documents', 'notes.txt']);
  });

  it('let a new folder, an empty one and an earlier run be written', async () => {
    const root = await tempDir();
    const write = async (dir: string): Promise<void> => writeFile(join(dir, 'manifest.json'), '{}');
    await replaceDirectory(join(root, 'new'), write, RUN_FOLDER);
    await mkdir(join(root, 'empty'));
    await replaceDirectory(join(root, 'empty'), write, RUN_FOLDER);
    await replaceDirectory(join(root, 'new'), write, RUN_FOLDER);
    expect(await readdir(join(root, 'new'))).toEqual(['manifest.json']);
    expect(await readdir(join(root, 'empty'))).toEqual(['manifest.json']);
  });
});

describe('temporary files of killed runs (issue 13, item 13)', () => {
  // A pid far above any the kernel hands out here: no such process.
  const DEAD = 4_000_000;

  it('removes a killed run folder swap and a killed atomic write at the next start, never a live one', async () => {
    const parent = await tempDir();
    const target = join(parent, '2026-06');
    await mkdir(join(parent, `.2026-06.new-${DEAD}`), { recursive: true });
    await writeFile(join(parent, `.2026-06.new-${DEAD}`, 'ranked.csv'), 'half');
    await mkdir(join(parent, `.2026-06.new-${process.ppid}`));
    await replaceDirectory(target, async (dir) => writeFile(join(dir, 'manifest.json'), '{}'));
    expect((await readdir(parent)).sort()).toEqual(['.2026-06.new-' + String(process.ppid), '2026-06']);

    await writeFile(join(parent, `rejects.csv.tmp-${DEAD}`), 'half');
    await writeFileAtomic(join(parent, 'rejects.csv'), 'file\n');
    expect((await readdir(parent)).filter((n) => n.startsWith('rejects.csv')).sort()).toEqual(['rejects.csv']);
  });
});
