import type { Argv } from 'yargs';
import type { FileOptions } from '../app/store.js';
import type { GlobalArgs } from './context.js';

/** Adds the input-file flags shared by ingest, validate, score and explain. */
export function withFileOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & FileOptions> {
  return yargs
    .option('declarations', { type: 'string', array: true, describe: 'Declaration items extract(s): CSV, CSV.gz or Parquet' })
    .option('tax-returns', { type: 'string', array: true, describe: 'VAT returns extract(s)' })
    .option('participants', { type: 'string', array: true, describe: 'Register snapshots extract(s)' })
    .option('outcomes', { type: 'string', array: true, describe: 'Inspection outcomes extract(s)' })
    .option('item-outcomes', { type: 'string', array: true, describe: 'Item-level inspection findings extract(s)' })
    .option('dir', { type: 'string', describe: 'Folder with extracts under standard names (declarations.csv.gz, tax_returns-2026-01.csv, ...)' })
    .option('mapping', { type: 'string', describe: 'Column mapping file (YAML, docs/mapping.md)' }) as Argv<T & FileOptions>;
}
