import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXTRACT_IDS, type ExtractId } from '../../src/contract/extracts.js';
import { parseCsv, readCsvFile, readCsvText, type CsvRecord } from '../util/csv-records.js';

/** One extract file of a generated folder, parsed. */
export interface OutputFile {
  file: string;
  extract: ExtractId;
  header: string[];
  records: CsvRecord[];
  /** Physical lines of the decompressed file. */
  rawLines: string[];
}

/** A generated folder read back: extract files, dirty.csv and truth.csv. */
export interface Output {
  files: OutputFile[];
  /** `file:line` -> rule */
  dirty: Map<string, string>;
  dirtyRows: string[][];
  truth: string[][];
}

function extractOf(file: string): ExtractId {
  // Longest stem first: item_outcomes before outcomes.
  const stem = [...EXTRACT_IDS].sort((a, b) => b.length - a.length).find((id) => file === `${id}.csv` || file === `${id}.csv.gz` || file.startsWith(`${id}-`));
  if (stem === undefined) throw new Error(`not an extract file: ${file}`);
  return stem;
}

/** Reads every file `generate` wrote into `dir`. */
export function readOutput(dir: string): Output {
  const files: OutputFile[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (file === 'dirty.csv' || file === 'truth.csv') continue;
    const text = readCsvText(join(dir, file));
    const [head, ...records] = parseCsv(text);
    files.push({ file, extract: extractOf(file), header: head?.fields ?? [], records, rawLines: text.split('\n') });
  }
  const dirtyRows = readCsvFile(join(dir, 'dirty.csv')).slice(1).map((r) => r.fields);
  const dirty = new Map(dirtyRows.map(([file, line, rule]) => [`${file}:${line}`, rule ?? '']));
  const truth = readCsvFile(join(dir, 'truth.csv')).slice(1).map((r) => r.fields);
  return { files, dirty, dirtyRows, truth };
}
