import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openStoreReadOnly } from '../../src/app/store.js';
import { openDuckDb } from '../../src/io/db.js';
import { extractCsv, fixtureFile, ingestInto, tempDir } from '../util/fixtures.js';
import { INNS, featuresAsOf, item, rowOf, sharedFeatures, storeWith } from './helpers.js';

const [A, B, C] = INNS.slice(9) as [string, string, string];

const signal = (id: string, inn: string, date: string, amount: string, type = 'deduction_refused'): Record<string, string> => ({
  signal_id: id,
  inn,
  signal_type: type,
  signal_date: date,
  amount_rub: amount,
});

async function store() {
  return storeWith({
    declarations: [A, B, C].map((inn) => item({ importer_inn: inn, release_date: '2024-05-10' })),
    tax_signals: [
      signal('S-1', A, '2024-02-15', '300000.00'),
      signal('S-2', A, '2024-06-10', '', 'missing_trader'),
      // Dated after the as-of date 2024-06-30: not known yet.
      signal('S-3', A, '2024-07-05', '1000.00'),
      // Older than the control period (3 years before 2024-06-30).
      signal('S-4', B, '2021-06-30', '5000.00', 'resale_markup'),
    ],
  });
}

/** The features of store(), computed once per as-of date for the tests that read them. */
const features = sharedFeatures(store);

describe('tax_signals features', () => {
  it('counts the signals within the control period up to the as-of date, sums their amounts and dates the latest', async () => {
    const { byInn } = await features('2024-06-30');
    // S-1 and S-2; S-2 names no amount. 2024-06-10 .. 2024-06-30 = 20 days / 30.4375 = 0.66.
    expect(rowOf(byInn, A)).toMatchObject({ tax_signal_count: 2, tax_signal_amount_rub: 300000, tax_signal_months_ago: 0.7 });
  });

  it('leaves out a signal older than the control period, and gives zeros to a participant without one', async () => {
    const { byInn } = await features('2024-06-30');
    expect(rowOf(byInn, B)).toMatchObject({ tax_signal_count: 0, tax_signal_amount_rub: 0, tax_signal_months_ago: null });
    expect(rowOf(byInn, C)).toMatchObject({ tax_signal_count: 0, tax_signal_amount_rub: 0, tax_signal_months_ago: null });
  });

  it('counts a signal from its date on', async () => {
    const { byInn } = await features('2024-07-31');
    expect(rowOf(byInn, A)).toMatchObject({ tax_signal_count: 3, tax_signal_amount_rub: 301000 });
  });

  it('reports the features unavailable when the store holds no signals', async () => {
    const db = await storeWith({ declarations: [item({ importer_inn: A, release_date: '2024-05-10' })] });
    const { result, byInn } = await featuresAsOf(db, '2024-06-30');
    expect(result.unavailable).toContainEqual({
      family: 'tax_signals',
      features: ['tax_signal_count', 'tax_signal_amount_rub', 'tax_signal_months_ago'],
      reason: 'the store has no tax_signals rows as of 2024-06-30',
    });
    expect(rowOf(byInn, A)).toMatchObject({ tax_signal_count: null });
  });

  it('reads a store made before the signals extract existed, opened as reading commands open it, as one without signals', async () => {
    const path = join(await tempDir(), 'old.duckdb');
    const old = await openDuckDb(path);
    const file = await fixtureFile('declarations.csv', extractCsv('declarations', [item({ importer_inn: A, release_date: '2024-05-10' })]));
    await ingestInto(old, [{ extract: 'declarations', file }]);
    await old.run('DROP TABLE tax_signals');
    old.close();
    const db = await openStoreReadOnly(path);
    onTestFinished(() => db.close());
    const { result, byInn } = await featuresAsOf(db, '2024-06-30');
    expect(result.unavailable.map((u) => u.family)).toContain('tax_signals');
    expect(rowOf(byInn, A)).toMatchObject({ tax_signal_count: null, insp_count: null });
  });
});
