import { describe, expect, it } from 'vitest';
import { csvRecordsOf } from '../../src/io/csv-read.js';
import { csvBytes, csvText, neutraliseFormula } from '../../src/io/csv-write.js';
import { xlsxValue } from '../../src/plan/table.js';

describe('formula-injection guard', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+7 495 000', "'+7 495 000"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['-', "'-"],
    ['=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
  ])('neutralises %j', (text, guarded) => {
    expect(neutraliseFormula(text)).toBe(guarded);
  });

  it.each(['-12.50', '+3', '-1e-5', '0.5', 'ООО «Ромашка»', 'a=b', '', "'=already"])('leaves %j as it is', (text) => {
    expect(neutraliseFormula(text)).toBe(text);
  });

  it('guards every text cell of a CSV output, numbers untouched, and reads back', () => {
    const text = csvText(['name', 'amount', 'n'], [
      ['=cmd|\' /C calc\'!A0', '-15.00', -3],
      ['@x, "y"', '12', 4],
    ]);
    expect(text).toBe('name,amount,n\n\'=cmd|\' /C calc\'!A0,-15.00,-3\n"\'@x, ""y""",12,4\n');
    expect(csvRecordsOf(text, 'test.csv', []).records.map((r) => r.values)).toEqual([
      { name: "'=cmd|' /C calc'!A0", amount: '-15.00', n: '-3' },
      { name: '\'@x, "y"', amount: '12', n: '4' },
    ]);
  });

  it('writes the same bytes piece by piece for millions of rows (csvBytes) as csvText does', () => {
    const cells = ['=1+2', '-12.50', 'a, "b"', 'line\nbreak', 'ООО «Ромашка»', '', '-', '@x', 'plain', '+7 495'];
    const rowOf = (i: number): (string | number | null)[] => [i, cells[i % cells.length] ?? '', i % 7 === 0 ? null : -i / 4, cells[(i * 3) % cells.length] ?? ''];
    // More rows than one piece holds, and a last piece that is not full.
    const count = 20_011;
    const rows = Array.from({ length: count }, (_, i) => rowOf(i));
    const bytes = csvBytes(['n', 'text', 'x', 'more'], count, rowOf);
    expect(bytes.equals(Buffer.from(csvText(['n', 'text', 'x', 'more'], rows), 'utf8'))).toBe(true);
    expect(csvBytes(['n'], 0, rowOf).toString('utf8')).toBe('n\n');
  });

  it('guards XLSX text cells the same way and types numbers and dates', () => {
    expect(xlsxValue('text', '=1+2')).toBe("'=1+2");
    expect(xlsxValue('text', '-')).toBe("'-");
    expect(xlsxValue('money', '-12.50')).toBe(-12.5);
    expect(xlsxValue('date', '2026-06-30')).toEqual(new Date('2026-06-30T00:00:00Z'));
    expect(xlsxValue('integer', '')).toBeNull();
  });
});
