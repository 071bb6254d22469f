import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { makeTempDir } from './temp.js';
import { join } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import type { Delimiter, Encoding } from './formats.js';
import { InputFileError } from '../util/errors.js';
import { CsvScanner, MAX_RECORD_BYTES, sniffDelimiter, splitCsvRecord, type CsvScanResult, type RecordFault } from './csv-scan.js';

/** A CSV input ready for DuckDB: where to read it and what the independent scan found. */
export interface CsvSource {
  format: 'csv';
  /** The file as given (for messages, lineage and rejects). */
  file: string;
  /**
   * The file DuckDB reads: a normalised copy (UTF-8, LF line ends, no blank
   * lines, no refused records) whose every line starts with one more field,
   * the record's physical line in `file` (the header line with a placeholder
   * name), so that DuckDB reads each row's line in parallel with its fields.
   */
  readPath: string;
  sha256: string;
  delimiter: string;
  header: string[];
  scan: CsvScanResult;
  /** Ordinals (scan order) of the records in `readPath`, ascending. */
  keptOrdinals: Int32Array;
  /** Byte offset in `readPath` where each of those records starts. */
  keptOffsets: Float64Array;
  /** Removes temporary files. */
  cleanup(): Promise<void>;
}

/** A Parquet input: DuckDB reads it directly; line numbers are 1-based row numbers. */
export interface ParquetSource {
  format: 'parquet';
  file: string;
  readPath: string;
  sha256: string;
  header: string[];
  cleanup(): Promise<void>;
}

export type Source = CsvSource | ParquetSource;

/** How to read a CSV file (from the mapping). */
export interface CsvReadOptions {
  encoding: Encoding;
  delimiter: Delimiter;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const PARQUET_MAGIC = 'PAR1';
const CHUNK = 1 << 20;

/**
 * Opens an input file: checks it exists and is readable, recognises Parquet
 * and gzip, hashes the bytes, transcodes Windows-1251 to a temporary UTF-8
 * file, checks UTF-8, finds the delimiter and header, and scans the records.
 * A second streaming pass writes the records the scan did not refuse to a
 * normalised temporary copy for DuckDB, each line led by its physical line
 * number. Whole-file faults throw `InputFileError` naming the file (and line).
 */
export async function openSource(file: string, options: CsvReadOptions): Promise<Source> {
  const magic = await readMagic(file);
  if (magic.subarray(0, 4).toString('latin1') === PARQUET_MAGIC) {
    return { format: 'parquet', file, readPath: file, sha256: await hashFile(file), header: [], cleanup: async () => undefined };
  }
  const compression = magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1] ? 'gzip' : 'none';
  const delimiter = options.delimiter === 'auto' ? await sniffFileDelimiter(file, compression, options.encoding) : options.delimiter;
  const scanner = new CsvScanner(delimiter);
  const hash = createHash('sha256');
  let tempDir: string | null = null;
  let readPath = file;
  let out: ReturnType<typeof createWriteStream> | null = null;
  if (options.encoding === 'windows-1251') {
    tempDir = await makeTempDir('source');
    readPath = join(tempDir, 'utf8.csv');
    out = createWriteStream(readPath);
  }
  const cleanup = async (): Promise<void> => {
    if (tempDir !== null) await rm(tempDir, { recursive: true, force: true });
  };
  try {
    const checker = options.encoding === 'utf-8' ? new Utf8Checker(file) : null;
    const decoder = options.encoding === 'windows-1251' ? iconv.getDecoder('win1251') : null;
    for await (const raw of decodedChunks(file, compression, hash)) {
      if (decoder !== null && out !== null) {
        const utf8 = Buffer.from(decoder.write(raw), 'utf8');
        scanner.push(utf8);
        if (!out.write(utf8)) await new Promise<void>((resolve) => out?.once('drain', () => resolve()));
      } else {
        checker?.push(raw);
        scanner.push(raw);
      }
    }
    checker?.finish();
    if (out !== null) await closeStream(out);
    const scan = scanner.finish();
    if (scan.headerFault !== null) throw new InputFileError(file, headerFaultText(scan.headerFault, scan.headerLine));
    const headerText = stripBom(Buffer.from(scan.headerBytes).toString('utf8'));
    if (headerText.trim() === '') {
      const blank = scan.blankLines > 0 ? ` (it has ${scan.blankLines} blank ${scan.blankLines === 1 ? 'line' : 'lines'})` : '';
      throw new InputFileError(file, `the file is empty${blank}: expected a header line with column names`);
    }
    const header = splitCsvRecord(headerText, delimiter).map((name) => name.trim());
    if (header.length === 1) {
      const likely = sniffDelimiter(headerText);
      if (likely !== delimiter) {
        throw new InputFileError(
          file,
          `the header is a single column ${JSON.stringify(headerText.slice(0, 80))} with delimiter ${JSON.stringify(delimiter)}; ` +
            `the file seems to be delimited by ${JSON.stringify(likely)}: set delimiter in the mapping`,
        );
      }
    }
    const sha256 = hash.digest('hex');
    // Always a copy, even of a file DuckDB could read as it is: numbering DuckDB's rows from the scan's
    // lines in the read itself (a POSITIONAL JOIN) reads on one thread, and the numbered copy costs less
    // than that (docs/performance.md, "Ingest").
    tempDir ??= await makeTempDir('source');
    const copyPath = join(tempDir, 'well-formed.csv');
    // The bytes were hashed by the first pass: this one only copies them.
    const decoded = readPath === file ? decodedChunks(file, compression, null) : plainChunks(readPath);
    const kept = await writeWellFormedCopy(decoded, scan, copyPath, delimiter);
    if (readPath !== file) await rm(readPath, { force: true });
    return { format: 'csv', file, readPath: copyPath, sha256, delimiter, header, scan, ...kept, cleanup };
  } catch (error) {
    out?.destroy();
    await cleanup();
    throw error;
  }
}

