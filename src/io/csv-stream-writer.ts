/**
 * Streaming CSV writer: RFC 4180 quoting, LF line ends, optional gzip, and a
 * count of physical lines so planted rows can be located (dirty.csv).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';

import { csvField as quoteField } from './csv-write.js';

export { quoteField };

function countNewlines(text: string): number {
  let n = 0;
  let at = text.indexOf('\n');
  while (at !== -1) {
    n++;
    at = text.indexOf('\n', at + 1);
  }
  return n;
}

const FLUSH_BYTES = 1 << 20;

/** One output file. Writes are buffered; call `flushIfFull` between batches and `close` at the end. */
export class CsvWriter {
  /** File name as written (e.g. `declarations.csv.gz`). */
  readonly fileName: string;
  /** Data records written (header excluded). */
  records = 0;
  /** Physical lines written so far, header included. */
  private lines = 0;
  private buffer: string[] = [];
  private bufferedChars = 0;
  private readonly file: WriteStream;
  private readonly gzip: Gzip | null;

  constructor(dir: string, stem: string, gzip: boolean, header: readonly string[]) {
    this.fileName = `${stem}.csv${gzip ? '.gz' : ''}`;
    this.file = createWriteStream(join(dir, this.fileName));
    this.gzip = gzip ? createGzip() : null;
    if (this.gzip !== null) this.gzip.pipe(this.file);
    this.push(header.map(quoteField).join(','), 0);
  }

  /** Writes a record whose fields need no quoting; returns its first physical line. */
  writeLine(line: string): number {
    this.records++;
    return this.push(line, 0);
  }

  /** Writes a line exactly as given (already quoted, possibly malformed on purpose); returns its first physical line. */
  writeRaw(line: string): number {
    this.records++;
    return this.push(line, countNewlines(line));
  }

  /** Writes a record, quoting fields as needed; returns its first physical line. */
  writeFields(fields: readonly string[]): number {
    this.records++;
    const line = fields.map(quoteField).join(',');
    return this.push(line, countNewlines(line));
  }

  private push(line: string, extraLines: number): number {
    const start = this.lines + 1;
    this.lines += 1 + extraLines;
    this.buffer.push(line, '\n');
    this.bufferedChars += line.length + 1;
    return start;
  }

  /** Hands buffered text to the stream once enough is collected, waiting on back-pressure. */
  async flushIfFull(): Promise<void> {
    if (this.bufferedChars >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.bufferedChars = 0;
    const target = this.gzip ?? this.file;
    if (!target.write(chunk, 'utf8')) await once(target, 'drain');
  }

  /** Flushes everything and waits until the file is complete on disk. */
  async close(): Promise<void> {
    await this.flush();
    if (this.gzip !== null) this.gzip.end();
    else this.file.end();
    await finished(this.file);
  }
}
