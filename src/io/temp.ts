import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleEntries } from './stale.js';

const PREFIX = 'ccrg-';

/**
 * A fresh folder for a run's temporary files, `<tmp>/ccrg-<what>-<pid>-XXXXXX`.
 * The folders of runs that were killed before they could remove theirs
 * (their process is gone) are removed first, so a killed ingest leaves
 * nothing behind for long.
 */
export async function makeTempDir(what: string, root: string = tmpdir()): Promise<string> {
  await removeStaleTempDirs(root);
  return mkdtemp(join(root, `${PREFIX}${what}-${process.pid}-`));
}

/** Removes `ccrg-<what>-<pid>-*` folders of processes no longer running. */
function removeStaleTempDirs(root: string): Promise<void> {
  return removeStaleEntries(root, (name) => {
    const match = /^ccrg-[a-z0-9]+(?:-[a-z0-9]+)*?-(\d+)-[A-Za-z0-9]{6}$/.exec(name);
    return match === null ? null : Number(match[1]);
  });
}