async function readMagic(file: string): Promise<Buffer> {
  let info;
  try {
    info = await stat(file);
  } catch (cause) {
    throw new InputFileError(file, 'file not found', { cause });
  }
  if (!info.isFile()) throw new InputFileError(file, 'not a regular file');
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(4);
      await handle.read(buffer, 0, 4, 0);
      return buffer;
    } finally {
      await handle.close();
    }
  } catch (cause) {
    throw new InputFileError(file, `cannot be read: ${(cause as Error).message}`, { cause });
  }
}

async function* decodedChunks(file: string, compression: 'gzip' | 'none', hash: ReturnType<typeof createHash> | null): AsyncGenerator<Buffer> {
  const input = createReadStream(file, { highWaterMark: CHUNK });
  if (compression === 'none') {
    try {
      for await (const chunk of input) {
        hash?.update(chunk as Buffer);
        yield chunk as Buffer;
      }
    } finally {
      input.destroy();
    }
    return;
  }
  // pipe() reads with 'data' events, so one more listener sees the same compressed bytes.
  if (hash !== null) input.on('data', (chunk) => hash.update(chunk as Buffer));
  const gunzip = createGunzip({ chunkSize: CHUNK });
  input.pipe(gunzip);
  input.on('error', (error) => gunzip.destroy(error));
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (cause) {
    throw new InputFileError(file, `is not a valid gzip file: ${(cause as Error).message}`, { cause });
  } finally {
    input.destroy();
  }
}

async function* plainChunks(path: string): AsyncGenerator<Buffer> {
  const input = createReadStream(path, { highWaterMark: CHUNK });
  try {
    for await (const chunk of input) yield chunk as Buffer;
  } finally {
    input.destroy();
  }
}

/**
 * Writes the header and every record the scan did not refuse, each ending
 * in LF, copying their bytes from the decoded stream (one streaming pass;
 * CRLF line ends, blank lines and refused records are left out). Records
 * that follow each other with an LF between them are copied as one run;
 * each chunk's output is written at once. Returns the ordinals of the
 * records written and their offsets in the copy.
 */
