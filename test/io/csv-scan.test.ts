import { describe, expect, it } from 'vitest';
import { CsvScanner, sniffDelimiter, splitCsvRecord } from '../../src/io/csv-scan.js';

function scan(text: string, delimiter = ',', chunkSize = 3) {
  const scanner = new CsvScanner(delimiter);
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += chunkSize) scanner.push(bytes.subarray(at, at + chunkSize));
  return scanner.finish();
}

describe('CsvScanner', () => {
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

  it('flags a closing quote followed by text, and an unterminated quote', () => {
    const result = scan('a,b\n"x"y,1\n1,2\n"open,3\n4,5\n');
    expect(result.malformed).toEqual([
      { ordinal: 0, line: 2 },
      { ordinal: 2, line: 4 },
    ]);
    expect(result.records).toBe(3);
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
