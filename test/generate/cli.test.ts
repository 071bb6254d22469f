import { describe, expect, it } from 'vitest';
import { formatGenerateSummary, generateOptionsFromArgs } from '../../src/app/generate.js';
import { GENERATE_DEFAULTS } from '../../src/config/defaults.js';
import { UsageError } from '../../src/util/errors.js';

describe('generateOptionsFromArgs', () => {
  it('fills unset flags from GENERATE_DEFAULTS', () => {
    const options = generateOptionsFromArgs({ out: 'x' });
    expect(options).toMatchObject({
      participants: GENERATE_DEFAULTS.participants,
      months: GENERATE_DEFAULTS.months,
      end: '2026-06',
      seed: 42,
      itemsPerMonth: GENERATE_DEFAULTS.itemsPerMonth,
      gzip: false,
      monthly: false,
      outDir: 'x',
    });
  });

  it('rejects a malformed end month with a usage error naming the value', () => {
    expect(() => generateOptionsFromArgs({ out: 'x', end: '2026-13' })).toThrow(new UsageError('--end must be a month YYYY-MM between 1990 and 2090, got "2026-13"'));
  });

  it('rejects a fractional or non-positive participant count', () => {
    expect(() => generateOptionsFromArgs({ out: 'x', participants: 2.5 })).toThrow(UsageError);
    expect(() => generateOptionsFromArgs({ out: 'x', participants: 0 })).toThrow('--participants must be a whole number from 1 to 10000000, got 0');
  });

  it('rejects a non-positive items-per-month and a negative seed', () => {
    expect(() => generateOptionsFromArgs({ out: 'x', 'items-per-month': 0 })).toThrow(UsageError);
    expect(() => generateOptionsFromArgs({ out: 'x', seed: -1 })).toThrow(UsageError);
  });

  it('summarises rows per file, dirty rows, schemes and decoys', () => {
    const text = formatGenerateSummary({
      outDir: 'out',
      files: [{ file: 'declarations.csv', rows: 10, dirtyRows: 1 }],
      items: 9,
      dirtyRows: 1,
      truthRows: 3,
      inspections: 2,
      schemes: { undervaluation: 1, misclassification: 0, vat_deduction_inflation: 0, shell_importer: 0, origin_manipulation: 0, resale_markup_undervaluation: 0, sales_beyond_imports: 0, eaeu_vat_unpaid_deduction: 0, zero_rate_without_export: 0, fictitious_export: 0, eaeu_false_origin: 0 },
      decoys: { deduction_lag: 1, inventory_buildup: 0, special_regime: 0, non_transaction_valuation: 0, price_dispersion: 0, stock_from_earlier_batches: 0, consignment_sales: 0, export_declared_later: 0, eaeu_buyer_confirmed: 0, eaeu_true_origin: 0 },
    });
    expect(text).toContain('declarations.csv');
    expect(text).toContain('dirty rows: 1');
    expect(text).toContain('undervaluation 1');
    expect(text).toContain('deduction_lag 1');
  });
});
