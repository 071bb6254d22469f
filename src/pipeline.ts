import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EXTRACT_FILE_STEMS, EXTRACT_IDS, type ExtractId } from './contract/extracts.js';
import { loadMapping } from './config/load-mapping.js';
import { defaultMapping } from './config/mapping.js';
import { checkWritableFile, writeFileAtomic } from './io/csv-write.js';
import { rejectsCsv } from './report/rejects.js';
import { openDuckDb, type DuckDbOptions } from './io/db.js';
import { ingestFiles, type IngestInput, type IngestResult } from './store/ingest.js';
import type { Clock } from './util/clock.js';
import { UsageError } from './util/errors.js';
import type { Logger } from './util/logger.js';

/** Everything `ccrg ingest` and `ccrg validate` need, defaults resolved. */
export interface IngestConfig {
  inputs: IngestInput[];
  mappingPath: string | null;
  /** DuckDB file, or `:memory:`. */
  store: string;
  /** Where the rejects CSV goes; null writes none (validate without --rejects). */
  rejectsPath: string | null;
  dryRun: boolean;
  maxRejectShare: number | null;
  duckdb: DuckDbOptions;
}

/** Runs an ingest (or a dry-run validation) and writes the rejects file. */
export async function runIngest(config: IngestConfig, clock: Clock, logger: Logger): Promise<IngestResult> {
  if (config.inputs.length === 0) throw new UsageError('Name at least one input file (e.g. --declarations FILE) or a folder with --dir');
  const mapping = config.mappingPath === null ? defaultMapping() : await loadMapping(config.mappingPath);
  // The rejects are written after the rows are committed: a path that cannot take them is refused first.
  if (config.rejectsPath !== null) await checkWritableFile(config.rejectsPath, '--rejects');
  const db = await openDuckDb(config.store, config.duckdb);
  try {
    const result = await ingestFiles(db, { inputs: config.inputs, mapping, dryRun: config.dryRun, maxRejectShare: config.maxRejectShare }, clock, logger);
    if (config.rejectsPath !== null) await writeFileAtomic(config.rejectsPath, rejectsCsv(result.rejects));
    return result;
  } finally {
    db.close();
  }
}

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
