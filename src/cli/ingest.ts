import type { Argv, CommandModule } from 'yargs';
import { ingest, type IngestOptions } from '../app/ingest.js';
import { INGEST_DEFAULTS, STORE_DEFAULT } from '../config/defaults.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { withFileOptions } from './store-args.js';

type IngestArgs = GlobalArgs & IngestOptions;

function withIngestOptions(yargs: Argv<GlobalArgs>): Argv<IngestArgs> {
  return withFileOptions(yargs)
    .option('store', { type: 'string', describe: `DuckDB store file, or :memory: [default: ${STORE_DEFAULT}]` })
    .option('rejects', { type: 'string', describe: `Where to write the rejected rows [default: ${INGEST_DEFAULTS.rejectsPath} for ingest, none for validate]` })
    .option('plan', { type: 'string', describe: 'Plan folder (out/<period>) the --outcomes files are filled outcomes templates of: rows are checked against it, rows without a result reported as open' })
    .option('max-reject-share', { type: 'number', describe: 'Fail with exit 3, storing nothing, when a file rejects more than this share (0-1)' })
    .option('threads', { type: 'number', describe: 'DuckDB worker threads [default: all cores]' })
    .option('memory-limit', { type: 'string', describe: 'DuckDB memory limit, e.g. 4GB [default: DuckDB default]' }) as Argv<IngestArgs>;
}

async function handle(args: IngestArgs, dryRun: boolean): Promise<void> {
  const ctx = contextFromArgs(args);
  const run = await ingest(args, dryRun, ctx.clock, ctx.logger);
  ctx.stdout(run.text);
  if (run.failure !== null) throw run.failure;
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
