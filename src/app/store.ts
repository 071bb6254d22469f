/**
 * The one way every command gets its data: the named store (or the default
 * one), or the given input files ingested into a fresh in-memory store.
 */
import { existsSync } from 'node:fs';
import { BATCH_DEFAULTS, STORE_DEFAULT } from '../config/defaults.js';
import { loadMapping } from '../config/load-mapping.js';
import { defaultMapping } from '../config/mapping.js';
import type { ExtractId } from '../contract/extracts.js';
import { openDuckDb, type Db, type DuckDbOptions } from '../io/db.js';
import { findExtractFiles } from '../store/extract-files.js';
import { ingestFiles, type IngestInput, type IngestResult } from '../store/ingest.js';
import { declarationMonths } from '../store/months.js';
import { describeInterrupted, interruptedRows } from '../store/interrupted.js';
import { ensureStoreSchema, missingSchema } from '../store/schema.js';
import type { Clock } from '../util/clock.js';
import { ConfigError, UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/** The options naming input files, one extract each (`--declarations`, `--dir`, ...). */
export interface FileOptions {
  declarations?: string[];
  'tax-returns'?: string[];
  participants?: string[];
  outcomes?: string[];
  'item-outcomes'?: string[];
  'tax-signals'?: string[];
  'tax-answers'?: string[];
  traceability?: string[];
  'eaeu-imports'?: string[];
  dir?: string;
  mapping?: string;
}

/** DuckDB's settings as the user gives them. */
export interface EngineOptions {
  threads?: number;
  'memory-limit'?: string;
}

/** Where a command reads from: a store, or input files. */
export interface SourceOptions extends FileOptions, EngineOptions {
  store?: string;
}

/** A store to read, or files to ingest into a fresh in-memory store. */
export type Source = { store: string } | { inputs: IngestInput[]; mappingPath: string | null };

const FILE_OPTIONS: [keyof FileOptions, ExtractId][] = [
  ['participants', 'participants'],
  ['tax-returns', 'tax_returns'],
  ['declarations', 'declarations'],
  ['outcomes', 'outcomes'],
  ['item-outcomes', 'item_outcomes'],
  ['tax-signals', 'tax_signals'],
  ['tax-answers', 'tax_answers'],
  ['traceability', 'traceability'],
  ['eaeu-imports', 'eaeu_imports'],
];

/** The input files named by the options, in ingest order (participants first). */
export async function inputsOf(options: FileOptions): Promise<IngestInput[]> {
  const inputs: IngestInput[] = [];
  if (options.dir !== undefined) inputs.push(...(await findExtractFiles(options.dir)));
  for (const [option, extract] of FILE_OPTIONS) {
    for (const file of (options[option] as string[] | undefined) ?? []) inputs.push({ extract, file });
  }
  return inputs;
}

/**
 * The source of a reading command: the input files when any are given, else
 * the named store or the default one, which must exist.
 */
export async function sourceOf(options: SourceOptions, need: { declarations?: string } = {}): Promise<Source> {
  const inputs = await inputsOf(options);
  if (inputs.length > 0 && options.store !== undefined) throw new UsageError('Give either --store or input files, not both');
  if (inputs.length > 0) {
    if (need.declarations !== undefined && !inputs.some((i) => i.extract === 'declarations')) throw new UsageError(need.declarations);
    return { inputs, mappingPath: options.mapping ?? null };
  }
  const store = options.store ?? STORE_DEFAULT;
  if (store !== ':memory:' && !existsSync(store)) throw new UsageError(`The store ${store} does not exist: run ccrg ingest first, or give input files`);
  return { store };
}

/** What DuckDB's `memory_limit` accepts: a number and a unit. */
const MEMORY_LIMIT = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/** DuckDB settings from `--threads` and `--memory-limit`, over the given defaults. */
export function engineOf(options: EngineOptions, defaults: DuckDbOptions = { memoryLimit: BATCH_DEFAULTS.memoryLimit }): DuckDbOptions {
  const engine: DuckDbOptions = { ...defaults };
  const threads = options.threads;
  if (threads !== undefined) {
    if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`--threads must be a whole number >= 1, got ${String(threads)}`);
    engine.threads = threads;
  }
  const limit = options['memory-limit'];
  if (limit !== undefined) {
    if (!MEMORY_LIMIT.test(limit.trim())) throw new UsageError(`--memory-limit must be an amount of memory such as 4GB, 512MB or 1.5GiB, got "${limit}"`);
    engine.memoryLimit = limit.trim();
  }
  return engine;
}

