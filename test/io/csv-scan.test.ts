import { describe, expect, it } from 'vitest';
import { CsvScanner, sniffDelimiter, splitCsvRecord } from '../../src/io/csv-scan.js';

function scan(text: string | Uint8Array, delimiter = ',', chunkSize = 3, maxRecordBytes?: number) {
  const scanner = new CsvScanner(delimiter, maxRecordBytes === undefined ? {} : { maxRecordBytes });
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let at = 0; at < bytes.length; at += chunkSize) scanner.push(bytes.subarray(at, at + chunkSize));
  return scanner.finish();
}

describe('CsvScanner', () => {
  it('finds the same records with the fast path for plain lines as with the state machine alone, on random text', () => {
    // Random lines of fields drawn from plain values, quoted ones (with delimiters, quotes and line breaks
    // inside), stray quotes, bare CRs, CRLF ends, blank lines and wrong field counts, at several chunk sizes.
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const fields = ['1', 'abc', '', '12.50', '"q,u"', '"a""b"', '"x\ny"', 'a"b', 'x\ry', '"open', '"c"d', ' "s"', 'яблоко'];
    for (let round = 0; round < 40; round++) {
      const lines = ['a,b,c'];
      for (let n = 0; n < 60; n++) {
        const count = random() < 0.9 ? 3 : pick([1, 2, 4]);
        lines.push(Array.from({ length: count }, () => (random() < 0.8 ? pick(['1', 'abc', '', '12.50', 'яблоко']) : pick(fields))).join(','));
        if (random() < 0.05) lines.push('');
      }
      const end = random() < 0.5 ? '\n' : '\r\n';
      const text = lines.join(end) + (random() < 0.5 ? end : '');
      for (const chunk of [1, 7, 64, 1 << 20]) {
        const fast = new CsvScanner(',', { maxRecordBytes: 40 });
        const slow = new CsvScanner(',', { maxRecordBytes: 40, plainLines: false });
        const bytes = Buffer.from(text, 'utf8');
        for (let at = 0; at < bytes.length; at += chunk) {
          fast.push(bytes.subarray(at, at + chunk));
          slow.push(bytes.subarray(at, at + chunk));
        }
        expect(fast.finish(), `round ${round}, chunks of ${chunk}`).toEqual(slow.finish());
      }
    }
  });

  it('finds the physical start line of each record across quoted line breaks and blank lines', () => {
    const result = scan('a,b\r\n1,2\r\n\r\n"x\r\ny",3\r\n4,5');
    expect(result.records).toBe(3);
    expect([...result.recordLines]).toEqual([2, 4, 6]);
    expect([...result.fieldCounts]).toEqual([2, 2, 2]);
    expect(result.lines).toBe(6);
  });

  it('gives the byte offset where each record starts', () => {
    const result = scan('a,b\n1,2\n33,44\n');
    expect([...result.recordOffsets]).toEqual([4, 8]);
  });

  it('counts fields, ignoring delimiters inside quotes and escaped quotes', () => {
    const result = scan('a;b;c\n"x;""y""";2;3\n1;2\n1;2;3;4\n', ';');
    expect([...result.fieldCounts]).toEqual([3, 2, 4]);
  });

  it('flags a closing quote followed by text, and an unterminated quote, reading on after it', () => {
    const result = scan('a,b\n"x"y,1\n1,2\n"open,3\n4,5\n');
    expect(result.malformed).toEqual([
      { ordinal: 0, line: 2 },
      { ordinal: 2, line: 4 },
    ]);
    expect(result.records).toBe(4);
    expect([...result.recordLines]).toEqual([2, 3, 4, 5]);
  });

  it('keeps the header bytes, whatever the chunking', () => {
    for (const size of [1, 2, 7, 1000]) {
      const result = scan('name,"quoted, header"\n1,2\n', ',', size);
      expect(Buffer.from(result.headerBytes).toString()).toBe('name,"quoted, header"');
    }
  });

  it('treats a quote inside an unquoted field as text', () => {
    const result = scan('a,b\nab"c,2\n');
    expect(result.malformed).toEqual([]);
    expect([...result.fieldCounts]).toEqual([2]);
  });

  it('refuses a field of spaces then a quote, which DuckDB would read as quoted', () => {
    const result = scan('a,b,c\n1, "x,y"\n1,  "x"\nab "c,2,3\n');
    expect(result.refused.map((r) => [r.line, r.fault, r.field])).toEqual([
      [2, 'spaced_quote', 2],
      [3, 'spaced_quote', 2],
    ]);
  });
});

