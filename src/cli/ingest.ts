import type { Argv, CommandModule } from 'yargs';
import { INGEST_DEFAULTS } from '../config/defaults.js';
import { runIngest, type IngestConfig } from '../pipeline.js';
import { formatIngestSummary } from '../report/ingest-summary.js';
import { RejectShareError, UsageError } from '../util/errors.js';
import { contextFromArgs, duckDbOptionsFromArgs, type GlobalArgs } from './context.js';
import { inputsFromArgs, withFileOptions, type FileArgs } from './store-args.js';

interface IngestArgs extends GlobalArgs, FileArgs {
  store?: string;
  rejects?: string;
  'max-reject-share'?: number;
  threads?: number;
  'memory-limit'?: string;
}

function withIngestOptions(yargs: Argv<GlobalArgs>): Argv<IngestArgs> {
  return withFileOptions(yargs)
    .option('store', { type: 'string', describe: `DuckDB store file, or :memory: [default: ${INGEST_DEFAULTS.store}]` })
    .option('rejects', { type: 'string', describe: `Where to write the rejected rows [default: ${INGEST_DEFAULTS.rejectsPath} for ingest, none for validate]` })
    .option('max-reject-share', { type: 'number', describe: 'Fail with exit 3, storing nothing, when a file rejects more than this share (0-1)' })
    .option('threads', { type: 'number', describe: 'DuckDB worker threads [default: all cores]' })
    .option('memory-limit', { type: 'string', describe: 'DuckDB memory limit, e.g. 4GB [default: DuckDB default]' }) as Argv<IngestArgs>;
}

async function configFromArgs(args: IngestArgs, dryRun: boolean): Promise<IngestConfig> {
  const inputs = await inputsFromArgs(args);
  const share = args['max-reject-share'];
  if (share !== undefined && (!Number.isFinite(share) || share < 0 || share > 1)) {
    throw new UsageError(`--max-reject-share must be a share between 0 and 1, got ${String(share)}`);
  }
  const duckdb = duckDbOptionsFromArgs(args);
  return {
    inputs,
    mappingPath: args.mapping ?? null,
    store: args.store ?? (dryRun ? INGEST_DEFAULTS.validateStore : INGEST_DEFAULTS.store),
    // validate stores nothing and writes only where asked.
    rejectsPath: args.rejects ?? (dryRun ? null : INGEST_DEFAULTS.rejectsPath),
    dryRun,
    maxRejectShare: share ?? null,
    duckdb,
  };
}

async function handle(args: IngestArgs, dryRun: boolean): Promise<void> {
  const ctx = contextFromArgs(args);
  const config = await configFromArgs(args, dryRun);
  const result = await runIngest(config, ctx.clock, ctx.logger);
  ctx.stdout(formatIngestSummary(result, { dryRun, rejectsPath: config.rejectsPath }));
  const over = result.rejectShareExceeded;
  if (over !== null) {
    throw new RejectShareError(
      `${over.file}: ${over.rejected} of ${over.recordsRead} records rejected, above --max-reject-share ${String(config.maxRejectShare)}`,
    );
  }
}

/** `ccrg ingest`: validate extracts and load their good rows into the store. */
export const ingestCommand: CommandModule<GlobalArgs, IngestArgs> = {
  command: 'ingest',
  describe: 'Validate extracts and load them into the store (rejected rows go to the rejects file)',
  builder: withIngestOptions,
  handler: (args) => handle(args, false),
};

/** `ccrg validate`: the same checks as ingest, writing nothing to the store. */
export const validateCommand: CommandModule<GlobalArgs, IngestArgs> = {
  command: 'validate',
  describe: 'Check extracts as ingest would (also against an existing --store) without storing anything',
  builder: withIngestOptions,
  handler: (args) => handle(args, true),
};
