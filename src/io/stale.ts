import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Whether a process is still running (a signal 0 probe): a temporary file named after a dead one is stale. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the entries of a folder that a killed run left: those whose name
 * carries the pid of a process no longer running (`pidOf` reads it, null
 * for a name that is not such an entry). This process's own are kept.
 */
export async function removeStaleEntries(parent: string, pidOf: (name: string) => number | null): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = pidOf(name);
    if (pid !== null && Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) await rm(join(parent, name), { recursive: true, force: true });
  }
}
