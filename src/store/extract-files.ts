import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EXTRACT_FILE_STEMS, EXTRACT_IDS, type ExtractId } from '../contract/extracts.js';
import { UsageError } from '../util/errors.js';
import type { IngestInput } from './ingest.js';

const EXTENSIONS = ['.csv', '.csv.gz', '.parquet', '.txt', '.txt.gz'];

/**
 * The extract files in a folder, by standard name: `<extract>.csv[.gz]`,
 * `<extract>.parquet`, or monthly `<extract>-YYYY-MM.<ext>` (in name order).
 */
export async function findExtractFiles(dir: string): Promise<IngestInput[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    throw new UsageError(`--dir ${dir}: folder not found`);
  }
  const inputs: IngestInput[] = [];
  for (const extract of EXTRACT_IDS) inputs.push(...names.filter((n) => isExtractFile(n, extract)).map((n) => ({ extract, file: join(dir, n) })));
  return inputs;
}

function isExtractFile(name: string, extract: ExtractId): boolean {
  const stem = EXTRACT_FILE_STEMS[extract];
  return EXTENSIONS.some((ext) => name === `${stem}${ext}` || new RegExp(`^${stem}-\\d{4}-\\d{2}${ext.replaceAll('.', '\\.')}$`).test(name));
}
