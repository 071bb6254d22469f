/**
 * An independent pass over a CSV byte stream, and the authority on its
 * structure: where every record starts (physical line and byte offset), how
 * many fields it has, and which records cannot be read as they are. DuckDB
 * does the parsing, but only of records this pass found well-formed; the
 * pass also gives the line numbers DuckDB does not keep for good rows and a
 * record count that does not come from DuckDB, so that
 * read = accepted + rejected is a real check.
 *
 * Physical lines count LF; the first line is 1. Quoting follows RFC 4180
 * (a field that starts with a quote runs to the closing quote; `""` inside
 * is a quote). Line ends may be LF or CRLF, mixed. Outside quotes:
 * - a blank line (nothing before its LF or CRLF) is not a record: it is
 *   skipped and counted (`blankLines`);
 * - a CR not followed by LF makes its record malformed (`bare_cr`); a CR
 *   at the very end of the stream ends the last line;
 * - a quote inside an unquoted field is text, except right after spaces
 *   that open the field (` "a,b"`), which DuckDB would read as a quoted
 *   field: such a record is refused (`spaced_quote`).
 *
 * A record is refused when its quoting is broken (`unclosed_quote`,
 * `text_after_quote`, `spaced_quote`), it holds a bare CR, it is longer than
 * `maxRecordBytes` (`too_long`), or it has another number of fields than
 * the header (`ragged`, trailing empty fields included). When a refused
 * record spans several lines because a quote opened on its first line, the
 * scan recovers: the refused record ends before the next line that is on
 * its own a well-formed record of the header's width (no quote left open,
 * no stray quote, no CR), and scanning resumes there. Blank lines in
 * between are counted as blank lines, never as part of the refused record.
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

/** The longest record read, in bytes without its line end (8 MiB); a longer one is refused as `too_long`. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

/** How much of a refused record's first line is kept to show it. */
const EXCERPT_CHARS = 200;
const EXCERPT_BYTES = EXCERPT_CHARS * 4 + 4;

/** Why a record cannot be read as it is. */
export type RecordFault = 'ragged' | 'unclosed_quote' | 'text_after_quote' | 'bare_cr' | 'spaced_quote' | 'too_long';

/** A record whose quoting or line ends are malformed (every refused record but a ragged one). */
export interface MalformedRecord {
  ordinal: number;
  line: number;
}

/** A record the scan refuses, with what is needed to say why. */
export interface RefusedRecord {
  /** Index among the data records. */
  ordinal: number;
  /** Physical line where the record starts. */
  line: number;
  /** Physical line where it ends (the line before the resumption line after an unclosed quote). */
  lastLine: number;
  fault: RecordFault;
  /** Fields as scanned (for `ragged`: the record's width). */
  fields: number;
  /** 1-based field where the fault is (the quote, the CR); 0 when it is the whole record. */
  field: number;
  /** Empty unquoted fields at the end of a ragged record. */
  emptyAtEnd: number;
  /** Length in bytes, without the line end. */
  bytes: number;
  /** The record's first line, at most 200 characters (with `…` when cut). */
  text: string;
  /** Line where the scan resumed after an unclosed quote; 0 when it did not need to. */
  resumedAt: number;
}

/** What the scan found, data records only (the header is not counted). */
export interface CsvScanResult {
  /** Number of data records, refused ones included (blank lines are not records). */
  records: number;
  /** Physical 1-based line where each data record starts. */
  recordLines: Int32Array;
  /** Byte offset of each data record start in the scanned stream. */
  recordOffsets: Float64Array;
  /** Length in bytes of each data record, without its line end. */
  recordLengths: Int32Array;
  /** Fields per data record. */
  fieldCounts: Int32Array;
  /** Physical lines in the stream (a last line without a newline counts). */
  lines: number;
  /** Blank lines skipped (not records), before the header included. */
  blankLines: number;
  /** Line ends that were CRLF (the rest were LF). */
  crlfLineEnds: number;
  /** The header record as bytes (without its line end). */
  headerBytes: Uint8Array;
  /** Physical line of the header (after any blank lines). */
  headerLine: number;
  /** Fields of the header. */
  headerFields: number;
  /** Why the header itself cannot be read, or null. */
  headerFault: RecordFault | null;
  /** Records refused, in file order. */
  refused: RefusedRecord[];
  /** The refused records that are malformed (not merely ragged). */
  malformed: MalformedRecord[];
  /**
   * True when DuckDB can read the stream as it is: LF line ends only, no
   * blank line, the header on line 1 and no refused record. Otherwise the
   * well-formed records are read from a normalised copy.
   */
  asIs: boolean;
}

