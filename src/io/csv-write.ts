import { constants } from 'node:fs';
import { access, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { removeStaleSiblings } from './run-dir.js';
import { UsageError } from '../util/errors.js';

/** One CSV field, quoted when it holds a delimiter, quote or line break (RFC 4180). */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A text starting with one of these is read as a formula by spreadsheet programs. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number (a sign is part of it, not a formula). */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Formula-injection guard for a text cell of a CSV or XLSX file opened in a
 * spreadsheet program: a text starting with `=`, `+`, `-`, `@`, tab or CR
 * gets a leading apostrophe, so it is shown as text and never evaluated
 * (names and codes come from outside data). Plain numbers such as `-12.50`
 * are left as they are.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** A CSV cell of an output file: text guarded against formula injection (`neutraliseFormula`), then quoted as needed. */
function csvCell(value: string | number | null | undefined): string {
  return typeof value === 'string' ? csvField(neutraliseFormula(value)) : csvField(value);
}

/**
 * CSV text of an output file with a header line; LF line ends. Every text
 * cell is guarded against formula injection (`neutraliseFormula`).
 */
export function csvText(header: readonly string[], rows: Iterable<readonly (string | number | null | undefined)[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * Checks, before any work, that `path` can take a file written by
 * {@link writeFileAtomic}: not a folder, its folder creatable and writable.
 * A command whose output would fail only after its work (ingest after the
 * commit) is refused first instead, naming the flag (exit 2).
 */
export async function checkWritableFile(path: string, flag: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory() === true) throw new UsageError(`${flag} ${path} is a folder; name a file, e.g. ${join(path, 'rejects.csv')} (nothing was done)`);
  try {
    await mkdir(dirname(path), { recursive: true });
    await access(dirname(path), constants.W_OK);
    if (info !== null) await access(path, constants.W_OK);
  } catch (error) {
    throw new UsageError(`${flag} ${path} cannot be written: ${(error as Error).message} (nothing was done)`);
  }
}

/** Writes a file whole or not at all: a temporary sibling renamed over the target. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  // A write killed between the two steps leaves its temporary file: removed once its process is gone.
  await removeStaleSiblings(dirname(path), `${basename(path)}.tmp-`);
  await writeFile(temporary, content);
  await rename(temporary, path);
}
