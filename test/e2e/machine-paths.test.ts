import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../scenario/worlds.js';

/** Top folders under which machines keep checkouts and homes. */
const MACHINE_ROOTS = ['work', 'home', 'root', 'Users'];

/**
 * An absolute path into one of them: a slash, the folder, a slash and a name.
 * Built from the names, so that this file itself holds no such path.
 */
const MACHINE_PATH = new RegExp(`(^|[^A-Za-z0-9_.~-])[/](${MACHINE_ROOTS.join('|')})[/][A-Za-z]`);

describe('committed files', () => {
  it('hold no absolute path of a machine, the checkout folder included', async () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
    expect(files.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const file of files) {
      const bytes = await readFile(join(REPO_ROOT, file)).catch(() => null);
      // Deleted in the working tree, or binary (gzip, xlsx): not text to read.
      if (bytes === null || bytes.includes(0)) continue;
      const text = bytes.toString('utf8');
      if (text.includes(REPO_ROOT) || MACHINE_PATH.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
