import { describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../src/io/csv-scan.js';
import { fixtureFile, ingestInto, memoryStore } from '../util/fixtures.js';
import { CaseBuilder, randomCase } from './corpus.js';

/** The hostile cases too large for the everyday suite (test/hostile/hostile.test.ts holds the rest). */
describe('hostile inputs, large', () => {
  it('reads a record of exactly 8 MiB, refuses one byte more naming the limit, and reads on after both', async () => {
    const b = new CaseBuilder('participants').header();
    const width = (name: string): number => Buffer.byteLength(b.text(b.fields({ name })));
    const fill = MAX_RECORD_BYTES - width('');
    b.good({ name: 'x'.repeat(fill) }).good();
    b.bad('MALFORMED_RECORD', { name: 'x'.repeat(fill + 1) }).good({}, '\r\n');
    b.bad('MALFORMED_RECORD', { name: `"${'y'.repeat(fill)}\n${'z'.repeat(10)}"` }).good();
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', b.bytes());
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 6, accepted: 4, rejected: 2 });
    expect(result.rejects.map((r) => [r.line, r.code, r.message])).toEqual([
      [4, 'MALFORMED_RECORD', 'the record is 8,388,609 bytes long (line 4), over the limit of 8 MiB (8,388,608 bytes) per record'],
      [6, 'MALFORMED_RECORD', `the record is ${(MAX_RECORD_BYTES + 17).toLocaleString('en-US')} bytes long (lines 6-7), over the limit of 8 MiB (8,388,608 bytes) per record`],
    ]);
    const stored = await db.all('SELECT source_line, length(name)::INTEGER AS n FROM participants ORDER BY source_line');
    expect(stored).toEqual([
      { source_line: 2, n: fill },
      { source_line: 3, n: 11 },
      { source_line: 5, n: 11 },
      { source_line: 8, n: 11 },
    ]);
  });

  it('recovers after an unclosed quote followed by more than 8 MiB of good rows', async () => {
    const b = new CaseBuilder('participants').header();
    b.badText('MALFORMED_RECORD', b.text(b.fields({ name: 'X' })).replace(',X,', ',"ООО Ромашка,'));
    for (let i = 0; i < 120_000; i++) b.good({}, i % 2 === 0 ? '\n' : '\r\n');
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', b.bytes());
    expect(b.bytes().length).toBeGreaterThan(MAX_RECORD_BYTES);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 120_001, accepted: 120_000, rejected: 1 });
    expect(result.rejects.map((r) => [r.line, r.code, r.column])).toEqual([[2, 'MALFORMED_RECORD', 'name']]);
  });

  it('keeps read = accepted + rejected on 200,000 records of every fault at random', async () => {
    const c = randomCase(77, 200_000);
    if ('refused' in c.expect) throw new Error('a random case is never refused');
    const db = await memoryStore();
    const file = await fixtureFile(c.fileName, c.bytes);
    const result = await ingestInto(db, [{ extract: c.extract, file }]);
    expect(result.files[0]).toMatchObject({
      recordsRead: c.expect.records,
      accepted: c.expect.accepted.length,
      rejected: c.expect.rejected.size,
      blankLines: c.expect.blankLines,
    });
    const lines = new Map<number, Set<string>>();
    for (const r of result.rejects) lines.set(r.line, (lines.get(r.line) ?? new Set()).add(r.code));
    const got = [...lines.entries()].map(([line, set]) => [line, [...set].sort()]);
    expect(got).toEqual([...c.expect.rejected.entries()].sort((a, b) => a[0] - b[0]));
    const stored = await db.all('SELECT source_line FROM participants ORDER BY source_line');
    expect(stored.map((r) => r['source_line'])).toEqual(c.expect.accepted);
  });
});
