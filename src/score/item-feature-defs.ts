/**
 * The item model's features as the catalogue describes participant
 * features: a title in the language of the run, a unit for printing the
 * value, so the item reasons read as plain words (src/score/model-reasons.ts).
 */
import type { EntityPairColumn, HsPrefixName } from '../config/entity-pairs.js';
import type { FeatureDef, FeatureUnit } from '../features/types.js';
import { singleEntityId, type EntityDef } from '../models/risk/history-rates.js';
import type { ItemFeatureSet } from '../models/risk/item-examples.js';
import type { Lang } from '../rules/profile.js';

type Words = Readonly<Record<Lang, string>>;

const OWN: Readonly<Record<string, { unit: FeatureUnit; title: Words }>> = {
  item_log_customs_value: { unit: 'log', title: { en: 'Customs value of the item (log)', ru: 'Таможенная стоимость товара (логарифм)' } },
  item_log_net_weight: { unit: 'log', title: { en: 'Net weight of the item (log)', ru: 'Масса нетто товара (логарифм)' } },
  item_log_unit_value: { unit: 'log', title: { en: 'Customs value per kg (log)', ru: 'Таможенная стоимость за кг (логарифм)' } },
  item_unit_value_log_dev: { unit: 'log', title: { en: "Value per kg against other importers' same goods", ru: 'Стоимость за кг относительно тех же товаров других импортёров' } },
  item_unit_value_log_dev_code: { unit: 'log', title: { en: 'Value per kg against all items of the same code', ru: 'Стоимость за кг относительно всех товаров того же кода' } },
  item_duty_rate: { unit: 'rate', title: { en: 'Duty rate of the item', ru: 'Ставка пошлины по товару' } },
  item_duty_rate_gap: { unit: 'rate', title: { en: 'Duty rate against the same code’s usual rate', ru: 'Ставка пошлины относительно обычной для кода' } },
  item_dispatch_differs: { unit: 'flag', title: { en: 'Dispatched from another country than the origin', ru: 'Отправлен не из страны происхождения' } },
  decl_items: { unit: 'count', title: { en: 'Items in the declaration', ru: 'Товаров в декларации' } },
  decl_value_share: { unit: 'share', title: { en: 'Share of the declaration’s customs value', ru: 'Доля в таможенной стоимости декларации' } },
  decl_min_unit_value_log_dev: {
    unit: 'log',
    title: { en: 'Lowest value per kg against peers among the declaration’s items', ru: 'Наименьшая стоимость за кг относительно аналогов среди товаров декларации' },
  },
  importer_recent_items: { unit: 'count', title: { en: 'Items the importer declared in the 90 days before', ru: 'Товаров импортёра за 90 дней до выпуска' } },
  importer_recent_log_value: { unit: 'log', title: { en: 'Customs value the importer declared in the 90 days before (log)', ru: 'Таможенная стоимость товаров импортёра за 90 дней до выпуска (логарифм)' } },
};

const ENTITIES: Readonly<Record<string, Words>> = {
  importer_inn: { en: 'the importer', ru: 'импортёра' },
  customs_representative_inn: { en: 'the customs representative', ru: 'таможенного представителя' },
  hs2: { en: 'the HS chapter (2 digits)', ru: 'группы ТН ВЭД (2 знака)' },
  hs4: { en: 'the HS heading (4 digits)', ru: 'позиции ТН ВЭД (4 знака)' },
  hs6: { en: 'the HS subheading (6 digits)', ru: 'субпозиции ТН ВЭД (6 знаков)' },
  hs10: { en: 'the HS code (10 digits)', ru: 'кода ТН ВЭД (10 знаков)' },
  origin_country: { en: 'the country of origin', ru: 'страны происхождения' },
  dispatch_country: { en: 'the country of dispatch', ru: 'страны отправления' },
  origin_dispatch: { en: 'the origin with this country of dispatch', ru: 'страны происхождения с этой страной отправления' },
  customs_office: { en: 'the customs office', ru: 'таможенного поста' },
  hs6_origin: { en: 'the HS subheading with this origin', ru: 'субпозиции ТН ВЭД с этой страной происхождения' },
  hs10_origin: { en: 'the HS code with this origin', ru: 'кода ТН ВЭД с этой страной происхождения' },
  importer_hs6: { en: 'the importer with this HS subheading', ru: 'импортёра с этой субпозицией ТН ВЭД' },
  representative_importer: { en: 'the customs representative with this importer', ru: 'таможенного представителя с этим импортёром' },
};

