import { describe, expect, it } from 'vitest';
import { INNS, featuresAsOf, item, rowOf, storeWith } from './helpers.js';

// A claims more zero-rate sales than it declared for export; B declares its export late but within 180 days;
// C sells to an EAEU buyer; D moves an unconfirmed sale to Section 6; E's zero-rate sales are too recent to judge;
// F exports at ten times the market price of its goods (the imports of A, B and C).
const [A, B, C, D, E, F] = INNS.slice(1, 7) as [string, string, string, string, string, string];
const SHOES = '6403990000';
/** A code nobody imports: its exports have no market price to compare with. */
const CRUDE = '2709009001';

function ret(inn: string, period: string, filed: string, zero: number, extra: Record<string, string> = {}): Record<string, string> {
  return { inn, tax_period: period, filed_date: filed, zero_rate_sales_rub: zero.toFixed(2), zero_rate_sales_eaeu_rub: '0.00', zero_rate_unconfirmed_rub: '0.00', ...extra };
}

function exportItem(inn: string, release: string, value: number, values: Record<string, string> = {}): Record<string, string> {
  return item({ importer_inn: inn, release_date: release, procedure: '10', customs_value_rub: value.toFixed(2), duty_rub: '0.00', import_vat_rub: '0.00', excise_rub: '', ...values });
}

/** An import of 100 kg of shoes at 1,000 RUB a kg. */
const shoes = (inn: string, release: string): Record<string, string> =>
  item({ importer_inn: inn, release_date: release, hs_code: SHOES, customs_value_rub: '100000.00', net_weight_kg: '100' });

async function world(extra: { declarations?: Record<string, string>[]; traceability?: Record<string, string>[] } = {}) {
  return storeWith({
    declarations: [
      // The store's data start: quarters from 2024-Q3 on can be judged (each starts 90 days after it).
      item({ importer_inn: A, release_date: '2024-01-05' }),
      ...[A, B, C, D, E, F].map((inn) => item({ importer_inn: inn, release_date: '2025-03-10' })),
      ...[A, B, C].map((inn) => shoes(inn, '2025-02-10')),
      exportItem(A, '2024-08-10', 1_000_000, { hs_code: CRUDE }),
      exportItem(B, '2025-05-20', 800_000, { hs_code: CRUDE }),
      exportItem(F, '2025-04-01', 1_000_000, { hs_code: SHOES, net_weight_kg: '100' }),
      ...(extra.declarations ?? []),
    ],
    tax_returns: [
      ret(A, '2024-Q3', '2024-10-20', 1_000_000),
      ret(A, '2024-Q4', '2025-01-20', 500_000),
      ret(B, '2024-Q4', '2025-01-20', 800_000),
      ret(C, '2024-Q3', '2024-10-20', 600_000, { zero_rate_sales_eaeu_rub: '600000.00' }),
      ret(D, '2024-Q3', '2024-10-20', 300_000),
      ret(D, '2025-Q1', '2025-04-20', 0, { zero_rate_unconfirmed_rub: '300000.00' }),
      ret(E, '2024-Q4', '2025-01-20', 0),
      ret(E, '2025-Q1', '2025-04-20', 1_000_000),
    ],
    ...(extra.traceability === undefined ? {} : { traceability: extra.traceability }),
  });
}

const PEERS = { peerMinItems: 3, peerMinImporters: 1 };

