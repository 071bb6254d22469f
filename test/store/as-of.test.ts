import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/io/db.js';
import { asOfSql } from '../../src/store/as-of.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore } from '../util/fixtures.js';

describe('asOfSql', () => {
  it('shows the declaration version made by the as-of date', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('d.csv', extractCsv('declarations', [{}, { version: '2', version_date: '2024-06-01', customs_value_rub: '150000.00' }]));
    await ingestInto(db, [{ extract: 'declarations', file }]);
    const at = async (date: string) => (await db.all(`SELECT customs_value_rub FROM (${asOfSql('declarations', date)})`)).map((r) => r['customs_value_rub']);
    expect(await at('2024-03-14')).toEqual([]);
    expect(await at('2024-05-31')).toEqual(['100000.00']);
    expect(await at('2024-06-01')).toEqual(['150000.00']);
  });

  it('shows the highest correction filed by the as-of date', async () => {
    const db = await memoryStore();
    const first = await fixtureFile('a.csv', extractCsv('tax_returns', [{}]));
    const later = await fixtureFile('b.csv', extractCsv('tax_returns', [{ correction_no: '1', filed_date: '2024-09-01', revenue_rub: '6000000.00' }]));
    await ingestInto(db, [{ extract: 'tax_returns', file: first }]);
    await ingestInto(db, [{ extract: 'tax_returns', file: later }]);
    const at = async (date: string) => (await db.all(`SELECT revenue_rub FROM (${asOfSql('tax_returns', date)})`)).map((r) => r['revenue_rub']);
    expect(await at('2024-04-19')).toEqual([]);
    expect(await at('2024-08-31')).toEqual(['5000000.00']);
    expect(await at('2024-09-01')).toEqual(['6000000.00']);
  });

  it('shows the register snapshot valid at the as-of date', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('p.csv', extractCsv('participants', [{}, { snapshot_date: '2024-06-30', headcount: '0', mass_address: '1' }]));
    await ingestInto(db, [{ extract: 'participants', file }]);
    const at = async (date: string) => (await db.all(`SELECT headcount, mass_address FROM (${asOfSql('participants', date)})`));
    expect(await at('2024-05-01')).toEqual([{ headcount: 12, mass_address: false }]);
    expect(await at('2024-07-01')).toEqual([{ headcount: 0, mass_address: true }]);
  });

  it('picks the same snapshot as a window over every snapshot made by then, redeliveries included', async () => {
    // The as-of register is a join with each INN's latest snapshot date (cheaper than a window over
    // every snapshot); the window is the reference, on every other day around 60 random snapshots of 5 firms.
    const db = await openDuckDb(':memory:');
    await db.run(`CREATE TABLE participants AS
      SELECT 'inn' || (i % 5) AS inn, DATE '2024-01-01' + CAST(hash(i) % 90 AS INTEGER) AS snapshot_date,
        CAST(i // 20 AS INTEGER) AS ingest_id, CAST(i AS INTEGER) AS headcount
      FROM range(60) t(i)`);
    const reference = (date: string) => `SELECT * FROM participants WHERE snapshot_date <= DATE '${date}'
      QUALIFY row_number() OVER (PARTITION BY inn ORDER BY snapshot_date DESC, ingest_id DESC, headcount) = 1`;
    // A redelivery: two rows of one INN, date and delivery; each query keeps one of them.
    await db.run(`INSERT INTO participants VALUES ('inn1', DATE '2024-02-10', 9, 1000), ('inn1', DATE '2024-02-10', 9, 1001)`);
    for (let day = 0; day <= 95; day += 2) {
      const date = new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
      const got = await db.all(`SELECT inn, snapshot_date, ingest_id FROM (${asOfSql('participants', date)}) ORDER BY inn`);
      const want = await db.all(`SELECT inn, snapshot_date, ingest_id FROM (${reference(date)}) ORDER BY inn`);
      expect(got, date).toEqual(want);
    }
    db.close();
  });

  it('shows an inspection completed after the as-of date as open, and hides its findings, category and charges by type', async () => {
    const db = await memoryStore();
    const outcomes = await fixtureFile('o.csv', extractCsv('outcomes', [{ completed_date: '' , violation: '', additional_charges_rub: '' }, { violation_category: 'origin', duty_rub: '100.00', penalties_rub: '5.00' }]));
    const items = await fixtureFile('i.csv', extractCsv('item_outcomes', [{}]));
    await ingestInto(db, [
      { extract: 'outcomes', file: outcomes },
      { extract: 'item_outcomes', file: items },
    ]);
    const at = async (date: string) => db.all(`SELECT completed_date, violation FROM (${asOfSql('outcomes', date)})`);
    const detail = async (date: string) => db.all(`SELECT violation_category, duty_rub::DOUBLE AS duty, penalties_rub::DOUBLE AS penalties FROM (${asOfSql('outcomes', date)})`);
    const findings = async (date: string) => (await db.all(`SELECT count(*)::INTEGER AS n FROM (${asOfSql('item_outcomes', date)})`))[0]?.['n'];
    expect(await at('2024-01-31')).toEqual([]);
    expect(await at('2024-03-31')).toEqual([{ completed_date: null, violation: null }]);
    expect(await findings('2024-03-31')).toBe(0);
    expect(await detail('2024-03-31')).toEqual([{ violation_category: null, duty: null, penalties: null }]);
    expect(await at('2024-04-01')).toEqual([{ completed_date: '2024-04-01', violation: 1 }]);
    expect(await detail('2024-04-01')).toEqual([{ violation_category: 'origin', duty: 100, penalties: 5 }]);
    expect(await findings('2024-04-01')).toBe(1);
  });
});
