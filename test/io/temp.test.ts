import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../src/io/temp.js';
import { tempDir } from '../util/fixtures.js';

describe('makeTempDir (issue 13, item 13)', () => {
  it('removes the temporary folders of killed runs, never a live run’s or anything else', async () => {
    const root = await tempDir();
    // A pid above any the kernel hands out here: a run killed long ago.
    const stale = join(root, 'ccrg-ingest-4000000-AbC123');
    const live = join(root, `ccrg-source-${process.ppid}-XyZ789`);
    const other = join(root, 'ccrg-notes');
    for (const dir of [stale, live, other]) await mkdir(dir);
    const made = await makeTempDir('ingest', root);
    expect(made.startsWith(join(root, `ccrg-ingest-${process.pid}-`))).toBe(true);
    expect([existsSync(stale), existsSync(live), existsSync(other), existsSync(made)]).toEqual([false, true, true, true]);
  });
});
