import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import type { Delimiter, Encoding } from './formats.js';
import { InputFileError } from '../util/errors.js';
import { CsvScanner, sniffDelimiter, splitCsvRecord, type CsvScanResult } from './csv-scan.js';

/** A CSV input ready for DuckDB: where to read it and what the independent scan found. */
export interface CsvSource {
  format: 'csv';
  /** The file as given (for messages, lineage and rejects). */
  file: string;
  /** The file DuckDB reads: the original, or a UTF-8 copy of a Windows-1251 file. */
  readPath: string;
  compression: 'gzip' | 'none';
  sha256: string;
  delimiter: string;
  header: string[];
  scan: CsvScanResult;
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
 * Whole-file faults throw `InputFileError` naming the file (and line).
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
  let readCompression: 'gzip' | 'none' = compression;
  let out: ReturnType<typeof createWriteStream> | null = null;
  if (options.encoding === 'windows-1251') {
    tempDir = await mkdtemp(join(tmpdir(), 'ccrg-'));
    readPath = join(tempDir, 'utf8.csv');
    readCompression = 'none';
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
    const headerText = stripBom(Buffer.from(scan.headerBytes).toString('utf8')).replace(/^[\r\n]+/, '');
    if (headerText.trim() === '') throw new InputFileError(file, 'the file is empty: expected a header line with column names');
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
    return { format: 'csv', file, readPath, compression: readCompression, sha256: hash.digest('hex'), delimiter, header, scan, cleanup };
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

async function* decodedChunks(file: string, compression: 'gzip' | 'none', hash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  const input = createReadStream(file, { highWaterMark: CHUNK });
  if (compression === 'none') {
    try {
      for await (const chunk of input) {
        hash.update(chunk as Buffer);
        yield chunk as Buffer;
      }
    } finally {
      input.destroy();
    }
    return;
  }
  // pipe() reads with 'data' events, so one more listener sees the same compressed bytes.
  input.on('data', (chunk) => hash.update(chunk as Buffer));
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
