import { describe, expect, it } from 'vitest';
import { checkProfileFeatures } from '../../src/rules/check-features.js';
import { evaluateIndicators } from '../../src/rules/evaluate.js';
import { loadRiskProfile } from '../../src/rules/load-profile.js';
import { decidingFeatures, type Lang } from '../../src/rules/profile.js';
import { FEATURES } from '../../src/features/compute.js';
import { expectGolden } from '../util/golden.js';

const FEATURE_MAP = new Map(FEATURES.map((f) => [f.id, f]));

const profile = await loadRiskProfile(null);

/** A row where every feature is NULL except the given ones. */
const rowOf = (values: Record<string, number>): Record<string, number | null> => ({
  ...Object.fromEntries(FEATURES.map((f) => [f.id, null])),
  ...values,
});

const evaluate = (values: Record<string, number>, lang: Lang = 'en') =>
  evaluateIndicators(profile, rowOf(values), { lang, disabled: new Set(), features: FEATURE_MAP });

/** One participant per indicator that fires it alone, with its reason in both languages. */
const CASES: { id: string; row: Record<string, number>; en: string; ru: string }[] = [
  {
    id: "vat_deductions_exceed_paid",
    row: {"vat_import_deduction_ratio": 3.82, "vat_import_deduction_excess_rub": 3100000, "vat_import_deductions_rub": 4200000, "vat_import_paid_rub": 1100000},
    en: "VAT deductions claimed for imports 4.2M RUB exceed the import VAT paid at the border 1.1M RUB (3.8x) over 12 quarters",
    ru: "Вычеты НДС по ввозу 4,2 млн руб. превышают НДС, уплаченный на таможне, 1,1 млн руб. (в 3,8 раза) за 12 кварталов",
  },
  {
    id: "imports_without_vat_return",
    row: {"ct_missing_return_quarters": 3, "ct_unreported_customs_value_rub": 24500000},
    en: "On the general tax regime, yet no VAT return was filed for 3 of the last quarters in which it imported goods worth 25M RUB",
    ru: "Применяет общий режим налогообложения, но не подал декларацию по НДС за кварталы с ввозом товаров на 25 млн руб. (кварталов: 3)",
  },
  {
    id: "imports_far_above_revenue",
    row: {"ct_customs_to_revenue_ratio": 6.4, "ct_customs_over_revenue_rub": 40500000, "ct_customs_value_filed_rub": 48000000, "ct_revenue_rub": 7500000},
    en: "Goods imported in the last due quarters are worth 48M RUB, 6.4x the 7.5M RUB of sales declared in the VAT returns for the same quarters",
    ru: "Ввезено товаров за последние отчётные кварталы на 48 млн руб. — в 6,4 раза больше выручки 7,5 млн руб., заявленной в декларациях по НДС за те же кварталы",
  },
  {
    id: "unit_values_below_peers",
    row: {"uv_log_dev_mean": -0.693, "uv_at_stake_rub": 850000, "uv_own_drop_z": 3.2, "uv_peer_items": 37, "uv_peer_importers": 9, "uv_share_below_half": 0.42},
    en: "Declared prices per kg stand on average at -50% against the median of 37 items from 9 other importers of the same goods; 42% of its items are below half the median; at the median price duty and VAT would be 850K RUB higher",
    ru: "Заявленная цена за кг в среднем составляет -50% к медиане аналогичных поставок (позиций: 37, других импортёров: 9); ниже половины медианы 42% позиций; по медианной цене пошлина и НДС были бы больше на 850 тыс. руб.",
  },
  {
    id: "unit_values_below_peers_no_payments",
    row: {"uv_log_dev_mean": -0.511, "uv_peer_items": 52, "uv_peer_importers": 14, "uv_share_below_half": 0.35},
    en: "Declared prices per kg stand on average at -40% against the median of 52 items from 14 other importers of the same goods; 35% of its items are below half the median (the extract has no duty or VAT figures to value what is at stake)",
    ru: "Заявленная цена за кг в среднем составляет -40% к медиане аналогичных поставок (позиций: 52, других импортёров: 14); ниже половины медианы 35% позиций (в выгрузке нет сведений о пошлинах и НДС, чтобы оценить сумму под риском)",
  },
  {
    id: "own_prices_dropped",
    row: {"uv_own_drop": -0.357, "uv_own_drop_z": 4.27, "uv_own_drop_months": 5, "uv_own_drop_months_ago": 2, "uv_own_drop_at_stake_rub": 1260000},
    en: "For 5 months, ending 2 months before the scored month, its declared prices per kg stood at -30% against its own prices for the same goods in its other months (4.27 standard errors); at its usual prices duty and VAT would be 1.3M RUB higher",
    ru: "Заявленные цены за кг в течение периода (5 месяцев, окончание за 2 месяца до оцениваемого месяца) составляли -30% к его собственным ценам на те же товары в другие месяцы (отклонение 4,27 стандартной ошибки); по его обычным ценам пошлина и НДС были бы больше на 1,3 млн руб.",
  },
  {
    id: "duty_rate_below_peers",
    row: {"duty_rate_gap": -0.06, "duty_code_mix_shift": -0.035, "duty_gap_at_stake_rub": 1240000},
    en: "Effective duty rate against importers of the same codes: -6% (difference of rates); typical duty rate of its codes against its own history: -3.5%; at the peers' rates duty and VAT would be 1.2M RUB higher",
    ru: "Разница фактической ставки пошлины со ставкой импортёров тех же кодов: -6%; изменение типичной ставки пошлины по его кодам против собственной истории: -3,5%; по ставкам аналогов пошлина и НДС были бы больше на 1,2 млн руб.",
  },
  {
    id: "quantity_per_kg_off_code",
    row: {"qty_per_kg_off_code_items": 7, "qty_per_kg_off_code_value_rub": 12400000, "qty_per_kg_off_code_at_stake_rub": 1130000},
    en: "7 items worth 12M RUB declare a quantity per kg far from all other items of their codes; under the codes whose quantity and price per kg they have, duty and VAT would be 1.1M RUB higher",
    ru: "По 7 позициям на 12 млн руб. количество на кг далеко от всех других поставок тех же кодов; по кодам, которым соответствуют их количество и цена за кг, пошлина и НДС были бы больше на 1,1 млн руб.",
  },
  {
    id: "preferential_origin_other_dispatch",
    row: {"pref_dispatch_mismatch_share": 0.78, "pref_dispatch_excess_z": 9.4, "pref_mismatch_value_rub": 26000000, "pref_mismatch_at_stake_rub": 3900000},
    en: "78% of the customs value (26M RUB) was declared with a preferential origin but shipped from another country; the preference cut duty and VAT by 3.9M RUB",
    ru: "78% таможенной стоимости (26 млн руб.) заявлено с преференциальным происхождением, но отправлено из другой страны; преференция уменьшила пошлину и НДС на 3,9 млн руб.",
  },
  {
    id: "shell_importer_profile",
    row: {"firm_age_years": 0.4, "headcount": 1, "mass_address": 1, "unreliable_record": 0, "window_customs_value_rub": 61000000},
    en: "Registered 0.4 years ago with 1 staff (mass-registration address: yes; register record marked unreliable: no), yet imported goods worth 61M RUB in 12 months",
    ru: "Зарегистрирован 0,4 года назад, численность 1 чел. (адрес массовой регистрации: да; недостоверные сведения в реестре: нет), но ввёз товаров на 61 млн руб. за 12 месяцев",
  },
  {
    id: "non_transaction_valuation",
    row: {"nontx_valuation_share": 0.74, "window_customs_value_rub": 8300000},
    en: "74% of the customs value of the last 12 months (8.3M RUB) was declared by a method other than the transaction value (method 1)",
    ru: "74% таможенной стоимости за 12 месяцев (8,3 млн руб.) заявлено не по стоимости сделки (метод 1), а другими методами",
  },
  {
    id: "past_violations",
    row: {"insp_violations": 2, "insp_charges_rub": 540000},
    en: "Violations found by post-clearance inspections completed before this month: 2, with 540K RUB charged",
    ru: "Нарушения, выявленные проверками после выпуска, завершёнными до этого месяца: 2, доначислено 540 тыс. руб.",
  },
  {
    id: "tax_authority_signal",
    row: {"tax_signal_count": 2, "tax_signal_amount_rub": 1250000, "tax_signal_months_ago": 3.4},
    en: "Signals from the tax authority about it within the control period: 2, the latest 3 months ago, naming 1.3M RUB",
    ru: "Сигналы налогового органа о нём за период контроля: 2, последний 3 месяца назад, на сумму 1,3 млн руб.",
  },
  {
    id: "resale_markup_beyond_peers",
    row: {"trace_markup_vs_peers": 2.5, "trace_markup_undervaluation_rub": 480000},
    en: "Resold its traceable imports at 2.5x the markup of importers of the same goods; valued at what the resale shows, duty and VAT would be 480K RUB higher",
    ru: "Перепродал прослеживаемые товары с наценкой в 2,5 раза выше, чем импортёры тех же товаров; при стоимости, которую показывает перепродажа, пошлина и НДС были бы больше на 480 тыс. руб.",
  },
  {
    id: "resale_markup_past_control",
    row: {"trace_markup_vs_peers": 2.5, "trace_markup_undervaluation_rub": 0, "trace_markup_past_control_rub": 480000},
    en: "Resold traceable goods released before the customs control period at 2.5x the markup of importers of the same goods; 480K RUB of duty and VAT at the resale's value, now the tax authority's to pursue",
    ru: "Перепродал прослеживаемые товары, выпущенные до начала срока таможенного контроля, с наценкой в 2,5 раза выше, чем импортёры тех же товаров; 480 тыс. руб. пошлины и НДС по стоимости перепродажи — предмет контроля налогового органа",
  },
  {
    id: "sales_beyond_imports",
    row: {"trace_excess_share": 0.5, "trace_excess_payments_rub": 160000, "trace_batches": 4},
    en: "Moved 50% more traceable goods than it received under the same batch numbers (4 batches); declared like their batches, they would have paid 160K RUB in duty and VAT",
    ru: "Продал прослеживаемых товаров на 50% больше, чем получил по тем же РНПТ (партий: 4); при декларировании как их партии они уплатили бы 160 тыс. руб. пошлины и НДС",
  },
  {
    id: "sold_before_release",
    row: {"trace_sold_before_release": 2},
    en: "2 traceable batches were moved before customs released them",
    ru: "Партий прослеживаемых товаров, перемещённых до их выпуска таможней: 2",
  },
  {
    id: "vat_chain_weak_buyers",
    row: {"trace_weak_buyer_share": 0.45},
    en: "45% of its sales of traceable goods went to firms with no staff or no VAT return",
    ru: "45% продаж прослеживаемых товаров пришлось на организации без сотрудников или без деклараций по НДС",
  },
  {
    id: "eaeu_vat_deductions_exceed_paid",
    row: {"eaeu_vat_deductions_rub": 2000000, "eaeu_vat_paid_rub": 1500000, "eaeu_vat_unpaid_share": 0.25, "eaeu_vat_deduction_excess_rub": 500000},
    en: "EAEU import VAT deducted 2M RUB exceeds the VAT paid with applications on the import of goods 1.5M RUB: 25% of it (500K RUB) was never paid",
    ru: "Вычеты НДС по товарам из ЕАЭС 2 млн руб. превышают НДС, уплаченный по заявлениям о ввозе товаров, 1,5 млн руб.: 25% (500 тыс. руб.) не уплачено",
  },
  {
    id: "eaeu_goods_priced_far_below_customs",
    row: {"eaeu_below_half_share": 0.6, "eaeu_compared_value_rub": 5000000, "eaeu_below_half_log": -1.3863, "eaeu_false_origin_at_stake_rub": 1200000},
    en: "60% of its goods from EAEU members (of 5M RUB) were declared at -75% against the same goods through customs; as imports from a third country they would owe 1.2M RUB in duty and VAT",
    ru: "60% товаров из ЕАЭС (из 5 млн руб.) заявлены по цене -75% к тем же товарам, ввезённым через таможню; при ввозе из третьей страны с них причиталось бы 1,2 млн руб. пошлины и НДС",
  },
  {
    id: "zero_rate_without_export",
    row: {"zero_rate_sales_claimed_rub": 5000000, "export_declared_value_rub": 2000000, "zero_rate_without_export_share": 0.6, "zero_rate_without_export_rub": 3000000, "zero_rate_vat_at_stake_rub": 600000},
    en: "Zero-rate sales outside the EAEU 5M RUB against export declarations of 2M RUB: 60% (3M RUB) never shown to leave the country; VAT at 20% on it 600K RUB",
    ru: "Реализация по ставке 0% за пределы ЕАЭС 5 млн руб. при декларациях на экспорт на 2 млн руб.: вывоз 60% (3 млн руб.) не подтверждён; НДС по ставке 20% с этой суммы 600 тыс. руб.",
  },
  {
    id: "export_priced_far_above_market",
    row: {"export_price_log_ratio": 1.9459, "export_overvaluation_rub": 8000000, "export_overvaluation_vat_rub": 1600000},
    en: "Exported goods at +600% against the market price of the same goods; the value beyond three times the market 8M RUB could carry an input VAT refund of 1.6M RUB",
    ru: "Экспортировал товары по цене +600% к рыночной цене тех же товаров; стоимость сверх трёх рыночных цен 8 млн руб. может нести возмещение входного НДС 1,6 млн руб.",
  },
  {
    id: "traceable_retired_export_undeclared",
    row: {"retired_export_undeclared_rub": 250000},
    en: "Retired traceable goods worth 250K RUB as exported, with no export declaration of the same goods",
    ru: "Вывел из оборота экспортом прослеживаемые товары на 250 тыс. руб. без декларации на экспорт тех же товаров",
  },
];