/** Options of a scan. */
export interface CsvScanOptions {
  /** Longest record in bytes; default {@link MAX_RECORD_BYTES}. */
  maxRecordBytes?: number;
  /**
   * Whether plain lines (no quote, no CR but a CRLF end) take the fast path of native searches; default true.
   * Off, every byte goes through the state machine: the tests compare both.
   */
  plainLines?: boolean;
}

/** The index of the first `byte` of `buf` at or after `from`; `buf.length` when there is none. */
function indexIn(buf: Uint8Array, byte: number, from: number): number {
  const at = buf.indexOf(byte, from);
  return at < 0 ? buf.length : at;
}

/** Where to resume after an unclosed quote. */
interface Candidate {
  offset: number;
  line: number;
}

/** The lines of a refused record after its first: where to resume, and the blank lines before that point. */
interface LaterLines {
  candidate: Candidate | null;
  /** Blank lines before the candidate (or in the whole span): counted as blank lines, not as part of the record. */
  blanks: number;
  /** The last non-blank line before the candidate (or of the span). */
  lastLine: number;
}

/**
 * Streams bytes through the record state machine; call `push` per chunk, then
 * `finish`. The scanner keeps the chunks of the record in progress (at most
 * about `maxRecordBytes` plus a chunk) to recover after an unclosed quote:
 * do not reuse a pushed buffer.
 */
export class CsvScanner {
  private readonly delimiter: number;
  private readonly maxRecordBytes: number;
  private readonly plainLines: boolean;
  // Hot state, also held in locals while a chunk is scanned.
  private inQuotes = false;
  private quoteSeen = false; // inside quotes, the previous byte was a quote
  private afterClose = false; // the previous byte closed a quoted field
  private atFieldStart = true;
  private recordEmpty = true;
  private fields = 1;
  private line = 1;
  private pendingCr = false; // the previous byte was a CR outside quotes
  // The record in progress.
  private crAt = 0; // offset of the pending CR
  private recordStart = 0;
  private recordLine = 1;
  private multiLine = false; // a line break inside quotes
  private spanField = 0; // the field whose quote spans the first line break
  private textAfterQuote = 0; // 1-based field, 0 when none
  private strayQuote = false; // a quote inside an unquoted field
  private bareCr = 0; // 1-based field, 0 when none
  private skipping = false; // longer than the limit: read to its end, keeping only its head
  private bomMatched = 0; // bytes of a leading BOM seen so far; -1 once past it
  // The whole stream.
  private offset = 0; // bytes pushed so far
  private lastByte = -1;
  private retained: { base: number; bytes: Uint8Array }[] = [];
  private headerDone = false;
  private headerBytes: Uint8Array = new Uint8Array(0);
  private headerLine = 1;
  private headerFields = 0;
  private headerFault: RecordFault | null = null;
  private blankLines = 0;
  private crlfLineEnds = 0;
  private crOutsideQuotes = false;
  private records = 0;
  private recordLines = new Int32Array(1 << 16);
  private recordOffsets = new Float64Array(1 << 16);
  private recordLengths = new Int32Array(1 << 16);
  private fieldCounts = new Int32Array(1 << 16);
  private readonly refused: RefusedRecord[] = [];