describe('export features', () => {
  it('compares the zero-rate sales of the quarters whose 180 days have run out with the export declarations', async () => {
    const { byInn } = await featuresAsOf(await world(), '2025-06-30', PEERS);
    // Judged: 2024-Q3 and 2024-Q4 (2024-Q2 starts less than 90 days after the data start; 2025-Q1's 180 days have not run out).
    expect(rowOf(byInn, A)).toMatchObject({ zero_rate_sales_claimed_rub: 1_500_000, export_declared_value_rub: 1_000_000, zero_rate_without_export_rub: 500_000 });
    expect(Number(rowOf(byInn, A)['zero_rate_without_export_share'])).toBeCloseTo(1 / 3, 4);
    expect(rowOf(byInn, A)).toMatchObject({ zero_rate_vat_at_stake_rub: 100_000 });
    // Declared 140 days after the quarter: inside the 180 days.
    expect(rowOf(byInn, B)).toMatchObject({ zero_rate_sales_claimed_rub: 800_000, zero_rate_without_export_rub: 0 });
    // Sold to an EAEU buyer: confirmed by the buyer's application, never by an export declaration.
    expect(rowOf(byInn, C)).toMatchObject({ zero_rate_sales_claimed_rub: 0, zero_rate_without_export_rub: 0, zero_rate_without_export_share: null });
    // Moved to Section 6 and taxed.
    expect(rowOf(byInn, D)).toMatchObject({ zero_rate_sales_claimed_rub: 300_000, zero_rate_without_export_rub: 0 });
    // 2025-Q1 is still inside its 180 days.
    expect(rowOf(byInn, E)).toMatchObject({ zero_rate_sales_claimed_rub: 0, zero_rate_without_export_rub: 0 });
    // F filed no return of a judged quarter.
    expect(rowOf(byInn, F)).toMatchObject({ zero_rate_without_export_rub: null, zero_rate_sales_claimed_rub: null });
  });

  it('judges a quarter once its 180 days have run out', async () => {
    const { byInn } = await featuresAsOf(await world(), '2025-10-31', PEERS);
    expect(rowOf(byInn, E)).toMatchObject({ zero_rate_sales_claimed_rub: 1_000_000, zero_rate_without_export_rub: 1_000_000, zero_rate_without_export_share: 1 });
  });

  it('leaves the zero-rate comparison unknown when the store holds no export declaration', async () => {
    const db = await storeWith({
      declarations: [item({ importer_inn: A, release_date: '2024-01-05' }), item({ importer_inn: A, release_date: '2025-03-10' })],
      tax_returns: [ret(A, '2024-Q3', '2024-10-20', 1_000_000)],
    });
    const { byInn } = await featuresAsOf(db, '2025-06-30');
    expect(rowOf(byInn, A)).toMatchObject({ zero_rate_without_export_rub: null, export_declared_value_rub: null, export_value_window_rub: 0 });
  });

  it('prices exports against the market unit value of the same goods, never counting them as imports', async () => {
    const { byInn } = await featuresAsOf(await world(), '2025-06-30', PEERS);
    // Market: three imports at 1,000 RUB/kg and F's export at 10,000 RUB/kg: median 1,000. Beyond 3 × 1,000 × 100 kg: 700,000.
    expect(rowOf(byInn, F)).toMatchObject({ export_overvaluation_rub: 700_000, export_overvaluation_vat_rub: 140_000 });
    expect(Number(rowOf(byInn, F)['export_price_log_ratio'])).toBeCloseTo(Math.log(10), 3);
    // A's and B's exports are of a code without enough market items: not compared.
    expect(rowOf(byInn, A)).toMatchObject({ export_overvaluation_rub: 0, export_price_log_ratio: null });
    // An export declaration is never an import: F's window customs value is its one import item, not its export.
    expect(Number(rowOf(byInn, F)['window_customs_value_rub'])).toBeLessThan(Number(rowOf(byInn, A)['window_customs_value_rub']));
    expect(rowOf(byInn, F)).toMatchObject({ export_value_window_rub: 1_000_000 });
  });

  it('prices an export of a code without a 6-digit market at its 4-digit heading', async () => {
    const G = INNS[7] as string;
    const declarations = [
      item({ importer_inn: G, release_date: '2025-03-10' }),
      // 6403 91: nobody else trades it; the heading 6403 holds the three shoe imports and F's and G's exports.
      exportItem(G, '2025-04-01', 500_000, { hs_code: '6403910000', net_weight_kg: '100' }),
    ];
    const { byInn } = await featuresAsOf(await world({ declarations }), '2025-06-30', PEERS);
    // Heading median of 1,000, 1,000, 1,000, 5,000 and 10,000 RUB/kg: 1,000. Beyond 3 × 1,000 × 100 kg: 200,000.
    expect(rowOf(byInn, G)).toMatchObject({ export_overvaluation_rub: 200_000 });
    expect(Number(rowOf(byInn, G)['export_price_log_ratio'])).toBeCloseTo(Math.log(5), 3);
    // F's code has a 6-digit market of its own (median 1,000): the heading's does not replace it.
    expect(rowOf(byInn, F)).toMatchObject({ export_overvaluation_rub: 700_000 });
  });

  it('reports traceable goods retired as exported without an export declaration of their code', async () => {
    const fridgeOf = (inn: string): Record<string, string> => item({ importer_inn: inn, release_date: '2025-01-15', hs_code: '8418102001', supplementary_qty: '10', supplementary_unit: '796' });
    const a = fridgeOf(A);
    const b = fridgeOf(B);
    const retire = (row: Record<string, string>, seller: string, date: string, n: number): Record<string, string> => ({
      rnpt: `${row['decl_id'] as string}/001`,
      doc_type: 'retired_export',
      doc_no: `R-${n}`,
      doc_date: date,
      correction_no: '0',
      correction_date: '',
      seller_inn: seller,
      buyer_inn: '',
      quantity: '10',
      unit: '796',
      value_rub: '250000.00',
      vat_rub: '0.00',
    });
    const db = await world({
      declarations: [a, b, exportItem(B, '2025-04-12', 250_000, { hs_code: '8418109000' })],
      traceability: [retire(a, A, '2025-04-10', 1), retire(b, B, '2025-04-10', 2), retire(a, A, '2025-06-20', 3)],
    });
    const { byInn } = await featuresAsOf(db, '2025-06-30', PEERS);
    // A's first retirement has no export declaration of code 8418; its second is within 30 days of the as-of date: not yet judged.
    expect(rowOf(byInn, A)).toMatchObject({ retired_export_undeclared_rub: 250_000 });
    // B declared the export two days after the retirement.
    expect(rowOf(byInn, B)).toMatchObject({ retired_export_undeclared_rub: 0 });
  });
});
