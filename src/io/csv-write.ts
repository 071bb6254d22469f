import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
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

/**
 * A CSV cell of an output file: text guarded against formula injection
 * (`neutraliseFormula`), then quoted as needed. The same result as
 * `csvField(neutraliseFormula(text))`, with the regular expressions run only
 * where they can matter: an output file holds millions of cells.
 */
function csvCell(value: string | number | null | undefined): string {
  // A number's text never holds a delimiter, quote or line break.
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return csvField(value);
  if (value === '') return value;
  const first = value.charCodeAt(0);
  // = + - @ tab CR: the starts FORMULA_START matches.
  const guarded = first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13 ? neutraliseFormula(value) : value;
  return needsQuotes(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** Whether a text holds a quote, comma, CR or LF, as `csvField` tests, by a loop: faster than the expression on short texts. */
function needsQuotes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 44 || c === 10 || c === 13) return true;
  }
  return false;
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

/** Lines of a CSV file encoded together: few, large pieces for the heap to hold. */
const LINES_PER_PIECE = 8192;

/**
 * The UTF-8 bytes of `csvText(header, rows)` for files of millions of
 * rows: `row(i)` gives the cells of row i of `count`, and the lines are
 * encoded a few thousand at a time, so that no line and no cell array
 * outlives its piece.
 */
export function csvBytes(header: readonly string[], count: number, row: (i: number) => readonly (string | number | null | undefined)[]): Buffer {
  const pieces = [Buffer.from(`${header.map(csvCell).join(',')}\n`, 'utf8')];
  for (let start = 0; start < count; start += LINES_PER_PIECE) {
    let text = '';
    for (let i = start; i < Math.min(count, start + LINES_PER_PIECE); i++) text += `${row(i).map(csvCell).join(',')}\n`;
    pieces.push(Buffer.from(text, 'utf8'));
  }
  return Buffer.concat(pieces);
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
  await replaceFileWith(path, (temporary) => writeFile(temporary, content));
}

/**
 * Lets `write` fill a temporary sibling of `path` (any writer: this process,
 * or DuckDB's COPY), then renames it over `path`: the file is whole or not
 * there. A failed write leaves no temporary file behind.
 */
export async function replaceFileWith(path: string, write: (temporary: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  // A write killed between the two steps leaves its temporary file: removed once its process is gone.
  await removeStaleSiblings(dirname(path), `${basename(path)}.tmp-`);
  try {
    await write(temporary);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}
