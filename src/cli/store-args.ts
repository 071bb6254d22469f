import type { Argv } from 'yargs';
import type { FileOptions } from '../app/store.js';
import { BATCH_DEFAULTS, STORE_DEFAULT } from '../config/defaults.js';
import type { GlobalArgs } from './context.js';

/** Adds the input-file flags shared by ingest, validate, score and explain. */
export function withFileOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & FileOptions> {
  return yargs
    .option('declarations', { type: 'string', array: true, describe: 'Declaration items extract(s): CSV, CSV.gz or Parquet' })
    .option('tax-returns', { type: 'string', array: true, describe: 'VAT returns extract(s)' })
    .option('participants', { type: 'string', array: true, describe: 'Register snapshots extract(s)' })
    .option('outcomes', { type: 'string', array: true, describe: 'Inspection outcomes extract(s)' })
    .option('item-outcomes', { type: 'string', array: true, describe: 'Item-level inspection findings extract(s)' })
    .option('tax-signals', { type: 'string', array: true, describe: "The tax authority's signals about participants extract(s)" })
    .option('tax-answers', { type: 'string', array: true, describe: "The tax authority's answers to referrals extract(s)" })
    .option('traceability', { type: 'string', array: true, describe: 'Movements of traceable goods extract(s) (national traceability system)' })
    .option('eaeu-imports', { type: 'string', array: true, describe: 'Applications on the import of goods from EAEU members extract(s) (import VAT paid to the tax authority)' })
    .option('dir', { type: 'string', describe: 'Folder with extracts under standard names (declarations.csv.gz, tax_returns-2026-01.csv, ...)' })
    .option('mapping', { type: 'string', describe: 'Column mapping file (YAML, docs/mapping.md)' }) as Argv<T & FileOptions>;
}

/** The store or input files to read, and DuckDB's threads and memory limit (the export commands). */
export function withSourceOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & FileOptions & { store?: string; threads?: number; 'memory-limit'?: string }> {
  return withFileOptions(yargs)
    .option('store', { type: 'string', describe: `DuckDB store to read [default: ${STORE_DEFAULT}, unless input files are given]` })
    .option('threads', { type: 'number', describe: 'DuckDB worker threads [default: all cores]' })
    .option('memory-limit', { type: 'string', describe: `DuckDB memory limit [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<T & FileOptions & { store?: string; threads?: number; 'memory-limit'?: string }>;
}
