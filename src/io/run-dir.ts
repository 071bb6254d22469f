import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Replaces a folder's content as a whole: `write` fills a fresh sibling
 * folder, which then takes the target's place. If `write` fails or the
 * process dies before the swap, the previous folder is untouched; a swap
 * interrupted between its two renames is repaired by the next call.
 */
export async function replaceDirectory(target: string, write: (dir: string) => Promise<void>): Promise<void> {
  const parent = dirname(target);
  const name = basename(target);
  const previous = join(parent, `.${name}.previous`);
  await mkdir(parent, { recursive: true });
  if (!(await exists(target)) && (await exists(previous))) await rename(previous, target);
  await rm(previous, { recursive: true, force: true });
  const fresh = join(parent, `.${name}.new-${process.pid}`);
  await rm(fresh, { recursive: true, force: true });
  await mkdir(fresh);
  try {
    await write(fresh);
  } catch (error) {
    await rm(fresh, { recursive: true, force: true });
    throw error;
  }
  if (await exists(target)) await rename(target, previous);
  await rename(fresh, target);
  await rm(previous, { recursive: true, force: true });
}