describe('CsvScanner: line ends, blank lines and refused records', () => {
  const CHUNKINGS = [1, 2, 3, 7, 1000];
  const summary = (text: string, chunk: number, maxRecordBytes?: number) => {
    const r = scan(text, ',', chunk, maxRecordBytes);
    return {
      records: r.records,
      lines: [...r.recordLines],
      blank: r.blankLines,
      refused: r.refused.map((x) => `${x.line} ${x.fault} ${x.field}${x.resumedAt > 0 ? ` resumed ${x.resumedAt}` : ''}`),
      asIs: r.asIs,
    };
  };

  it('reads mixed LF and CRLF line ends, counting the CRLF ones, whatever the chunking', () => {
    for (const chunk of CHUNKINGS) {
      const r = scan('a,b\n1,2\r\n3,4\n"x\r\ny",5\r\n', ',', chunk);
      expect([...r.recordLines]).toEqual([2, 3, 4]);
      expect([...r.recordLengths]).toEqual([3, 3, 8]);
      expect(r.crlfLineEnds).toBe(2);
      expect(r.refused).toEqual([]);
      expect(r.asIs).toBe(false);
    }
  });

  it('skips and counts blank lines (LF or CRLF), before the header too; a line of spaces is a record', () => {
    for (const chunk of CHUNKINGS) {
      expect(summary('\r\n\na,b\n1,2\n\r\n\n  \n3,4', chunk)).toEqual({
        records: 3,
        lines: [4, 7, 8],
        blank: 4,
        refused: ['7 ragged 0'],
        asIs: false,
      });
      expect(scan('\na,b\n1,2\n', ',', chunk).headerLine).toBe(2);
    }
  });

  it('refuses a record holding a CR not followed by LF, naming the field; a final CR ends the last line', () => {
    for (const chunk of CHUNKINGS) {
      expect(summary('a,b,c\n1,x\ry,3\n\r4,5,6\n7,8,9\r', chunk)).toEqual({
        records: 3,
        lines: [2, 3, 4],
        blank: 0,
        refused: ['2 bare_cr 2', '3 bare_cr 1'],
        asIs: false,
      });
    }
  });

  it('keeps a CR inside quotes as text', () => {
    expect(summary('a,b\n"x\ry",1\n', 1)).toMatchObject({ records: 1, refused: [], asIs: true });
  });

  it('refuses records of another width, trailing empty fields included, and counts the empty ones at the end', () => {
    const r = scan(`a,b,c\n1,2,3,,,\n1,2\n1,2,3${','.repeat(5000)}\n1,2,3\n`, ',', 4096);
    expect(r.refused.map((x) => [x.line, x.fault, x.fields, x.emptyAtEnd])).toEqual([
      [2, 'ragged', 6, 3],
      [3, 'ragged', 2, 0],
      [4, 'ragged', 5003, 5000],
    ]);
  });

  it('recovers after an unclosed quote at the next line that is a well-formed record, whatever the chunking', () => {
    const rows = Array.from({ length: 15 }, (_, i) => `${i},x`).join('\n');
    for (const chunk of CHUNKINGS) {
      expect(summary(`a,b\n1,"open\n${rows}\n`, chunk)).toEqual({
        records: 16,
        lines: Array.from({ length: 16 }, (_, i) => i + 2),
        blank: 0,
        refused: ['2 unclosed_quote 2 resumed 3'],
        asIs: false,
      });
    }
  });

  it('counts continuation lines of an unclosed quote into its record, and blank lines apart', () => {
    for (const chunk of CHUNKINGS) {
      const r = scan('a,b\n1,"open\ntext, more, text\n\nmore text\n\n2,y\n3,"z"\n', ',', chunk);
      expect(r.refused.map((x) => [x.line, x.lastLine, x.fault, x.resumedAt, x.text])).toEqual([[2, 5, 'unclosed_quote', 7, '1,"open']]);
      expect([...r.recordLines]).toEqual([2, 7, 8]);
      expect(r.blankLines).toBe(2);
      // Closed by a stray quote on line 5: the record ends there, the blank line inside it is still a blank line.
      const closed = scan('a,b\n1,"open\ntext, more, text\n\nno quote"here\n\n2,y\n', ',', chunk);
      expect(closed.refused.map((x) => [x.line, x.lastLine, x.fault])).toEqual([[2, 5, 'text_after_quote']]);
      expect([...closed.recordLines]).toEqual([2, 7]);
      expect(closed.blankLines).toBe(2);
    }
  });

  it('keeps a well-formed multi-line quoted field whole, even when a line inside it looks like a record', () => {
    expect(summary('a,b\n1,"x\n2,y\nz"\n3,w\n', 2)).toEqual({ records: 2, lines: [2, 5], blank: 0, refused: [], asIs: true });
  });

  it('refuses the whole record when no later line of it is a well-formed record', () => {
    expect(summary('a,b\n1,"x\nno"pe\n', 5)).toMatchObject({ records: 1, refused: ['2 text_after_quote 2'] });
    expect(summary('a,b\n1,"x\n"y', 5)).toMatchObject({ records: 1, refused: ['2 text_after_quote 2'] });
    expect(summary('a,b\n1,"x\ny', 5)).toMatchObject({ records: 1, refused: ['2 unclosed_quote 2'] });
    expect(summary('a,b\n1,"x\n', 5)).toMatchObject({ records: 1, blank: 0, refused: ['2 unclosed_quote 2'] });
  });

  it('refuses a record over the limit as too long and reads the next one, also when it spans chunks', () => {
    const long = `1,"${'x'.repeat(100)}"`;
    for (const chunk of [7, 64, 1000]) {
      expect(summary(`a,b\n${long}\n2,y\n`, chunk, 50)).toMatchObject({ records: 2, lines: [2, 3], refused: ['2 too_long 0'] });
      expect(summary(`a,b\n1,"${'x\n'.repeat(60)}"\n2,y\n`, chunk, 50)).toMatchObject({ records: 2, lines: [2, 63], refused: ['2 too_long 0'] });
    }
    const r = scan(`a,b\n${long}\n`, ',', 7, 50);
    expect(r.refused[0]?.bytes).toBe(long.length);
    expect(r.refused[0]?.text).toBe(long);
  });

  it('recovers after an unclosed quote that runs past the limit', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},x`).join('\n');
    for (const chunk of [7, 64, 1000]) {
      expect(summary(`a,b\n1,"open\n${rows}\n`, chunk, 50)).toMatchObject({ records: 41, refused: ['2 unclosed_quote 2 resumed 3'] });
    }
  });

  it('steps over a byte order mark, so that a BOM and a line end make a blank line', () => {
    for (const chunk of CHUNKINGS) {
      const r = scan('\ufeff\r\na,b\n1,2\n', ',', chunk);
      expect([r.blankLines, r.headerLine, Buffer.from(r.headerBytes).toString(), [...r.recordLines]]).toEqual([1, 2, 'a,b', [3]]);
      expect(Buffer.from(scan('\ufeffa,b\n1,2\n', ',', chunk).headerBytes).toString()).toBe('a,b');
      expect(scan('\ufeffa,b\n1,2\n', ',', chunk).asIs).toBe(true);
    }
    // Bytes that only begin like a BOM are text of the first line.
    for (const chunk of [1, 2, 100]) {
      const r = scan(new Uint8Array([0xef, 0xbb, 0x41, 0x2c, 0x42, 0x0a, 0x31, 0x2c, 0x32]), ',', chunk);
      expect([...r.headerBytes]).toEqual([0xef, 0xbb, 0x41, 0x2c, 0x42]);
      expect([r.headerFields, r.records]).toEqual([2, 1]);
    }
  });

  it('reports a header it cannot read', () => {
    expect(scan('a,"b\n1,2\n').headerFault).toBe('unclosed_quote');
    expect(scan('a,b\r1,2\r').headerFault).toBe('bare_cr');
    expect(scan('a,b\n1,2\n').headerFault).toBeNull();
  });

  it('says the stream is readable as it is only with LF line ends, no blank line and nothing refused', () => {
    expect(scan('a,b\n1,2\n3,"x\r\ny"\n').asIs).toBe(true);
    expect(scan('a,b\r\n1,2\r\n').asIs).toBe(false);
    expect(scan('a,b\n1,2\n\n').asIs).toBe(false);
    expect(scan('a,b\n1,2,3\n').asIs).toBe(false);
  });
});

describe('splitCsvRecord and sniffDelimiter', () => {
  it('splits a record with quotes', () => {
    expect(splitCsvRecord('a,"b,c","d""e"', ',')).toEqual(['a', 'b,c', 'd"e']);
  });

  it('picks the delimiter that splits the header most', () => {
    expect(sniffDelimiter('inn;name;region')).toBe(';');
    expect(sniffDelimiter('inn,name,"a;b"')).toBe(',');
    expect(sniffDelimiter('inn\tname')).toBe('\t');
  });
});
