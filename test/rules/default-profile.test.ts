import { describe, expect, it } from 'vitest';
import { checkProfileFeatures } from '../../src/rules/check-features.js';
import { evaluateIndicators } from '../../src/rules/evaluate.js';
import { loadRiskProfile } from '../../src/rules/load-profile.js';
import { decidingFeatures, type Lang } from '../../src/rules/profile.js';
import { ASSUMED_FEATURE_MAP, ASSUMED_FEATURES } from './assumed-features.js';

const profile = await loadRiskProfile(null);

/** A row where every assumed feature is NULL except the given ones. */
const rowOf = (values: Record<string, number>): Record<string, number | null> => ({
  ...Object.fromEntries(ASSUMED_FEATURES.map((f) => [f.id, null])),
  ...values,
});

const evaluate = (values: Record<string, number>, lang: Lang = 'en') =>
  evaluateIndicators(profile, rowOf(values), { lang, disabled: new Set(), features: ASSUMED_FEATURE_MAP });

/** One participant per indicator that fires it alone, with its reason in both languages. */
const CASES: { id: string; row: Record<string, number>; en: string; ru: string }[] = [
  {
    id: 'vat_deductions_exceed_paid',
    row: { vat_deduction_ratio_12q: 3.82, vat_deduction_excess_12q_rub: 3_100_000, vat_deductions_import_12q_rub: 4_200_000, import_vat_paid_12q_rub: 1_100_000 },
    en: 'VAT deductions claimed for imports 4.2M RUB exceed the import VAT paid at the border 1.1M RUB (3.8x) over 12 quarters',
    ru: 'Вычеты НДС по ввозу 4,2 млн руб. превышают НДС, уплаченный на таможне, 1,1 млн руб. (в 3,8 раза) за 12 кварталов',
  },
  {
    id: 'imports_without_vat_return',
    row: { regime_general: 1, quarters_missing_return_12q: 3, import_vat_missing_return_12q_rub: 2_450_000 },
    en: 'On the general tax regime, yet no VAT return was filed for 3 of the last 12 quarters in which it imported goods; import VAT paid at customs in those quarters: 2.5M RUB',
    ru: 'Применяет общий режим налогообложения, но не подал декларацию по НДС за кварталы с ввозом товаров (кварталов из последних 12: 3); ввозной НДС, уплаченный на таможне в эти кварталы: 2,5 млн руб.',
  },
  {
    id: 'imports_far_above_revenue',
    row: { imports_to_revenue_4q: 6.4, imports_landed_4q_rub: 48_000_000, revenue_4q_rub: 7_500_000 },
    en: 'Goods imported over the last 4 quarters cost 48M RUB with duties, 6.4x the 7.5M RUB of sales declared in the VAT returns for the same quarters',
    ru: 'Ввезено товаров за последние 4 квартала на 48 млн руб. с пошлинами — в 6,4 раза больше выручки 7,5 млн руб., заявленной в декларациях по НДС за те же кварталы',
  },
  {
    id: 'unit_values_below_peers',
    row: { unit_value_peer_ratio: 0.42, unit_value_peer_items: 37, unit_value_peer_importers: 9, undervaluation_gap_value_rub: 3_400_000, undervaluation_gap_payments_rub: 850_000 },
    en: 'Declared prices per kg average 42% of the peer price, far below the median of 37 items from 9 other importers of the same goods; at the median price duty and VAT would be 850K RUB higher (customs value 3.4M RUB higher)',
    ru: 'Заявленная цена за кг в среднем составляет 42% от цены аналогичных поставок — намного ниже медианы (позиций: 37, других импортёров: 9); по медианной цене пошлина и НДС были бы больше на 850 тыс. руб. (таможенная стоимость — на 3,4 млн руб.)',
  },
  {
    id: 'duty_rate_below_peers',
    row: { duty_rate_effective_12m: 0.031, duty_rate_peer_ratio_12m: 0.35, lower_duty_code_shift_share_12m: 0.6, duty_gap_vs_peers_12m_rub: 1_240_000 },
    en: "The effective duty rate of 3.1% is 35% of what other importers of goods in the same headings pay, and 60% of the customs value moved to lower-duty codes; at the peers' rates duty and VAT would be 1.2M RUB higher",
    ru: 'Фактическая ставка пошлины 3,1% составляет 35% от ставки других импортёров товаров тех же товарных позиций, доля таможенной стоимости, перешедшая на коды с меньшей пошлиной: 60%; по ставкам аналогов пошлина и НДС были бы больше на 1,2 млн руб.',
  },
  {
    id: 'preferential_origin_other_dispatch',
    row: { pref_origin_other_dispatch_share_12m: 0.78, pref_origin_other_dispatch_value_12m_rub: 26_000_000, pref_duty_relief_other_dispatch_12m_rub: 3_900_000 },
    en: '78% of the goods declared with a preferential origin (26M RUB) were shipped from another country; the preference cut duty and VAT by 3.9M RUB',
    ru: '78% товаров с заявленным преференциальным происхождением (26 млн руб.) отправлены из другой страны; преференция уменьшила пошлину и НДС на 3,9 млн руб.',
  },
  {
    id: 'shell_importer_profile',
    row: { firm_age_months: 4, headcount: 1, mass_address: 1, unreliable_record: 0, customs_value_12m_rub: 61_000_000 },
    en: 'Registered 4 months ago with 1 staff (mass-registration address: yes; register record marked unreliable: no), yet imported goods worth 61M RUB in 12 months',
    ru: 'Зарегистрирован 4 месяца назад, численность 1 чел. (адрес массовой регистрации: да; недостоверные сведения в реестре: нет), но ввёз товаров на 61 млн руб. за 12 месяцев',
  },
  {
    id: 'non_transaction_valuation',
    row: { non_transaction_valuation_share_12m: 0.74, customs_value_12m_rub: 8_300_000 },
    en: '74% of the customs value of the last 12 months (8.3M RUB) was declared by a method other than the transaction value (method 1)',
    ru: '74% таможенной стоимости за 12 месяцев (8,3 млн руб.) заявлено не по стоимости сделки (метод 1), а другими методами',
  },
  {
    id: 'past_violations',
    row: { past_violations_36m: 2, past_charges_36m_rub: 540_000 },
    en: 'Violations found by post-clearance inspections in the last 3 years: 2, with 540K RUB charged',
    ru: 'Нарушения, выявленные проверками после выпуска за последние 3 года: 2, доначислено 540 тыс. руб.',
  },
];

