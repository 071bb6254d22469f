/**
 * Reasons for a model's score in plain words: the features whose exact
 * TreeSHAP contributions raised the participant's log-odds of a violation
 * the most, each with the participant's value, the month's median over all
 * scored participants, and how much it multiplies the odds.
 */
import type { FeatureDef, FeatureUnit } from '../features/types.js';
import type { GbdtModel } from '../models/learners/gbdt/index.js';
import type { RecoveringAuthority } from '../rules/index.js';
import { formatNumber, formatValue, roundTo } from '../rules/format-value.js';
import type { Lang, ValueFormat } from '../rules/profile.js';

/** One feature's part in a model score. */
export interface ModelReason {
  feature: string;
  /** The feature's title in the chosen language. */
  title: string;
  value: number | null;
  /** Contribution to the classifier's margin (log-odds), 4 decimals. */
  contribution: number;
  /** Who would recover money that this feature points at. */
  recoveringAuthority: RecoveringAuthority;
  reason: string;
}

/** Russian titles of the features (the catalogue's titles are English). */
export const FEATURE_TITLES_RU: Readonly<Record<string, string>> = {
  ct_customs_to_revenue_ratio: 'Таможенная стоимость к выручке',
  ct_customs_over_revenue_rub: 'Превышение таможенной стоимости над выручкой',
  ct_unreported_customs_value_rub: 'Таможенная стоимость в кварталах без декларации по НДС',
  ct_missing_return_quarters: 'Кварталы с ввозом без декларации по НДС',
  ct_customs_value_filed_rub: 'Таможенная стоимость в кварталах с декларацией по НДС',
  ct_revenue_rub: 'Выручка за те же кварталы',
  vat_import_deduction_excess_rub: 'Вычеты НДС по ввозу сверх уплаченного на таможне',
  vat_import_deduction_ratio: 'Вычеты НДС по ввозу к уплаченному на таможне',
  vat_import_deductions_rub: 'Вычеты НДС по ввозу в декларациях',
  vat_import_paid_rub: 'НДС, уплаченный на таможне',
  uv_log_dev_mean: 'Цена единицы против аналогов',
  uv_abs_log_dev_mean: 'Отклонение цены единицы от аналогов',
  uv_share_below_half: 'Доля товаров дешевле половины медианы аналогов',
  uv_at_stake_rub: 'Пошлины и НДС под риском по заниженным ценам',
  uv_compared_share: 'Доля стоимости с группой аналогов',
  uv_peer_level: 'Уровень группы аналогов',
  uv_peer_items: 'Товаров в группе аналогов',
  uv_peer_importers: 'Импортёров в группе аналогов',
  uv_own_shift: 'Сдвиг собственных цен сверх рынка',
  uv_own_drop: 'Собственные цены в период их падения против других месяцев',
  uv_own_drop_z: 'Значимость падения собственных цен (стандартных ошибок)',
  uv_own_drop_months: 'Месяцев в периоде падения собственных цен',
  uv_own_drop_months_ago: 'Месяцев от конца периода падения собственных цен',
  uv_own_drop_at_stake_rub: 'Пошлины и НДС под риском по собственным обычным ценам',
  uv_share_above_double: 'Доля товаров дороже двух медиан аналогов',
  duty_rate_gap: 'Эффективная ставка пошлины ниже аналогов',
  duty_code_mix_shift: 'Сдвиг структуры кодов к меньшей пошлине',
  pref_dispatch_mismatch_share: 'Преференция при отправке из другой страны',
  pref_dispatch_excess_z: 'Преференции с отправкой из другой страны сверх других импортёров того же происхождения (стандартных ошибок)',
  duty_gap_at_stake_rub: 'Пошлины и НДС под риском по заниженной ставке',
  qty_per_kg_off_code_items: 'Позиций с количеством на кг не по заявленному коду',
  qty_per_kg_off_code_value_rub: 'Стоимость позиций с количеством на кг не по заявленному коду',
  qty_per_kg_off_code_at_stake_rub: 'Пошлины и НДС под риском по позициям с количеством на кг не по заявленному коду',
  pref_mismatch_value_rub: 'Стоимость с преференцией и отправкой из другой страны',
  pref_mismatch_at_stake_rub: 'Пошлины и НДС под риском по преференциям',
  nontx_valuation_share: 'Доля стоимости по нетрансакционным методам',
  customs_value_growth_log: 'Рост таможенной стоимости к своей истории',
  firm_age_years: 'Возраст компании',
  headcount: 'Численность работников',
  mass_address: 'Адрес массовой регистрации',
  unreliable_record: 'Недостоверные сведения в реестре',
  vat_burden_gap: 'Налоговая нагрузка по НДС против отрасли',
  gross_margin: 'Валовая маржа',
  hs_chapter_count: 'Групп ТН ВЭД во ввозе',
  window_customs_value_rub: 'Таможенная стоимость ввоза за окно',
  insp_count: 'Прошлые проверки',
  insp_violations: 'Прошлые проверки с нарушением',
  insp_charges_rub: 'Доначислено прошлыми проверками',
  months_since_last_inspection: 'Месяцев после последней проверки',
  office_violation_rate: 'Доля нарушений в прошлых проверках по его таможенным органам',
  hs_chapter_violation_rate: 'Доля нарушений в прошлых проверках по его группам ТН ВЭД',
  tax_signal_count: 'Сигналы налогового органа',
  tax_signal_amount_rub: 'Сумма в сигналах налогового органа',
  tax_signal_months_ago: 'Месяцев после последнего сигнала налогового органа',
  trace_batches: 'Перемещённых партий прослеживаемых товаров',
  trace_excess_share: 'Перемещено сверх полученного по тем же РНПТ',
  trace_excess_payments_rub: 'Платежи по товарам, перемещённым сверх полученного',
  trace_sold_before_release: 'Партий, перемещённых до выпуска',
  trace_markup_vs_peers: 'Наценка при перепродаже против аналогов',
  trace_markup_undervaluation_rub: 'Платежи под риском по цене перепродажи',
  trace_markup_past_control_rub: 'Платежи по цене перепродажи за сроком таможенного контроля',
  trace_unmoved_share: 'Доля прослеживаемого ввоза без перемещений',
  trace_weak_buyer_share: 'Продажи организациям без сотрудников или без деклараций по НДС',
  eaeu_vat_deduction_excess_rub: 'Вычеты НДС по ввозу из ЕАЭС сверх уплаченного по заявлениям',
  eaeu_vat_unpaid_share: 'Доля вычетов НДС по ввозу из ЕАЭС без уплаты',
  eaeu_vat_deductions_rub: 'Вычеты НДС по ввозу из ЕАЭС',
  eaeu_vat_paid_rub: 'НДС, уплаченный по заявлениям о ввозе из ЕАЭС',
  eaeu_price_vs_customs_log: 'Цена ввоза из ЕАЭС против цены тех же товаров на таможне (логарифм)',
  eaeu_false_origin_at_stake_rub: 'Пошлина и НДС под риском по дешёвому ввозу из ЕАЭС',
  eaeu_compared_value_rub: 'Стоимость ввоза из ЕАЭС, сравнённого с таможенными ценами',
  eaeu_below_half_share: 'Доля ввоза из ЕАЭС дешевле половины таможенной цены',
  eaeu_below_half_log: 'Цена ввоза из ЕАЭС дешевле половины таможенной цены против неё (логарифм)',
  eaeu_codes_switched_rub: 'Ввоз из ЕАЭС товаров, которые после проверки перестали ввозить через таможню',
  zero_rate_without_export_rub: 'Реализация по ставке 0% без декларации на экспорт',
  zero_rate_without_export_share: 'Доля реализации по ставке 0% без декларации на экспорт',
  zero_rate_vat_at_stake_rub: 'НДС по неподтверждённой реализации по ставке 0%',
  zero_rate_sales_claimed_rub: 'Реализация по ставке 0% за пределы ЕАЭС',
  export_declared_value_rub: 'Таможенная стоимость деклараций на экспорт',
  export_value_window_rub: 'Таможенная стоимость экспорта за окно',
  export_overvaluation_rub: 'Стоимость экспорта сверх трёх рыночных цен',
  export_overvaluation_vat_rub: 'Входной НДС на завышенной стоимости экспорта',
  export_price_log_ratio: 'Цена экспорта против рыночной (логарифм)',
  retired_export_undeclared_rub: 'Выбытие прослеживаемых товаров экспортом без декларации',
  profile_customs_points: 'Баллы таможенных индикаторов профиля риска',
  profile_tax_points: 'Баллы налоговых индикаторов профиля риска',
};

