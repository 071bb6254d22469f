import { describe, expect, it } from 'vitest';
import { SCORE_DEFAULTS } from '../../src/config/defaults.js';
import { checkFeatureParams } from '../../src/features/params.js';

describe('checkFeatureParams', () => {
  it('accepts the defaults', () => {
    expect(() => checkFeatureParams({ ...SCORE_DEFAULTS, asOf: '2026-06-30' })).not.toThrow();
  });

  it('refuses the export procedure as a payment procedure, saying why', () => {
    expect(() => checkFeatureParams({ ...SCORE_DEFAULTS, asOf: '2026-06-30', paymentProcedures: ['40', '10'] })).toThrow(
      'paymentProcedures cannot include 10: an export declaration pays no import duty or VAT; the export features read it',
    );
  });

  it('names the parameter and the value of a bad number', () => {
    expect(() => checkFeatureParams({ ...SCORE_DEFAULTS, asOf: '2026-06-30', vatQuarters: 0 })).toThrow('vatQuarters must be a whole number from 1 to 1000; got 0');
  });
});
