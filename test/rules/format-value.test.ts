import { describe, expect, it } from 'vitest';
import type { FeatureDef, FeatureUnit } from '../../src/features/types.js';
import { formatMoney, formatNumber, formatValue, parseReason, renderReason } from '../../src/rules/format-value.js';

const def = (unit: FeatureUnit, decimals: number): FeatureDef => ({ id: 'f', family: 't', unit, decimals, title: 'f', formula: 'f', rationale: '', catches: [] });

describe('formatMoney', () => {
  it('prints compact amounts with K/M/B in English', () => {
    expect([640, 999.4, 12_345, 850_000, 999_960, 4_200_000, 12_400_000, 3_450_000_000, -1_100_000, 0].map((x) => formatMoney(x, 'en'))).toEqual([
      '640 RUB',
      '1K RUB',
      '12K RUB',
      '850K RUB',
      '1M RUB',
      '4.2M RUB',
      '12M RUB',
      '3.5B RUB',
      '-1.1M RUB',
      '0 RUB',
    ]);
  });

  it('prints тыс./млн/млрд with a decimal comma in Russian', () => {
    expect([640, 12_345, 4_200_000, 4_000_000, 3_450_000_000].map((x) => formatMoney(x, 'ru'))).toEqual([
      '640 руб.',
      '12 тыс. руб.',
      '4,2 млн руб.',
      '4 млн руб.',
      '3,5 млрд руб.',
    ]);
  });
});

describe('formatValue', () => {
  it('prints times, percent, int, num, years, months and yes/no in both languages', () => {
    const cases: [number, Parameters<typeof formatValue>[1], FeatureDef, string, string][] = [
      [3.82, 'times', def('ratio', 2), '3.8x', '3,8 раза'],
      [5, 'times', def('ratio', 2), '5x', '5 раз'],
      [2, 'times', def('ratio', 2), '2x', '2 раза'],
      [12.6, 'times', def('ratio', 2), '13x', '13 раз'],
      [0.42, 'percent', def('share', 2), '42%', '42%'],
      [0.045, 'percent', def('rate', 4), '4.5%', '4,5%'],
      [42, 'percent', def('percent', 1), '42%', '42%'],
      [1234567.6, 'int', def('count', 0), '1,234,568', '1 234 568'],
      [1234.5, 'num', def('ratio', 2), '1,234.50', '1 234,50'],
      [2.54, 'years', def('years', 2), '2.5 years', '2,5 года'],
      [1, 'years', def('years', 2), '1 year', '1 год'],
      [5, 'years', def('years', 2), '5 years', '5 лет'],
      [4, 'months', def('months', 0), '4 months', '4 месяца'],
      [11, 'months', def('months', 0), '11 months', '11 месяцев'],
      [21, 'months', def('months', 0), '21 months', '21 месяц'],
      [1, 'yesno', def('flag', 0), 'yes', 'да'],
      [0, 'yesno', def('flag', 0), 'no', 'нет'],
    ];
    for (const [value, format, feature, en, ru] of cases) {
      expect([formatValue(value, format, 'en', feature), formatValue(value, format, 'ru', feature)], `${value} ${format}`).toEqual([en, ru]);
    }
  });

  it('prints NULL as n/a and н/д in every format', () => {
    expect(formatValue(null, 'money', 'en', undefined)).toBe('n/a');
    expect(formatValue(null, 'percent', 'ru', undefined)).toBe('н/д');
  });

  it('rounds half away from zero', () => {
    expect(formatNumber(2.345, 2, 'en')).toBe('2.35');
    expect(formatNumber(-2.5, 0, 'en')).toBe('-3');
    expect(formatNumber(-0.001, 2, 'en')).toBe('0.00');
  });
});

describe('reason templates', () => {
  it('parses placeholders with and without a format', () => {
    expect(parseReason('a {x} b {y:money}')).toEqual([{ text: 'a ' }, { feature: 'x', format: 'num' }, { text: ' b ' }, { feature: 'y', format: 'money' }]);
  });

  it('rejects malformed placeholders', () => {
    expect(() => parseReason('a {x')).toThrow('"{" at character 3 is not closed');
    expect(() => parseReason('a {}')).toThrow('"{}" at character 3 names no feature');
    expect(() => parseReason('{x:money:int}')).toThrow('"{x:money:int}" at character 1 has more than one ":"');
  });

  it('renders the example reason in English and Russian', () => {
    const row = { vat_deductions_import_12q_rub: 4_210_000, import_vat_paid_12q_rub: 1_100_000, vat_deduction_ratio_12q: 3.83 };
    const features = new Map([['vat_deduction_ratio_12q', { ...def('ratio', 2), id: 'vat_deduction_ratio_12q' }]]);
    const en = parseReason(
      'VAT deductions claimed for imports {vat_deductions_import_12q_rub:money} exceed the import VAT paid at the border {import_vat_paid_12q_rub:money} ({vat_deduction_ratio_12q:times}) over 12 quarters',
    );
    const ru = parseReason(
      'Вычеты НДС по ввозу {vat_deductions_import_12q_rub:money} превышают НДС, уплаченный на таможне, {import_vat_paid_12q_rub:money} (в {vat_deduction_ratio_12q:times}) за 12 кварталов',
    );
    expect(renderReason(en, row, 'en', features)).toBe('VAT deductions claimed for imports 4.2M RUB exceed the import VAT paid at the border 1.1M RUB (3.8x) over 12 quarters');
    expect(renderReason(ru, row, 'ru', features)).toBe('Вычеты НДС по ввозу 4,2 млн руб. превышают НДС, уплаченный на таможне, 1,1 млн руб. (в 3,8 раза) за 12 кварталов');
  });
});