/**
 * Who would recover the money a feature points at: customs for what is
 * declared at the border (values, prices, duty rates, preferences, customs
 * history), the tax authority for what the firm reports to it (revenue,
 * VAT deductions, register and tax-return traits).
 */
const FAMILY_AUTHORITY: Readonly<Record<string, RecoveringAuthority>> = {
  customs_vs_tax: 'tax',
  vat_deductions: 'tax',
  unit_value: 'customs',
  duty_rate: 'customs',
  profile: 'tax',
  inspection_history: 'customs',
  tax_signals: 'tax',
  // Goods after the border: customs' while the goods are inside its control period (see TAX_TRACE_FEATURES).
  traceability: 'customs',
  // VAT on EAEU imports is paid to and deducted from the tax authority.
  eaeu: 'tax',
  // The zero VAT rate and a refund of input VAT are the tax authority's.
  exports: 'tax',
  // The model's risk-profile points (src/models/risk/inputs.ts), by the authority of their indicators.
  risk_profile_customs: 'customs',
  risk_profile_tax: 'tax',
};

/** Profile features about customs activity rather than tax-return traits. */
const CUSTOMS_PROFILE_FEATURES = new Set(['nontx_valuation_share', 'customs_value_growth_log', 'hs_chapter_count', 'window_customs_value_rub']);

/** Traceability features whose money is the tax authority's: past customs' control period, hidden sales, the VAT chain (docs/traceability.md). */
const TAX_TRACE_FEATURES = new Set(['trace_markup_past_control_rub', 'trace_unmoved_share', 'trace_weak_buyer_share']);

