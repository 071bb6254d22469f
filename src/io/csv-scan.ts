/**
 * An independent pass over a CSV byte stream: finds where every record
 * starts (physical line and byte offset) and how many fields it has,
 * following RFC 4180 quoting as DuckDB's strict reader does. DuckDB does the
 * parsing; this pass gives the line numbers DuckDB does not keep for good
 * rows and a record count that does not come from DuckDB, so that
 * read = accepted + rejected is a real check.
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** A record whose quoting is malformed (a closing quote followed by other text). */
export interface MalformedRecord {
  ordinal: number;
  line: number;
}

/** What the scan found, data records only (the header is not counted). */
export interface CsvScanResult {
  /** Number of data records (blank lines are not records, as in DuckDB). */
  records: number;
  /** Physical 1-based line where each data record starts. */
  recordLines: Int32Array;
  /** Byte offset of each data record start in the scanned stream. */
  recordOffsets: Float64Array;
  /** Fields per data record. */
  fieldCounts: Int32Array;
  /** Physical lines in the stream (a last line without a newline counts). */
  lines: number;
  /** The header record as bytes (without the newline). */
  headerBytes: Uint8Array;
  malformed: MalformedRecord[];
}

/** Streams bytes through the record state machine; call `push` per chunk, then `finish`. */
export class CsvScanner {
  private readonly delimiter: number;
  private inQuotes = false;
  private quoteSeen = false; // inside quotes, the previous byte was a quote
  private afterClose = false; // the previous byte closed a quoted field
  private atFieldStart = true;
  private recordEmpty = true;
  private fields = 1;
  private recordMalformed = false;
  private offset = 0;
  private line = 1;
  private recordStartOffset = 0;
  private recordStartLine = 1;
  private headerDone = false;
  private readonly headerChunks: Uint8Array[] = [];
  private records = 0;
  private recordLines = new Int32Array(1 << 16);
  private recordOffsets = new Float64Array(1 << 16);
  private fieldCounts = new Int32Array(1 << 16);
  private readonly malformed: MalformedRecord[] = [];
  private lastByte = -1;

  constructor(delimiter: string) {
    if (delimiter.length !== 1) throw new Error(`The delimiter must be one character, got ${JSON.stringify(delimiter)}`);
    this.delimiter = delimiter.charCodeAt(0);
  }

  push(chunk: Uint8Array): void {
    const delim = this.delimiter;
    let inQuotes = this.inQuotes;
    let quoteSeen = this.quoteSeen;
    let afterClose = this.afterClose;
    let atFieldStart = this.atFieldStart;
    let recordEmpty = this.recordEmpty;
    let fields = this.fields;
    let line = this.line;
    const base = this.offset;
    let headerFrom = this.headerDone ? -1 : 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (b === QUOTE) continue; // an escaped quote
          inQuotes = false; // the previous quote closed the field: handle b below
          afterClose = true;
        } else {
          if (b === QUOTE) quoteSeen = true;
          else if (b === LF) line++;
          continue;
        }
      }
      if (afterClose) {
        afterClose = false;
        if (b !== delim && b !== LF && b !== CR) this.recordMalformed = true;
      }
      if (b === LF) {
        if (!recordEmpty) {
          this.endRecord(fields, false);
          if (headerFrom >= 0) {
            this.headerChunks.push(chunk.slice(headerFrom, i));
            headerFrom = -1;
          }
        }
        line++;
        recordEmpty = true;
        atFieldStart = true;
        fields = 1;
        continue;
      }
      if (b === CR) continue;
      if (recordEmpty) {
        recordEmpty = false;
        this.recordStartOffset = base + i;
        this.recordStartLine = line;
      }
      if (b === delim) {
        fields++;
        atFieldStart = true;
      } else {
        if (b === QUOTE && atFieldStart) inQuotes = true;
        atFieldStart = false;
      }
    }
    if (headerFrom >= 0) this.headerChunks.push(chunk.slice(headerFrom));
    this.inQuotes = inQuotes;
    this.quoteSeen = quoteSeen;
    this.afterClose = afterClose;
    this.atFieldStart = atFieldStart;
    this.recordEmpty = recordEmpty;
    this.fields = fields;
    this.line = line;
    this.offset = base + chunk.length;
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1] as number;
  }

  finish(): CsvScanResult {
    if (!this.recordEmpty) {
      // An unterminated quote swallows the rest of the file into one record.
      const unterminated = this.inQuotes && !this.quoteSeen;
      this.endRecord(this.fields, unterminated);
    }
    const lines = this.line - 1 + (this.offset > 0 && this.lastByte !== LF ? 1 : 0);
    const n = this.records;
    return {
      records: n,
      recordLines: this.recordLines.slice(0, n),
      recordOffsets: this.recordOffsets.slice(0, n),
      fieldCounts: this.fieldCounts.slice(0, n),
      lines,
      headerBytes: concatBytes(this.headerChunks),
      malformed: this.malformed,
    };
  }

  private endRecord(fields: number, unterminated: boolean): void {
    const malformed = this.recordMalformed || unterminated;
    this.recordMalformed = false;
    if (!this.headerDone) {
      this.headerDone = true;
      return;
    }
    const k = this.records;
    if (k === this.recordLines.length) this.grow();
    this.recordLines[k] = this.recordStartLine;
    this.recordOffsets[k] = this.recordStartOffset;
    this.fieldCounts[k] = fields;
    if (malformed) this.malformed.push({ ordinal: k, line: this.recordStartLine });
    this.records = k + 1;
  }

  private grow(): void {
    const size = this.recordLines.length * 2;
    const lines = new Int32Array(size);
    lines.set(this.recordLines);
    this.recordLines = lines;
    const offsets = new Float64Array(size);
    offsets.set(this.recordOffsets);
    this.recordOffsets = offsets;
    const counts = new Int32Array(size);
    counts.set(this.fieldCounts);
    this.fieldCounts = counts;
  }
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Splits one CSV record (text, no newline) into fields, RFC 4180. */
export function splitCsvRecord(text: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
      atStart = true;
      continue;
    }
    if (ch === '"' && atStart) inQuotes = true;
    else if (ch !== '\r') field += ch;
    atStart = false;
  }
  fields.push(field);
  return fields;
}

/** Candidate delimiters, in order of preference on a tie. */
export const DELIMITER_CANDIDATES = [',', ';', '\t', '|'] as const;

/** The candidate delimiter that splits a header line into the most fields (quotes respected). */
export function sniffDelimiter(headerLine: string): string {
  let best: string = ',';
  let bestCount = 1;
  for (const candidate of DELIMITER_CANDIDATES) {
    const count = splitCsvRecord(headerLine, candidate).length;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}
