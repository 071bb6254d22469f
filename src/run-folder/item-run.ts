/** The item set of a period as its run folder holds it (`score --level item`): manifest, items and roll-up, checked against the manifest's hashes. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import { ITEM_ROLL_UP_FILE, ITEMS_FILE, ITEMS_MANIFEST_FILE, missingItemFiles, readItemRollUp, readItems, readItemsManifest, type ItemRollUpRow, type ItemRow, type ItemsManifest } from './items.js';

/** An item set read back. */
export interface ItemRun {
  manifest: ItemsManifest;
  /** items.csv, riskiest first. */
  items: ItemRow[];
  /** items-by-participant.csv, riskiest importer first. */
  rollUp: ItemRollUpRow[];
  /** sha256 of items.csv's bytes. */
  itemsSha256: string;
  /** sha256 of items-by-participant.csv's bytes. */
  rollUpSha256: string;
}

/**
 * Reads the item set in `dir`; null when the folder holds none of its files.
 * A set with a file missing, or a file whose bytes differ from the hash
 * items-manifest.json recorded (edited after scoring), is a ConfigError
 * naming the file: a plan on it would not be on the scored items.
 */
export async function readItemRun(dir: string): Promise<ItemRun | null> {
  const missing = missingItemFiles(dir);
  if (missing.length === 3) return null;
  if (missing.length > 0) {
    throw new ConfigError(`${join(dir, missing[0] as string)} is missing from the item set of ${dir}: score the items again (ccrg score --level item --model PATH --period P --out ${dir}) rather than remove its files`);
  }
  const manifest = await readItemsManifest(dir);
  const hashes: Record<string, string> = {};
  for (const name of [ITEMS_FILE, ITEM_ROLL_UP_FILE]) {
    hashes[name] = sha256Hex(await readFile(join(dir, name)));
    if (manifest.outputs[name] !== hashes[name]) {
      throw new ConfigError(
        `${join(dir, name)} was changed after ccrg score --level item wrote it (its sha256 differs from ${ITEMS_MANIFEST_FILE}): score the items again (ccrg score --level item --model PATH --period ${manifest.period} --out ${dir}) rather than edit its files`,
      );
    }
  }
  return {
    manifest,
    items: await readItems(join(dir, ITEMS_FILE)),
    rollUp: await readItemRollUp(join(dir, ITEM_ROLL_UP_FILE)),
    itemsSha256: hashes[ITEMS_FILE] as string,
    rollUpSha256: hashes[ITEM_ROLL_UP_FILE] as string,
  };
}
