import { describe, expect, it } from 'vitest';
import { loadMapping } from '../../src/config/load-mapping.js';
import { describeRejected, rejectedDeclarations } from '../../src/store/rejected-rows.js';
import { fixtureFile, ingestInto, memoryStore } from '../util/fixtures.js';

const MAPPING = new URL('../../docs/examples/mapping-generic.yaml', import.meta.url).pathname;
const HEADER =
  '"Declaration ID","Date","Office ID","Process Type","Import Type","Import Use","Payment Type","Mode of Transport","Declarant ID","Importer ID","Seller ID","Courier ID","HS10 Code","Country of Departure","Country of Origin","Tax Rate","Tax Type","Country of Origin Indicator","Net Mass","Item Price","Fraud","Critical Fraud"';
const row = (decl: string, date: string, mass: string): string => `${decl},${date},OF52,B,11,21,11,40,DECT9,IMPA,SEL1,CR1,9503000000,US,US,8,C,Y,${mass},207370,1,1`;

describe('rejectedDeclarations', () => {
  it('counts and names the declaration records ingest refused, by their release month', async () => {
    const db = await memoryStore();
    const file = await fixtureFile(
      'declarations.csv',
      [
        HEADER,
        row('D1', '2024-08-02', '22.3'), // stored
        row('D2', '2024-08-03', 'heavy'), // refused, released in the window
        row('D3', '2024-05-03', 'heavy'), // refused, released before it
        row('D4', '2024-13-40', '1.0'), // refused, month unreadable
        row('D5', '2024-09-01', '-1'), // refused, in the window
      ].join('\n') + '\n',
    );
    const result = await ingestInto(db, [{ extract: 'declarations', file }], { mapping: await loadMapping(MAPPING) });
    expect(result.rejects.length).toBeGreaterThanOrEqual(4);
    const rejected = await rejectedDeclarations(db, '2024-07', '2024-12');
    expect(rejected.inWindow).toBe(2);
    expect(rejected.monthUnknown).toBe(1);
    expect(rejected.rows.map((r) => [r.line, r.period])).toEqual([
      [3, '2024-08'],
      [6, '2024-09'],
      [5, null],
    ]);
    expect(rejected.rows[0]).toMatchObject({ file: 'declarations.csv', column: 'net_weight_kg', value: 'heavy' });
    const text = describeRejected(rejected).join('\n');
    expect(text).toContain('ingest refused 2 declaration record(s) released in 2024-07..2024-12 and 1 whose release month could not be read');
    expect(text).toContain('declarations.csv:3 NOT_A_NUMBER net_weight_kg "heavy"');
    // A window without refusals says so.
    expect(describeRejected(await rejectedDeclarations(db, '2023-01', '2023-02'))).toEqual(['ingest refused 0 declaration record(s) released in 2023-01..2023-02 and 1 whose release month could not be read: their items are not evaluated (all of them in evaluation.json, rejectedAtIngest)', '  declarations.csv:5 BAD_DATE release_date "2024-13-40" (month unknown)']);
  });
});