describe('profiles/default.yaml', () => {
  it('reads only features of the assumed catalogue, with RUB amounts and flag tests on flags', () => {
    expect(() => checkProfileFeatures(profile, ASSUMED_FEATURE_MAP)).not.toThrow();
  });

  it('uses every assumed feature', () => {
    const used = new Set(profile.indicators.flatMap((i) => i.refs.map((r) => r.feature)));
    expect(ASSUMED_FEATURES.map((f) => f.id).filter((id) => !used.has(id))).toEqual([]);
  });

  it('covers every indicator with a case below', () => {
    expect(CASES.map((c) => c.id).sort()).toEqual(profile.indicators.map((i) => i.id).sort());
  });

  for (const c of CASES) {
    it(`fires ${c.id} alone on its case, with the reason in both languages`, () => {
      const en = evaluate(c.row, 'en');
      expect(en.fired.map((f) => f.id)).toEqual([c.id]);
      expect(en.fired[0]?.reason).toBe(c.en);
      expect(evaluate(c.row, 'ru').fired[0]?.reason).toBe(c.ru);
    });
  }

  it('fires nothing on an all-NULL row', () => {
    expect(evaluate({}).fired).toEqual([]);
  });

  it('does not call a young firm with staff at a normal address a shell', () => {
    expect(evaluate({ firm_age_months: 4, headcount: 12, mass_address: 1, unreliable_record: 0, customs_value_12m_rub: 61_000_000 }).fired).toEqual([]);
  });

  it('ranks a large VAT excess with undervaluation above either alone', () => {
    const [vat, under] = [CASES[0], CASES[3]].map((c) => evaluate((c as (typeof CASES)[number]).row).score);
    const both = evaluate({ ...CASES[0]?.row, ...CASES[3]?.row });
    expect(both.score).toBe(Math.round(((vat as number) + (under as number)) * 1e4) / 1e4);
    expect(both.fired.map((f) => f.id)).toEqual(['vat_deductions_exceed_paid', 'unit_values_below_peers']);
    expect([both.customsAtStakeRub, both.taxAtStakeRub]).toEqual([850_000, 3_100_000]);
  });

  it('every indicator decides on at least one feature', () => {
    for (const indicator of profile.indicators) expect(decidingFeatures(indicator).length, indicator.id).toBeGreaterThan(0);
  });
});