  constructor(delimiter: string, options: CsvScanOptions = {}) {
    if (delimiter.length !== 1) throw new Error(`The delimiter must be one character, got ${JSON.stringify(delimiter)}`);
    const code = delimiter.charCodeAt(0);
    if (code === QUOTE || code === LF || code === CR) throw new Error(`The delimiter cannot be a quote or a line end, got ${JSON.stringify(delimiter)}`);
    this.delimiter = code;
    this.maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
    this.plainLines = options.plainLines ?? true;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const base = this.offset;
    this.retained.push({ base, bytes: chunk });
    this.offset = base + chunk.length;
    this.lastByte = chunk[chunk.length - 1] as number;
    this.scan(chunk, base);
    this.checkLength();
    this.release();
  }

  finish(): CsvScanResult {
    for (;;) {
      let resume: Candidate | null = null;
      if (this.pendingCr) {
        // A CR at the very end ends the last line.
        this.pendingCr = false;
        if (this.recordEmpty) {
          this.blankLines++;
          continue;
        }
        resume = this.endRecord(this.crAt, false);
      } else if (!this.recordEmpty) {
        resume = this.endRecord(this.offset, this.inQuotes && !this.quoteSeen);
      }
      if (resume === null) break;
      this.replay(resume.offset, this.offset);
      this.checkLength();
    }
    this.recordEmpty = true;
    const lines = this.line - 1 + (this.offset > 0 && this.lastByte !== LF ? 1 : 0);
    const n = this.records;
    const refused = this.refused;
    return {
      records: n,
      recordLines: this.recordLines.slice(0, n),
      recordOffsets: this.recordOffsets.slice(0, n),
      recordLengths: this.recordLengths.slice(0, n),
      fieldCounts: this.fieldCounts.slice(0, n),
      lines,
      blankLines: this.blankLines,
      crlfLineEnds: this.crlfLineEnds,
      headerBytes: this.headerBytes,
      headerLine: this.headerLine,
      headerFields: this.headerFields,
      headerFault: this.headerFault,
      refused,
      malformed: refused.filter((r) => r.fault !== 'ragged').map((r) => ({ ordinal: r.ordinal, line: r.line })),
      asIs: !this.crOutsideQuotes && this.blankLines === 0 && this.headerLine === 1 && refused.length === 0,
    };
  }