/** The second part of a pair a mapping adds, as "with this ..." reads it (instrumental in Russian). */
const WITH_THIS: Readonly<Record<EntityPairColumn | HsPrefixName, Words>> = {
  importer_inn: { en: 'this importer', ru: 'этим импортёром' },
  customs_representative_inn: { en: 'this customs representative', ru: 'этим таможенным представителем' },
  origin_country: { en: 'this origin', ru: 'этой страной происхождения' },
  dispatch_country: { en: 'this country of dispatch', ru: 'этой страной отправления' },
  customs_office: { en: 'this customs office', ru: 'этим таможенным постом' },
  hs2: { en: 'this HS chapter', ru: 'этой группой ТН ВЭД' },
  hs4: { en: 'this HS heading', ru: 'этой позицией ТН ВЭД' },
  hs6: { en: 'this HS subheading', ru: 'этой субпозицией ТН ВЭД' },
  hs10: { en: 'this HS code', ru: 'этим кодом ТН ВЭД' },
};

/**
 * A pair a mapping adds (`pair_<first>_<second>`), in words: "the customs
 * office with this importer", "таможенного поста с этим импортёром"; an
 * extra column reads as its header, «Mode of Transport».
 */
function pairWords(e: EntityDef, lang: Lang): string | null {
  const [first, second] = e.parts;
  if (first === undefined || second === undefined || e.parts.length !== 2) return null;
  const of = first.kind === 'extra' ? `«${first.name}»` : ENTITIES[singleEntityId(first)]?.[lang];
  const withThis =
    second.kind === 'extra'
      ? lang === 'ru'
        ? `тем же значением «${second.name}»`
        : `the same «${second.name}»`
      : WITH_THIS[singleEntityId(second) as EntityPairColumn | HsPrefixName]?.[lang];
  if (of === undefined || withThis === undefined) return null;
  return lang === 'ru' ? `${of} с ${withThis}` : `${of} with ${withThis}`;
}

function def(id: string, unit: FeatureUnit, title: string): FeatureDef {
  return { id, family: 'item', unit, decimals: 4, title, formula: '', rationale: '', catches: [] };
}

/** The features of an item feature set, in its order, titled in `lang`. */
export function itemFeatureDefs(set: ItemFeatureSet, lang: Lang): FeatureDef[] {
  const entities = new Map(set.rates.entities.map((e) => [e.id, e]));
  return set.features.map((id) => {
    const own = OWN[id];
    if (own !== undefined) return def(id, own.unit, own.title[lang]);
    const rate = /^hist_(.+)_(rate|n)$/.exec(id);
    if (rate !== null) {
      const key = rate[1] as string;
      const pair = /^extra_(.+)_importer$/.exec(key);
      const added = entities.get(key);
      const entity =
        ENTITIES[key]?.[lang] ??
        (added !== undefined && key.startsWith('pair_') ? pairWords(added, lang) : null) ??
        (pair !== null ? (lang === 'ru' ? `«${pair[1]}» с этим импортёром` : `«${pair[1]}» with this importer`) : key.startsWith('extra_') ? `«${key.slice(6)}»` : key);
      return rate[2] === 'rate'
        ? def(id, 'share', lang === 'ru' ? `Доля нарушений в прошлом у ${entity}` : `Past violation rate of ${entity}`)
        : def(id, 'count', lang === 'ru' ? `Число проверенных ранее товаров ${entity}` : `The number of examined items of ${entity} before`);
    }
    if (id.startsWith('extra_')) return def(id, 'se', `«${id.slice(6)}»`);
    return def(id, 'se', id);
  });
}
