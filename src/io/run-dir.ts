import { copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { removeStaleEntries } from './stale.js';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../util/errors.js';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** What a folder must hold to be replaced: the file that marks it as ccrg's, and the flag that named it. */
export interface OwnedFolder {
  /** `manifest.json` for a run folder, `model.json` for a model folder. */
  marker: string;
  /** Other files that mark it as well (a run folder holding item scores only). */
  otherMarkers?: readonly string[];
  /** The flag or word that named the folder, for the error (e.g. `--out`). */
  flag: string;
}

/** A run folder `out/<period>` (docs/outputs.md): marked by its manifest, or by the item scores' manifest. */
export const RUN_FOLDER: OwnedFolder = { marker: 'manifest.json', otherMarkers: ['items-manifest.json'], flag: '--out' };

/** A model folder (`ccrg train --out`): marked by its artifact. */
export const MODEL_FOLDER: OwnedFolder = { marker: 'model.json', flag: '--out' };

/**
 * Refuses to replace anything but a folder ccrg made: an existing path that
 * is a file, or a folder with content but without `owned.marker`, is the
 * user's (documents, the working folder, the store's folder) and is left
 * untouched (exit 2). A missing or empty folder is fine.
 */
export async function checkReplaceable(target: string, owned: OwnedFolder): Promise<void> {
  let info;
  try {
    info = await stat(target);
  } catch {
    return;
  }
  if (!info.isDirectory()) throw new UsageError(`${owned.flag} ${target} is a file, not a folder: name a new folder (nothing was written)`);
  const entries = await readdir(target);
  if (entries.length > 0 && ![owned.marker, ...(owned.otherMarkers ?? [])].some((m) => entries.includes(m))) {
    throw new UsageError(
      `${owned.flag} ${target} is a folder with other files and no ${owned.marker}: ccrg replaces its output folders as a whole, so it will not replace this one; name a new or empty folder, or one ccrg wrote (nothing was written)`,
    );
  }
}

/**
 * Replaces a folder's content as a whole: `write` fills a fresh sibling
 * folder, which then takes the target's place. If `write` fails or the
 * process dies before the swap, the previous folder is untouched; a swap
 * interrupted between its two renames is repaired by the next call. With
 * `owned`, a target that is not ccrg's own folder is refused before any
 * work ({@link checkReplaceable}).
 */
export async function replaceDirectory(target: string, write: (dir: string) => Promise<void>, owned?: OwnedFolder): Promise<void> {
  const parent = dirname(target);
  const name = basename(target);
  const previous = join(parent, `.${name}.previous`);
  if (owned !== undefined) await checkReplaceable(target, owned);
  await mkdir(parent, { recursive: true });
  if (!(await exists(target)) && (await exists(previous))) await rename(previous, target);
  await rm(previous, { recursive: true, force: true });
  const fresh = join(parent, `.${name}.new-${process.pid}`);
  await rm(fresh, { recursive: true, force: true });
  // A run killed while it wrote leaves its fresh folder behind: removed once its process is gone.
  await removeStaleSiblings(parent, `.${name}.new-`);
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

/** Removes `<prefix><pid>` entries of a folder whose process is no longer running (left by a killed run). */
export function removeStaleSiblings(parent: string, prefix: string): Promise<void> {
  return removeStaleEntries(parent, (name) => (name.startsWith(prefix) ? Number(name.slice(prefix.length)) : null));
}

/** Links (or copies) a folder's tree into another, skipping the named top-level entries. */
async function carryOver(from: string, to: string, skip: ReadonlySet<string>): Promise<void> {
  if (!(await exists(from))) return;
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) {
      await mkdir(target);
      await carryOver(source, target, new Set());
    } else {
      try {
        await link(source, target);
      } catch {
        await copyFile(source, target);
      }
    }
  }
}

/**
 * Replaces some files of a run folder as a whole: the folder is rebuilt
 * beside itself (every other file linked in unchanged, `names` left out for
 * `write` to make fresh) and swapped in ({@link replaceDirectory}), so a run
 * that fails or is killed leaves the previous complete set.
 */
export async function replaceFilesOf(outDir: string, names: readonly string[], write: (dir: string) => Promise<void>): Promise<void> {
  await replaceDirectory(
    outDir,
    async (fresh) => {
      await carryOver(outDir, fresh, new Set(names));
      await write(fresh);
    },
    RUN_FOLDER,
  );
}