/** An open store, and what was ingested into it when it was built from files. */
export interface OpenStore {
  db: Db;
  /** Set when the store was built from input files (fresh, in memory). */
  ingest: IngestResult | null;
}

/**
 * Opens a store read-only for a reading command. A store holding rows of an
 * ingest that was killed before it committed (src/store/interrupted.ts) is
 * refused, naming them and the remedy: reading it would mix the old state
 * with part of the new one.
 */
/** What a store made by an earlier ccrg lacks of the contract; none for a file that is not a ccrg store (no meta table). */
async function missingOf(db: Db): Promise<string[]> {
  const found = await db.all(`SELECT 1 FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main' LIMIT 1`);
  return found.length === 0 ? [] : missingSchema(db);
}

/**
 * Gives a store made by an earlier ccrg the tables and columns added to the
 * contract since (`missing`; empty: nothing stored changes), so that
 * reading commands can read it; a store that cannot be written is refused,
 * saying how to upgrade it.
 */
async function upgradeStore(path: string, engine: DuckDbOptions, missing: readonly string[]): Promise<void> {
  try {
    const writer = await openDuckDb(path, engine);
    try {
      await ensureStoreSchema(writer);
    } finally {
      writer.close();
    }
  } catch (error) {
    throw new ConfigError(
      `${path} was made by an earlier ccrg and lacks ${missing.join(', ')}, and it could not be upgraded (${(error as Error).message}): run ccrg ingest on it once, with any file already ingested`,
      { cause: error },
    );
  }
}

export async function openStoreReadOnly(path: string, engine: DuckDbOptions = {}): Promise<Db> {
  let db = await openDuckDb(path, { ...engine, readOnly: true });
  let missing: string[];
  try {
    missing = await missingOf(db);
  } catch (error) {
    db.close();
    throw error;
  }
  if (missing.length > 0) {
    db.close();
    await upgradeStore(path, engine, missing);
    db = await openDuckDb(path, { ...engine, readOnly: true });
  }
  try {
    const interrupted = await interruptedRows(db);
    if (Object.keys(interrupted).length > 0) {
      throw new ConfigError(
        `${path} holds ${describeInterrupted(interrupted)} of an ingest that was interrupted before it committed: ` +
          `run ccrg ingest on this store again (with the same files, or any one already ingested) to remove them before reading it`,
      );
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Opens a source: the named store read-only, or a fresh in-memory store filled from the files. */
export async function openSource(source: Source, engine: DuckDbOptions, clock: Clock, logger: Logger): Promise<OpenStore> {
  if ('store' in source) return { db: await openStoreReadOnly(source.store, engine), ingest: null };
  const db = await openDuckDb(':memory:', engine);
  try {
    const mapping = source.mappingPath === null ? defaultMapping() : await loadMapping(source.mappingPath);
    const ingest = await ingestFiles(db, { inputs: source.inputs, mapping, dryRun: false, maxRejectShare: null }, clock, logger);
    return { db, ingest };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Runs `work` on the opened source and closes it afterwards. */
export async function withSource<T>(source: Source, engine: DuckDbOptions, clock: Clock, logger: Logger, work: (store: OpenStore) => Promise<T>): Promise<T> {
  const store = await openSource(source, engine, clock, logger);
  try {
    return await work(store);
  } finally {
    store.db.close();
  }
}

/** The month of the latest release in a store (`--period latest`), YYYY-MM. */
export async function latestPeriod(store: string | undefined): Promise<string> {
  const path = store ?? STORE_DEFAULT;
  if (!existsSync(path)) throw new UsageError(`--period latest needs a store; ${path} does not exist: run ccrg ingest first`);
  const db = await openStoreReadOnly(path);
  try {
    const months = await declarationMonths(db);
    if (months === null) throw new UsageError(`--period latest: the store ${path} has no declarations`);
    return months.last;
  } finally {
    db.close();
  }
}