describe('profiles/default.yaml', () => {
  it('reads only features of the catalogue, with RUB amounts and flag tests on flags', () => {
    expect(() => checkProfileFeatures(profile, FEATURE_MAP)).not.toThrow();
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

  it('does not flag prices below peers that its own history shows as a constant cheap grade', () => {
    const cheap = { uv_log_dev_mean: -0.6, uv_at_stake_rub: 9_000_000, uv_share_below_half: 0.45, uv_own_drop: -0.2, uv_own_drop_z: 1.9, uv_own_shift: 0.02 };
    expect(evaluate(cheap).fired).toEqual([]);
    // Without own items to tell, half-price items must make up a fifth of the compared ones.
    const fresh = { uv_log_dev_mean: -0.6, uv_at_stake_rub: 9_000_000, uv_peer_items: 40, uv_peer_importers: 8 };
    expect(evaluate({ ...fresh, uv_share_below_half: 0.1 }).fired).toEqual([]);
    expect(evaluate({ ...fresh, uv_share_below_half: 0.3 }).fired.map((f) => f.id)).toEqual(['unit_values_below_peers']);
  });

  it('needs preferences shipped from elsewhere far more often than other importers of the same origin', () => {
    const row = { pref_dispatch_mismatch_share: 0.12, pref_mismatch_value_rub: 4_000_000, pref_mismatch_at_stake_rub: 600_000 };
    expect(evaluate({ ...row, pref_dispatch_excess_z: 0.4 }).fired).toEqual([]);
    expect(evaluate({ ...row, pref_dispatch_excess_z: 3.1 }).fired.map((f) => f.id)).toEqual(['preferential_origin_other_dispatch']);
  });

  it('does not call a young firm with staff at a normal address a shell', () => {
    expect(evaluate({ firm_age_years: 0.4, headcount: 12, mass_address: 1, unreliable_record: 0, window_customs_value_rub: 61_000_000 }).fired).toEqual([]);
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

describe('reason texts of the default profile (golden files)', () => {
  for (const lang of ['en', 'ru'] as const) {
    it(`renders every indicator's reason in ${lang} as in test/fixtures/golden/default-profile-reasons.${lang}.txt`, async () => {
      const text = `${CASES.map((c) => `${c.id}: ${evaluate(c.row, lang).fired[0]?.reason ?? ''}`).join('\n')}\n`;
      await expectGolden(`default-profile-reasons.${lang}.txt`, text);
    });
  }
});
