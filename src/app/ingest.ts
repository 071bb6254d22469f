/** `ccrg ingest` and `ccrg validate`: validate extracts and load their good rows into the store. */
import { INGEST_DEFAULTS, STORE_DEFAULT } from '../config/defaults.js';
import { loadMapping } from '../config/load-mapping.js';
import { defaultMapping } from '../config/mapping.js';
import { checkWritableFile, writeFileAtomic } from '../io/csv-write.js';
import { openDuckDb } from '../io/db.js';
import { formatIngestSummary } from '../report/ingest-summary.js';
import { rejectsCsv } from '../run-folder/rejects.js';
import { ingestFiles, type IngestResult } from '../store/ingest.js';
import type { Clock } from '../util/clock.js';
import { RejectShareError, UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { engineOf, inputsOf, type EngineOptions, type FileOptions } from './store.js';

/** The options of `ingest` and `validate`, as the user gives them. */
export interface IngestOptions extends FileOptions, EngineOptions {
  store?: string;
  rejects?: string;
  'max-reject-share'?: number;
}

/** What an ingest did, its summary table for the terminal, and the failure to report after it (exit 3). */
export interface IngestRun {
  result: IngestResult;
  text: string;
  /** Set when a file rejected more than `--max-reject-share`: nothing was stored. */
  failure: RejectShareError | null;
}

/**
 * Validates the given extracts and stores their good rows (`dryRun`: stores
 * nothing, the `validate` command); writes the rejects file where asked.
 * A file rejecting more than `--max-reject-share` fails the whole ingest
 * with exit 3, storing nothing.
 */
export async function ingest(options: IngestOptions, dryRun: boolean, clock: Clock, logger: Logger): Promise<IngestRun> {
  const inputs = await inputsOf(options);
  if (inputs.length === 0) throw new UsageError('Name at least one input file (e.g. --declarations FILE) or a folder with --dir');
  const share = options['max-reject-share'] ?? null;
  if (share !== null && (!Number.isFinite(share) || share < 0 || share > 1)) throw new UsageError(`--max-reject-share must be a share between 0 and 1, got ${String(share)}`);
  const engine = engineOf(options, {});
  const store = options.store ?? (dryRun ? INGEST_DEFAULTS.validateStore : STORE_DEFAULT);
  // validate stores nothing and writes only where asked.
  const rejectsPath = options.rejects ?? (dryRun ? null : INGEST_DEFAULTS.rejectsPath);
  const mapping = options.mapping === undefined ? defaultMapping() : await loadMapping(options.mapping);
  // The rejects are written after the rows are committed: a path that cannot take them is refused first.
  if (rejectsPath !== null) await checkWritableFile(rejectsPath, '--rejects');
  const db = await openDuckDb(store, engine);
  let result: IngestResult;
  try {
    result = await ingestFiles(db, { inputs, mapping, dryRun, maxRejectShare: share }, clock, logger);
    if (rejectsPath !== null) await writeFileAtomic(rejectsPath, rejectsCsv(result.rejects));
  } finally {
    db.close();
  }
  const over = result.rejectShareExceeded;
  const failure =
    over === null ? null : new RejectShareError(`${over.file}: ${over.rejected} of ${over.recordsRead} records rejected, above --max-reject-share ${String(share)}`);
  return { result, text: formatIngestSummary(result, { dryRun, rejectsPath }), failure };
}