  /** The record state machine over `buf`, whose first byte is at stream offset `base`. */
  private scan(buf: Uint8Array, base: number): void {
    if (buf.length === 0) return;
    const delim = this.delimiter;
    let from = 0;
    if (base < BOM.length && this.bomMatched >= 0) from = this.skipBom(buf, base);
    let crBeforeLf = from < buf.length && this.resolvePendingCr(buf[from] as number); // the byte before the next LF is a CR outside quotes
    let inQuotes = this.inQuotes;
    let quoteSeen = this.quoteSeen;
    let afterClose = this.afterClose;
    let atFieldStart = this.atFieldStart;
    let recordEmpty = this.recordEmpty;
    let fields = this.fields;
    let line = this.line;
    let pendingCr = false;
    // Where the next line feed, quote and CR of the chunk are (buf.length: none): the fast path below finds a
    // plain line with native searches instead of a step of the state machine per byte.
    let nextLf = -1;
    let nextQuote = -1;
    let nextCr = -1;
    for (let i = from; i < buf.length; i++) {
      if (recordEmpty && !inQuotes && !crBeforeLf && this.headerDone && this.plainLines) {
        // Fast path: a line with no quote and no CR (but a CRLF line end) starting a record is one well-formed
        // record when it has the header's field count; anything else goes through the state machine below,
        // which then sees the line from its first byte as before.
        if (nextLf < i) nextLf = indexIn(buf, LF, i);
        if (nextQuote < i) nextQuote = indexIn(buf, QUOTE, i);
        if (nextCr < i) nextCr = indexIn(buf, CR, i);
        let end = nextLf;
        if (nextCr < nextLf) end = nextCr === nextLf - 1 ? nextCr : i;
        if (end > i && nextLf < buf.length && nextQuote > nextLf) {
          let f = 1;
          for (let j = i; j < end; j++) if (buf[j] === delim) f++;
          if (
            f === this.headerFields &&
            !this.multiLine &&
            this.textAfterQuote === 0 &&
            this.bareCr === 0 &&
            !this.strayQuote &&
            end - i <= this.maxRecordBytes
          ) {
            this.recordStart = base + i;
            this.recordLine = line;
            this.addRecord(f, end - i, null);
            if (end < nextLf) {
              this.crOutsideQuotes = true;
              this.crlfLineEnds++;
            }
            line++;
            i = nextLf;
            continue;
          }
        }
      }
      const b = buf[i] as number;
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (b === QUOTE) continue; // an escaped quote
          inQuotes = false; // the previous quote closed the field: handle b below
          afterClose = true;
        } else {
          if (b === QUOTE) quoteSeen = true;
          else if (b === LF) {
            line++;
            if (!this.multiLine) {
              this.multiLine = true;
              this.spanField = fields;
            }
          }
          continue;
        }
      }
      if (afterClose) {
        afterClose = false;
        if (b !== delim && b !== LF && b !== CR && this.textAfterQuote === 0) this.textAfterQuote = fields;
      }
      if (b === LF) {
        const contentEnd = crBeforeLf ? base + i - 1 : base + i;
        if (crBeforeLf) {
          crBeforeLf = false;
          if (!recordEmpty) this.crlfLineEnds++;
        }
        if (recordEmpty) {
          this.blankLines++;
          line++;
          continue;
        }
        if (
          fields === this.headerFields &&
          this.headerDone &&
          !this.multiLine &&
          this.textAfterQuote === 0 &&
          this.bareCr === 0 &&
          !this.strayQuote &&
          contentEnd - this.recordStart <= this.maxRecordBytes
        ) {
          // The common case, kept out of endRecord: a well-formed one-line record.
          this.addRecord(fields, contentEnd - this.recordStart, null);
          line++;
          recordEmpty = true;
          atFieldStart = true;
          fields = 1;
          continue;
        }
        // endRecord reads the record's fields and line; after a rewind the whole state comes back from it.
        this.fields = fields;
        this.line = line;
        const resume = this.endRecord(contentEnd, false);
        if (resume === null) {
          line++;
          recordEmpty = true;
          atFieldStart = true;
          fields = 1;
          continue;
        }
        if (resume.offset >= base) i = resume.offset - base - 1;
        else {
          this.replay(resume.offset, base);
          crBeforeLf = this.resolvePendingCr(buf[0] as number);
          i = -1;
        }
        inQuotes = this.inQuotes;
        quoteSeen = this.quoteSeen;
        afterClose = this.afterClose;
        atFieldStart = this.atFieldStart;
        recordEmpty = this.recordEmpty;
        fields = this.fields;
        line = this.line;
        continue;
      }
      if (b === CR) {
        this.crOutsideQuotes = true;
        if (i + 1 === buf.length) {
          // The next chunk decides: line end or bare CR.
          pendingCr = true;
          this.crAt = base + i;
          continue;
        }
        if (buf[i + 1] === LF) {
          crBeforeLf = true;
          continue;
        }
        if (recordEmpty) {
          recordEmpty = false;
          this.recordStart = base + i;
          this.recordLine = line;
        }
        if (this.bareCr === 0) this.bareCr = fields;
        continue;
      }
      if (recordEmpty) {
        recordEmpty = false;
        this.recordStart = base + i;
        this.recordLine = line;
      }
      if (b === delim) {
        fields++;
        atFieldStart = true;
      } else {
        if (b === QUOTE) {
          if (atFieldStart) inQuotes = true;
          else this.strayQuote = true;
        }
        atFieldStart = false;
      }
    }
    this.inQuotes = inQuotes;
    this.quoteSeen = quoteSeen;
    this.afterClose = afterClose;
    this.atFieldStart = atFieldStart;
    this.recordEmpty = recordEmpty;
    this.fields = fields;
    this.line = line;
    this.pendingCr = pendingCr;
  }

  /**
   * Steps over a UTF-8 byte order mark at the start of the stream (it is
   * not part of the first line: a BOM followed by LF is a blank line).
   * Returns where scanning starts in `buf`. Bytes that begin like a BOM but
   * are not one start the first record.
   */
  private skipBom(buf: Uint8Array, base: number): number {
    let i = 0;
    while (i < buf.length && base + i < BOM.length) {
      if (buf[i] !== BOM[base + i]) {
        if (this.bomMatched > 0) {
          this.recordEmpty = false;
          this.recordStart = 0;
          this.recordLine = 1;
          this.atFieldStart = false;
        }
        this.bomMatched = -1;
        return i;
      }
      this.bomMatched++;
      i++;
    }
    if (this.bomMatched === BOM.length) this.bomMatched = -1;
    return i;
  }

  /**
   * A CR outside quotes ended the last chunk: with `next`, the first byte of
   * the following bytes, decide whether it ends a line (true) or is a bare
   * CR in its record.
   */
  private resolvePendingCr(next: number): boolean {
    if (!this.pendingCr) return false;
    this.pendingCr = false;
    if (next === LF) return true;
    if (this.recordEmpty) {
      this.recordEmpty = false;
      this.recordStart = this.crAt;
      this.recordLine = this.line;
    }
    if (this.bareCr === 0) this.bareCr = this.fields;
    return false;
  }

  /**
   * Ends the record in progress at `contentEnd` (its line end excluded).
   * Returns where to resume when the record is refused after an unclosed
   * quote and a later line of it is a well-formed record; otherwise null.
   */
  private endRecord(contentEnd: number, unclosedAtEnd: boolean): Candidate | null {
    const start = this.recordStart;
    const length = contentEnd - start;
    const fields = this.fields;
    let fault: RecordFault | null = null;
    let field = 0;
    if (this.skipping || length > this.maxRecordBytes) fault = 'too_long';
    else if (unclosedAtEnd) {
      fault = 'unclosed_quote';
      field = this.spanField || fields;
    } else if (this.textAfterQuote > 0) {
      fault = 'text_after_quote';
      field = this.textAfterQuote;
    } else if (this.bareCr > 0) {
      fault = 'bare_cr';
      field = this.bareCr;
    } else if (this.strayQuote && (field = this.spacedQuoteField(start, contentEnd)) > 0) {
      fault = 'spaced_quote';
    } else if (this.headerDone && fields !== this.headerFields) fault = 'ragged';
    if (!this.headerDone) {
      this.headerDone = true;
      this.headerLine = this.recordLine;
      this.headerFields = fields;
      this.headerFault = fault;
      this.headerBytes = fault === 'too_long' ? new Uint8Array(0) : this.bytesBetween(start, contentEnd);
      this.resetRecord();
      return null;
    }
    if (fault !== null && this.multiLine && !this.skipping) {
      const later = this.laterLines(start, contentEnd);
      this.blankLines += later.blanks;
      if (later.candidate !== null) {
        this.addRecord(fields, later.candidate.offset - start, { fault: 'unclosed_quote', field: this.spanField, lastLine: later.lastLine, resumedAt: later.candidate.line });
        this.resetRecord();
        this.line = later.candidate.line;
        return later.candidate;
      }
      this.addRecord(fields, length, { fault, field, lastLine: later.lastLine, resumedAt: 0 });
      this.resetRecord();
      return null;
    }
    const lastLine = this.line;
    this.addRecord(fields, length, fault === null ? null : { fault, field, lastLine, resumedAt: 0 });
    this.resetRecord();
    return null;
  }

  private addRecord(fields: number, length: number, refusal: { fault: RecordFault; field: number; lastLine: number; resumedAt: number } | null): void {
    const k = this.records;
    if (k === this.recordLines.length) this.grow();
    const start = this.recordStart;
    this.recordLines[k] = this.recordLine;
    this.recordOffsets[k] = start;
    this.recordLengths[k] = Math.min(length, 0x7fffffff);
    this.fieldCounts[k] = fields;
    this.records = k + 1;
    if (refusal === null) return;
    this.refused.push({
      ordinal: k,
      line: this.recordLine,
      lastLine: refusal.lastLine,
      fault: refusal.fault,
      fields,
      field: refusal.field,
      emptyAtEnd: refusal.fault === 'ragged' ? this.emptyFieldsAtEnd(start, start + length) : 0,
      bytes: length,
      text: this.excerpt(start, start + length),
      resumedAt: refusal.resumedAt,
    });
  }

  private resetRecord(): void {
    this.inQuotes = false;
    this.quoteSeen = false;
    this.afterClose = false;
    this.atFieldStart = true;
    this.recordEmpty = true;
    this.fields = 1;
    this.pendingCr = false;
    this.multiLine = false;
    this.spanField = 0;
    this.textAfterQuote = 0;
    this.bareCr = 0;
    this.strayQuote = false;
    this.skipping = false;
  }

  /** Scans again the kept bytes from `from` up to `to` (a rewind to a resumption line). */
  private replay(from: number, to: number): void {
    const bytes = this.bytesBetween(from, to);
    this.scan(bytes, from);
  }

  /**
   * A record in progress longer than the limit: recover at a well-formed
   * line inside it if there is one, else read on to its end without
   * keeping its bytes.
   */
  private checkLength(): void {
    while (!this.recordEmpty && !this.skipping && this.offset - this.recordStart > this.maxRecordBytes) {
      if (this.multiLine && this.headerDone) {
        const later = this.laterLines(this.recordStart, this.offset, true);
        const candidate = later.candidate;
        if (candidate !== null) {
          this.blankLines += later.blanks;
          this.addRecord(this.fields, candidate.offset - this.recordStart, { fault: 'unclosed_quote', field: this.spanField, lastLine: later.lastLine, resumedAt: candidate.line });
          this.resetRecord();
          this.line = candidate.line;
          this.replay(candidate.offset, this.offset);
          continue;
        }
      }
      // Read on to the end of the record, keeping only its head to show it.
      this.skipping = true;
    }
  }

  /** Drops kept chunks wholly before the record in progress (and, past the limit, all but its head). */
  private release(): void {
    let keepFrom = this.recordEmpty ? this.offset : this.recordStart;
    if (this.pendingCr) keepFrom = Math.min(keepFrom, this.crAt);
    if (this.bomMatched > 0) keepFrom = 0; // a BOM still in doubt may turn out to start the first record
    let drop = 0;
    while (drop < this.retained.length) {
      const r = this.retained[drop] as { base: number; bytes: Uint8Array };
      if (r.base + r.bytes.length > keepFrom) break;
      drop++;
    }
    if (drop > 0) this.retained.splice(0, drop);
    if (this.skipping) {
      const headEnd = this.recordStart + EXCERPT_BYTES;
      this.retained = this.retained.filter((r) => r.base < headEnd);
    }
  }

  /** The kept bytes from `from` to `to` (stream offsets), as one array. */
  private bytesBetween(from: number, to: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, to - from));
    for (const r of this.retained) {
      const lo = Math.max(from, r.base);
      const hi = Math.min(to, r.base + r.bytes.length);
      if (hi > lo) out.set(r.bytes.subarray(lo - r.base, hi - r.base), lo - from);
    }
    return out;
  }

  /** The first line of the record [start, end), at most {@link EXCERPT_CHARS} characters. */
  private excerpt(start: number, end: number): string {
    const head = this.bytesBetween(start, Math.min(end, start + EXCERPT_BYTES));
    let lineEnd = head.indexOf(LF);
    if (lineEnd < 0) lineEnd = head.length;
    const text = Buffer.from(head.subarray(0, lineEnd)).toString('utf8').replace(/\r$/, '');
    const chars = [...text];
    const cut = chars.length > EXCERPT_CHARS || (lineEnd === head.length && start + head.length < end);
    return cut ? `${chars.slice(0, EXCERPT_CHARS).join('')}…` : text;
  }

  /**
   * The first field (1-based) of the record [start, end) that is spaces
   * and then a quote, or 0. DuckDB reads such a field as quoted (` "a,b"`
   * is one field `a,b` to it, two fields to RFC 4180), so it is refused
   * rather than read two ways.
   */
  private spacedQuoteField(start: number, end: number): number {
    const bytes = this.bytesBetween(start, end);
    let field = 1;
    let inQuotes = false;
    let atFieldStart = true;
    let spaces = 0; // spaces since the field started, while nothing else came
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (inQuotes) {
        if (b === QUOTE) {
          if (bytes[i + 1] === QUOTE) i++;
          else inQuotes = false;
        }
        continue;
      }
      if (b === this.delimiter) {
        field++;
        atFieldStart = true;
        spaces = 0;
      } else if (b === QUOTE && atFieldStart) {
        inQuotes = true;
        atFieldStart = false;
      } else if (b === 0x20 && (atFieldStart || spaces > 0)) {
        spaces++;
        atFieldStart = false;
      } else {
        if (b === QUOTE && spaces > 0) return field;
        atFieldStart = false;
        spaces = 0;
      }
    }
    return 0;
  }

  /** Unquoted empty fields at the end of a record (a run of delimiters before its end). */
  private emptyFieldsAtEnd(start: number, end: number): number {
    const from = Math.max(start, end - (1 << 20));
    const bytes = this.bytesBetween(from, end);
    let n = 0;
    for (let i = bytes.length - 1; i >= 0 && bytes[i] === this.delimiter; i--) n++;
    return n;
  }

  /**
   * The lines of the record at `start` (up to `end`) after its first: the
   * first that on its own is a well-formed record of the header's width
   * (null if none), the blank lines before it and the last non-blank line
   * before it. With `partial`, the line running into `end` is incomplete:
   * neither a candidate nor counted.
   */
  private laterLines(start: number, end: number, partial = false): LaterLines {
    const bytes = this.bytesBetween(start, end);
    let at = bytes.indexOf(LF);
    let line = this.recordLine;
    let blanks = 0;
    let lastLine = line;
    // A line starts after each LF, unless the LF ends the bytes.
    while (at >= 0 && at + 1 < bytes.length) {
      const lineStart = at + 1;
      let lineEnd = bytes.indexOf(LF, lineStart);
      if (lineEnd < 0) {
        if (partial) break;
        lineEnd = bytes.length;
      }
      line++;
      let contentEnd = lineEnd;
      if (contentEnd > lineStart && bytes[contentEnd - 1] === CR) contentEnd--;
      if (contentEnd === lineStart) blanks++;
      else if (this.isWellFormedLine(bytes, lineStart, contentEnd)) return { candidate: { offset: start + lineStart, line }, blanks, lastLine };
      else lastLine = line;
      at = lineEnd;
    }
    return { candidate: null, blanks, lastLine };
  }

  /** Whether bytes[from, to) is one record of the header's width with strict RFC 4180 quoting and no CR. */
  private isWellFormedLine(bytes: Uint8Array, from: number, to: number): boolean {
    if (to - from > this.maxRecordBytes) return false;
    const delim = this.delimiter;
    let fields = 1;
    let inQuotes = false;
    let atFieldStart = true;
    for (let i = from; i < to; i++) {
      const b = bytes[i] as number;
      if (b === CR) return false;
      if (inQuotes) {
        if (b !== QUOTE) continue;
        if (bytes[i + 1] === QUOTE && i + 1 < to) {
          i++;
          continue;
        }
        inQuotes = false;
        const next = i + 1 < to ? (bytes[i + 1] as number) : delim;
        if (next !== delim) return false;
        continue;
      }
      if (b === delim) {
        fields++;
        atFieldStart = true;
      } else if (b === QUOTE) {
        if (!atFieldStart) return false;
        inQuotes = true;
        atFieldStart = false;
      } else atFieldStart = false;
    }
    return !inQuotes && fields === this.headerFields;
  }

  private grow(): void {
    const size = this.recordLines.length * 2;
    const lines = new Int32Array(size);
    lines.set(this.recordLines);
    this.recordLines = lines;
    const offsets = new Float64Array(size);
    offsets.set(this.recordOffsets);
    this.recordOffsets = offsets;
    const lengths = new Int32Array(size);
    lengths.set(this.recordLengths);
    this.recordLengths = lengths;
    const counts = new Int32Array(size);
    counts.set(this.fieldCounts);
    this.fieldCounts = counts;
  }
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
const DELIMITER_CANDIDATES = [',', ';', '\t', '|'] as const;

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
