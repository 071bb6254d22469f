import { describe, expect, it } from 'vitest';
import { defaultHistoryRateSpec, historyRateFeatureNames } from '../../src/models/risk/history-rates.js';
import type { ItemFeatureSet } from '../../src/models/risk/item-examples.js';
import { itemFeatureDefs } from '../../src/score/item-feature-defs.js';

/** An item feature set of history rates alone: the default entities with `Seller` and `Mode`, and the pairs added. */
function ratesOnly(): ItemFeatureSet {
  const rates = defaultHistoryRateSpec(['Mode', 'Seller'], {
    add: [
      [{ kind: 'column', column: 'customs_office' }, { kind: 'column', column: 'importer_inn' }],
      [{ kind: 'hs', digits: 4 }, { kind: 'column', column: 'dispatch_country' }],
      [{ kind: 'column', column: 'importer_inn' }, { kind: 'extra', name: 'Mode' }],
    ],
    remove: [],
  });
  return { features: historyRateFeatureNames(rates), own: [], extraNumeric: [], rates };
}

describe('itemFeatureDefs', () => {
  it('titles the pairs a mapping adds in plain words, in English and Russian', () => {
    const titles = (lang: 'en' | 'ru'): Record<string, string> => Object.fromEntries(itemFeatureDefs(ratesOnly(), lang).map((d) => [d.id, d.title]));
    const en = titles('en');
    const ru = titles('ru');
    expect(en['hist_pair_customs_office_importer_inn_rate']).toBe('Past violation rate of the customs office with this importer');
    expect(en['hist_pair_customs_office_importer_inn_n']).toBe('The number of examined items of the customs office with this importer before');
    expect(en['hist_pair_hs4_dispatch_country_rate']).toBe('Past violation rate of the HS heading (4 digits) with this country of dispatch');
    expect(en['hist_pair_importer_inn_Mode_rate']).toBe('Past violation rate of the importer with the same «Mode»');
    expect(ru['hist_pair_customs_office_importer_inn_rate']).toBe('Доля нарушений в прошлом у таможенного поста с этим импортёром');
    expect(ru['hist_pair_hs4_dispatch_country_n']).toBe('Число проверенных ранее товаров позиции ТН ВЭД (4 знака) с этой страной отправления');
    expect(ru['hist_pair_importer_inn_Mode_rate']).toBe('Доля нарушений в прошлом у импортёра с тем же значением «Mode»');
    // The built-in titles stay as they were.
    expect(en['hist_importer_hs6_rate']).toBe('Past violation rate of the importer with this HS subheading');
    expect(en['hist_extra_Seller_importer_rate']).toBe('Past violation rate of «Seller» with this importer');
    expect(Object.values(en).every((title) => !title.includes('pair_'))).toBe(true);
  });
});