/** The authority of a feature's money (see {@link FAMILY_AUTHORITY}). */
export function featureAuthority(feature: FeatureDef): RecoveringAuthority {
  if (CUSTOMS_PROFILE_FEATURES.has(feature.id)) return 'customs';
  if (TAX_TRACE_FEATURES.has(feature.id)) return 'tax';
  return FAMILY_AUTHORITY[feature.family] ?? 'customs';
}

const UNIT_FORMAT: Readonly<Record<FeatureUnit, ValueFormat>> = {
  RUB: 'money',
  ratio: 'times',
  share: 'percent',
  log: 'logpercent',
  count: 'int',
  years: 'years',
  months: 'months',
  flag: 'yesno',
  rate: 'percent',
  percent: 'percent',
  se: 'num',
  points: 'num',
};

/** The feature's title in a language. */
function featureTitle(feature: FeatureDef, lang: Lang): string {
  return lang === 'ru' ? (FEATURE_TITLES_RU[feature.id] ?? feature.title) : feature.title;
}

/** Median of the present values, or null without any. */
function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function reasonText(feature: FeatureDef, value: number | null, typical: number | null, contribution: number, lang: Lang): string {
  const format = UNIT_FORMAT[feature.unit];
  const shown = formatValue(value, format, lang, feature);
  const factor = formatNumber(roundTo(Math.exp(contribution), 2), 2, lang);
  const title = featureTitle(feature, lang);
  if (lang === 'ru') {
    const typ = typical === null ? '' : ` (медиана за месяц ${formatValue(typical, format, lang, feature)})`;
    return value === null
      ? `Модель: ${title} — нет данных; это повышает шансы нарушения в ${factor} раза`
      : `Модель: ${title} — ${shown}${typ}; это повышает шансы нарушения в ${factor} раза`;
  }
  const typ = typical === null ? '' : ` (month median ${formatValue(typical, format, lang, feature)})`;
  return value === null
    ? `Model: ${title} is not known; this multiplies the odds of a violation by ${factor}`
    : `Model: ${title} is ${shown}${typ}; this multiplies the odds of a violation by ${factor}`;
}

/** The model's reasons of every row, and how its positive contributions split between the authorities. */
export interface ModelExplanation {
  reasons: ModelReason[][];
  /**
   * Per row: the share of the positive contributions (summed over every
   * feature, log-odds) made by features whose money customs would recover,
   * 4 decimals; null when no feature raised the score.
   */
  customsShare: (number | null)[];
}

/** What {@link modelReasons} needs. */
export interface ModelReasonOptions {
  features: readonly FeatureDef[];
  lang: Lang;
  /** Reasons per participant (default 3). */
  count?: number;
  /** The classifier's contributions of these rows when already computed (`contributionsMany`); computed here otherwise. */
  contributions?: Float64Array;
}

/**
 * For each row of `values` (row-major, rows × features, NaN = missing): the
 * features with the largest positive contributions to the classifier's
 * margin, largest first (ties by feature order), at most `count`; features
 * that lowered the score are left out. Values are compared with the median
 * of all rows, the month's scored population. Also the share of the
 * positive contributions that point at customs-recoverable money, which
 * splits the model's expected charges between the authorities in routing.
 */
export function modelReasons(classifier: GbdtModel, values: Float64Array, nRows: number, options: ModelReasonOptions): ModelExplanation {
  const { features, lang } = options;
  const count = options.count ?? 3;
  const n = features.length;
  const contributions = options.contributions ?? classifier.contributions({ values, nRows, nCols: n, layout: 'row-major' });
  const width = n + 1;
  const medians = features.map((_, j) => {
    const present: number[] = [];
    for (let r = 0; r < nRows; r++) {
      const v = values[r * n + j] as number;
      if (!Number.isNaN(v)) present.push(v);
    }
    return median(present);
  });
  const authorities = features.map((f) => featureAuthority(f));
  const out: ModelReason[][] = [];
  const customsShare: (number | null)[] = [];
  for (let r = 0; r < nRows; r++) {
    const order: number[] = [];
    let positive = 0;
    let customs = 0;
    for (let j = 0; j < n; j++) {
      const c = contributions[r * width + j] as number;
      if (c > 0) {
        positive += c;
        if (authorities[j] === 'customs') customs += c;
      }
      if (roundTo(c, 4) > 0) order.push(j);
    }
    customsShare.push(positive > 0 ? roundTo(customs / positive, 4) : null);
    order.sort((a, b) => (contributions[r * width + b] as number) - (contributions[r * width + a] as number) || a - b);
    out.push(
      order.slice(0, count).map((j) => {
        const feature = features[j] as FeatureDef;
        const raw = values[r * n + j] as number;
        const value = Number.isNaN(raw) ? null : raw;
        const contribution = roundTo(contributions[r * width + j] as number, 4);
        return {
          feature: feature.id,
          title: featureTitle(feature, lang),
          value,
          contribution,
          recoveringAuthority: featureAuthority(feature),
          reason: reasonText(feature, value, medians[j] ?? null, contribution, lang),
        };
      }),
    );
  }
  return { reasons: out, customsShare };
}
