import { describe, expect, it } from 'vitest';
import { mappingFromText } from '../../src/config/load-mapping.js';
import type { Db } from '../../src/io/db.js';
import { quoteIdent } from '../../src/io/sql.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore } from '../util/fixtures.js';
import { hostileCases, randomCase, type Expectation, type HostileCase } from './corpus.js';

/** Every table ingest writes, with its row count and a digest of its content. */
async function storeState(db: Db): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const table of ['participants', 'tax_returns', 'declarations', 'outcomes', 'item_outcomes', 'lineage', 'rejects']) {
    const rows = await db.all(`SELECT count(*)::VARCHAR AS n, coalesce(sum(hash(t::VARCHAR)), 0)::VARCHAR AS h FROM ${quoteIdent(table)} t`);
    state[table] = `${String(rows[0]?.['n'])} ${String(rows[0]?.['h'])}`;
  }
  return state;
}

async function expectRead(c: HostileCase, expected: Expectation): Promise<void> {
  const db = await memoryStore();
  const file = await fixtureFile(c.fileName, c.bytes);
  const mapping = c.mapping === undefined ? undefined : mappingFromText(c.mapping, 'mapping.yaml');
  const result = await ingestInto(db, [{ extract: c.extract, file }], mapping === undefined ? {} : { mapping });
  const report = result.files[0];
  if (report === undefined) throw new Error('no report');

  // read = accepted + rejected, and both match the count made while writing the file.
  expect(report.recordsRead, 'records read').toBe(expected.records);
  expect(report.accepted + report.rejected, 'accepted + rejected').toBe(report.recordsRead);
  expect(report.accepted, 'accepted').toBe(expected.accepted.length);
  expect(report.rejected, 'rejected').toBe(expected.rejected.size);
  expect(report.blankLines, 'blank lines').toBe(expected.blankLines);
  expect(report.floatNoiseValues, 'float noise values').toBe(expected.floatNoiseValues);

  // Every rejected record at its physical line, with its codes, a message, and nothing else rejected.
  const codes = new Map<number, Set<string>>();
  for (const r of result.rejects) {
    expect(r.file).toBe(c.fileName);
    expect(r.message.length, `message of the reject at line ${r.line}`).toBeGreaterThan(0);
    if (r.code === 'RAGGED_ROW' || r.code === 'MALFORMED_RECORD') expect(r.value, `value of the reject at line ${r.line}`).not.toBeNull();
    const set = codes.get(r.line) ?? new Set<string>();
    codes.set(r.line, set.add(r.code));
  }
  const got = [...codes.entries()].map(([line, set]) => [line, [...set].sort()]).sort((a, b) => Number(a[0]) - Number(b[0]));
  expect(got, 'rejected lines and codes').toEqual([...expected.rejected.entries()].sort((a, b) => a[0] - b[0]));
  for (const [line, value] of expected.rejectValues) {
    expect(result.rejects.find((r) => r.line === line)?.value, `value of the reject at line ${line}`).toBe(value);
  }

  // The accepted records are stored at their lines, with their values as written.
  const table = quoteIdent(c.extract);
  const lines = await db.all(`SELECT source_line FROM ${table} ORDER BY source_line`);
  expect(lines.map((r) => r['source_line']), 'stored lines').toEqual(expected.accepted);
  for (const { line, column, value } of expected.stored) {
    const rows = await db.all(`SELECT ${quoteIdent(column)} AS v FROM ${table} WHERE source_line = ${line}`);
    expect(rows[0]?.['v'], `${column} of the record at line ${line}`).toEqual(value);
  }
}

async function expectRefused(c: HostileCase, message: RegExp): Promise<void> {
  const db = await memoryStore();
  const before = await fixtureFile('participants.csv', extractCsv('participants', [{}]));
  await ingestInto(db, [{ extract: 'participants', file: before }]);
  const state = await storeState(db);
  // A good file in the same run is not stored either.
  const good = await fixtureFile('tax_returns.csv', extractCsv('tax_returns', [{}]));
  const file = await fixtureFile(c.fileName, c.bytes);
  const run = ingestInto(db, [
    { extract: 'tax_returns', file: good },
    { extract: c.extract, file },
  ]);
  await expect(run).rejects.toThrow(message);
  await expect(run).rejects.toThrow(file);
  expect(await storeState(db), 'the store after a refused file').toEqual(state);
}

async function check(c: HostileCase): Promise<void> {
  if ('refused' in c.expect) await expectRefused(c, c.expect.refused);
  else await expectRead(c, c.expect);
}

describe('hostile inputs: records read = accepted + rejected, every reject at its line', () => {
  for (const c of hostileCases()) it(c.name, () => check(c));
});

describe('hostile inputs at random', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) it(`mixes every fault, seed ${seed}`, () => check(randomCase(seed, 400)));
});
