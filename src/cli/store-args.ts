import type { Argv } from 'yargs';
import type { ExtractId } from '../contract/extracts.js';
import { findExtractFiles } from '../pipeline.js';
import type { IngestInput } from '../store/ingest.js';
import type { GlobalArgs } from './context.js';

/** Flags naming the input files of one extract each. */
export interface FileArgs {
  declarations?: string[];
  'tax-returns'?: string[];
  participants?: string[];
  outcomes?: string[];
  'item-outcomes'?: string[];
  dir?: string;
  mapping?: string;
}

const FILE_FLAGS: [keyof FileArgs, ExtractId][] = [
  ['participants', 'participants'],
  ['tax-returns', 'tax_returns'],
  ['declarations', 'declarations'],
  ['outcomes', 'outcomes'],
  ['item-outcomes', 'item_outcomes'],
];

/** Adds the input-file flags shared by ingest, validate, score and explain. */
export function withFileOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & FileArgs> {
  return yargs
    .option('declarations', { type: 'string', array: true, describe: 'Declaration items extract(s): CSV, CSV.gz or Parquet' })
    .option('tax-returns', { type: 'string', array: true, describe: 'VAT returns extract(s)' })
    .option('participants', { type: 'string', array: true, describe: 'Register snapshots extract(s)' })
    .option('outcomes', { type: 'string', array: true, describe: 'Inspection outcomes extract(s)' })
    .option('item-outcomes', { type: 'string', array: true, describe: 'Item-level inspection findings extract(s)' })
    .option('dir', { type: 'string', describe: 'Folder with extracts under standard names (declarations.csv.gz, tax_returns-2026-01.csv, ...)' })
    .option('mapping', { type: 'string', describe: 'Column mapping file (YAML, docs/mapping.md)' }) as Argv<T & FileArgs>;
}

/** The input files named by the flags, in ingest order (participants first). */
export async function inputsFromArgs(args: FileArgs): Promise<IngestInput[]> {
  const inputs: IngestInput[] = [];
  if (args.dir !== undefined) inputs.push(...(await findExtractFiles(args.dir)));
  for (const [flag, extract] of FILE_FLAGS) {
    for (const file of (args[flag] as string[] | undefined) ?? []) inputs.push({ extract, file });
  }
  return inputs;
}
