/**
 * The words of plan.xlsx in the run's language: sheet names, column headers
 * and the coded values a planner reads (the recommended form, the check type,
 * the selection, the exclusion reason). The CSV files keep the codes: they
 * are for machines and stay the same in every language.
 */
import type { Lang } from '../rules/profile.js';
import type { Table } from './table.js';

/** Sheet names by their English name. */
const SHEETS_RU: Readonly<Record<string, string>> = {
  Plan: 'План',
  Referrals: 'Передача в ФНС',
  Excluded: 'Исключены',
  Parameters: 'Параметры',
  Manifest: 'Манифест',
  Outcomes: 'Результаты',
};

/** Column headers by column key. */
const HEADERS_RU: Readonly<Record<string, string>> = {
  plan_id: 'План',
  rank: 'Место',
  inn: 'ИНН',
  name: 'Наименование',
  region: 'Регион',
  office: 'Таможенный орган',
  quota: 'Квота',
  check_type: 'Вид проверки',
  score: 'Балл',
  score_source: 'Источник балла',
  probability: 'P(нарушение)',
  expected_charges_rub: 'Ожидаемые доначисления, руб.',
  model_customs_share: 'Доля таможни по модели',
  customs_at_stake_rub: 'Таможенные платежи под риском, руб.',
  tax_at_stake_rub: 'Налоги под риском, руб.',
  customs_share: 'Доля таможни',
  recommended_form: 'Рекомендуемая форма',
  reason_1: 'Причина 1',
  reason_2: 'Причина 2',
  reason_3: 'Причина 3',
  selection: 'Отбор',
  propensity: 'Вероятность отбора',
  earliest_inspectable_until: 'Проверка возможна до',
  inspectable_items: 'Товаров, доступных проверке',
  reason: 'Причина',
  detail: 'Подробности',
  tax_reasons: 'Налоговые причины',
  key: 'Ключ',
  value: 'Значение',
  referral_id: 'Номер передачи',
  kind: 'Вид строки',
  inspection_id: 'Номер проверки',
  period_from: 'Проверяемый период с',
  period_to: 'Проверяемый период по',
  started_date: 'Начата',
  completed_date: 'Завершена',
  violation: 'Нарушение (1/0)',
  violation_category: 'Вид нарушения',
  additional_charges_rub: 'Доначислено всего, руб.',
  duty_rub: 'Пошлина, руб.',
  import_vat_rub: 'Ввозной НДС, руб.',
  excise_rub: 'Акциз, руб.',
  penalties_rub: 'Пени и штрафы, руб.',
  correction_no: 'Номер исправления',
};

/** Coded cell values by column key, then code. */
const VALUES_RU: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  recommended_form: {
    customs_inspection: 'таможенная проверка',
    coordinated_measure: 'совместное мероприятие с ФНС',
    refer_to_tax: 'передача в ФНС',
  },
  check_type: { desk: 'камеральная', field: 'выездная' },
  selection: { risk: 'по риску', random: 'случайный отбор' },
  score_source: { rules: 'профиль риска', model: 'модель' },
  kind: { inspection: 'проверка', referral: 'передача в ФНС' },
  violation_category: { valuation: 'таможенная стоимость', classification: 'классификация', origin: 'происхождение', vat_deductions: 'вычеты НДС', other: 'другое' },
};

/** A sheet's name in the language. */
export function sheetName(name: string, lang: Lang): string {
  return lang === 'ru' ? (SHEETS_RU[name] ?? name) : name;
}

/** The header of a key-value sheet's two columns. */
export function keyValueHeaders(lang: Lang): [string, string] {
  return lang === 'ru' ? [HEADERS_RU['key'] as string, HEADERS_RU['value'] as string] : ['Key', 'Value'];
}

/** A table with its headers and coded values in the language (English: as it is). */
export function localiseTable(table: Table, lang: Lang): Table {
  if (lang === 'en') return table;
  const columns = table.columns.map((c) => ({ ...c, label: HEADERS_RU[c.key] ?? c.label }));
  const maps = table.columns.map((c) => VALUES_RU[c.key]);
  const rows = table.rows.map((row) => row.map((cell, i) => maps[i]?.[cell] ?? cell));
  return { columns, rows };
}

/**
 * The column key of a sheet header written in either language (the key
 * itself, the English label or the Russian one); undefined when none.
 */
export function columnKeyOf(header: string, columns: readonly { key: string; label: string }[]): string | undefined {
  const h = header.trim();
  return columns.find((c) => c.key === h || c.label === h || HEADERS_RU[c.key] === h)?.key;
}

/** The code of a cell value written in either language (a Russian word back to its code; anything else as it is). */
export function codeOf(key: string, value: string): string {
  const map = VALUES_RU[key];
  if (map === undefined) return value;
  const found = Object.entries(map).find(([, word]) => word === value.trim());
  return found === undefined ? value : found[0];
}