async function writeWellFormedCopy(
  chunks: AsyncIterable<Buffer>,
  scan: CsvScanResult,
  path: string,
  delimiter: string,
): Promise<{ keptOrdinals: Int32Array; keptOffsets: Float64Array }> {
  const refused = new Uint8Array(scan.records);
  for (const r of scan.refused) refused[r.ordinal] = 1;
  const keptOrdinals = new Int32Array(scan.records - scan.refused.length);
  for (let k = 0, j = 0; k < scan.records; k++) if (refused[k] === 0) keptOrdinals[j++] = k;
  const keptOffsets = new Float64Array(keptOrdinals.length);
  const stream = createWriteStream(path);
  const put = async (bytes: Uint8Array): Promise<void> => {
    if (!stream.write(bytes)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  };
  const header = scan.headerBytes;
  const bom = header[0] === 0xef && header[1] === 0xbb && header[2] === 0xbf ? 3 : 0;
  const headerLine = Buffer.concat([Buffer.from(`line${delimiter}`), header.subarray(bom), LF_BYTE]);
  await put(headerLine);
  let written = headerLine.length;
  let j = 0; // index into keptOrdinals of the record being copied
  let started = false;
  let base = 0;
  const delimiterByte = Buffer.from(delimiter)[0] as number;
  const { recordOffsets, recordLengths, recordLines } = scan;
  for await (const chunk of chunks) {
    const end = base + chunk.length;
    // One output buffer per chunk, no allocation per record: the chunk's bytes, and for each record starting in
    // it a line number (at most 10 digits) and a delimiter, and an LF for each record it ends.
    let starting = 0;
    for (let m = j; m < keptOrdinals.length && (recordOffsets[keptOrdinals[m] as number] as number) < end; m++) starting++;
    const out = Buffer.allocUnsafe(chunk.length + 12 * starting + 1);
    let at = 0;
    while (j < keptOrdinals.length) {
      const k = keptOrdinals[j] as number;
      const from = recordOffsets[k] as number;
      const to = from + (recordLengths[k] as number);
      if (from >= end) break;
      const lo = Math.max(from, base) - base;
      if (!started) {
        // The record's line starts here: its physical line number first, as a field of its own.
        keptOffsets[j] = written + at;
        started = true;
        at = writeDecimal(out, at, recordLines[k] as number);
        out[at++] = delimiterByte;
      }
      if (to >= end) {
        // The record's line end is in a later chunk.
        at += chunk.copy(out, at, lo, chunk.length);
        break;
      }
      if (chunk[to - base] === 0x0a) at += chunk.copy(out, at, lo, to - base + 1);
      else {
        at += chunk.copy(out, at, lo, to - base);
        out[at++] = 0x0a;
      }
      j++;
      started = false;
    }
    if (at > 0) await put(out.subarray(0, at));
    written += at;
    base = end;
  }
  if (started) {
    // The last record ends the stream without a line end.
    await put(LF_BYTE);
    j++;
  }
  await closeStream(stream);
  if (j !== keptOrdinals.length) throw new Error(`${path}: internal error: ${keptOrdinals.length} records to copy, ${j} copied`);
  return { keptOrdinals, keptOffsets };
}

const LF_BYTE = new Uint8Array([0x0a]);

/** Writes the decimal digits of `n` (a whole number, 0 or more) into `out` at `at`; returns the position after them. */
function writeDecimal(out: Buffer, at: number, n: number): number {
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  for (let d = at + digits - 1, x = n; d >= at; d--, x = Math.floor(x / 10)) out[d] = 48 + (x % 10);
  return at + digits;
}

/** Why a header cannot be read, in words. */
function headerFaultText(fault: RecordFault, line: number): string {
  switch (fault) {
    case 'unclosed_quote':
      return `the header (line ${line}) opens a quote that is not closed`;
    case 'text_after_quote':
      return `the header (line ${line}) has a quoted name followed by other text (a quote inside a name must be doubled)`;
    case 'bare_cr':
      return (
        `the header (line ${line}) holds a carriage return (CR) not followed by a line feed; ` +
        'if every line ends with a bare CR (old Mac line ends), convert the file to LF or CRLF line ends'
      );
    case 'too_long':
      return `the header (line ${line}) is longer than ${MAX_RECORD_BYTES / (1024 * 1024)} MiB: it cannot be a header line`;
    case 'spaced_quote':
      return `the header (line ${line}) has a name with spaces before a quote: remove the spaces or quote the whole name`;
    case 'ragged':
      return `the header (line ${line}) cannot be read`;
  }
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sniffFileDelimiter(file: string, compression: 'gzip' | 'none', encoding: Encoding): Promise<string> {
  let head = Buffer.alloc(0);
  const ignore = createHash('sha256');
  for await (const chunk of decodedChunks(file, compression, ignore)) {
    head = Buffer.concat([head, chunk]);
    if (head.indexOf(0x0a) >= 0 || head.length > 1 << 20) break;
  }
  const text = encoding === 'windows-1251' ? iconv.decode(head, 'win1251') : head.toString('utf8');
  const firstLine = stripBom(text).replace(/^[\r\n]+/, '').split('\n')[0] ?? '';
  return sniffDelimiter(firstLine);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function closeStream(stream: ReturnType<typeof createWriteStream>): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/**
 * Checks that a byte stream is valid UTF-8, chunk by chunk, carrying an
 * incomplete trailing sequence to the next chunk. Names the line of the
 * first bad byte.
 */
class Utf8Checker {
  private carry: Buffer = Buffer.alloc(0);
  private linesBefore = 0; // newlines in bytes already checked

  constructor(private readonly file: string) {}

  push(chunk: Buffer): void {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = data.length - incompleteTail(data);
    const body = data.subarray(0, end);
    if (!isUtf8(body)) this.fail(body);
    this.linesBefore += countNewlines(body);
    this.carry = Buffer.from(data.subarray(end));
  }

  finish(): void {
    if (this.carry.length > 0) this.fail(this.carry);
  }

  private fail(bytes: Buffer): never {
    if (this.linesBefore === 0 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
      throw new InputFileError(this.file, `the file is UTF-16 (it starts with the byte order mark ${bytes[0] === 0xff ? 'FF FE' : 'FE FF'}): save it as UTF-8 or Windows-1251`);
    }
    const at = firstInvalidUtf8(bytes);
    const line = this.linesBefore + countNewlines(bytes.subarray(0, at)) + 1;
    const shown = [...bytes.subarray(at, at + 2)].map((b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
    throw new InputFileError(
      this.file,
      `line ${line}: bytes ${shown} are not valid UTF-8; if the file is Windows-1251, set encoding: windows-1251 in the mapping`,
    );
  }
}

function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  let at = bytes.indexOf(0x0a);
  while (at >= 0) {
    n++;
    at = bytes.indexOf(0x0a, at + 1);
  }
  return n;
}

/** Length of a trailing, possibly incomplete UTF-8 sequence (0 to 3 bytes) to carry over. */
function incompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that does not start a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const need = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (need === 0 || i + need > bytes.length) return i;
    if (!isUtf8(bytes.subarray(i, i + need))) return i;
    i += need;
  }
  return bytes.length;
}
