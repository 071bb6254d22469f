/**
 * Feature values as plain words in reasons (`{feature:format}` placeholders)
 * and explanations, in English or Russian. Deterministic: no Intl, no locale
 * of the machine.
 */
import type { FeatureDef } from '../features/types.js';
import { splitBraces } from '../config/yaml-doc.js';
import { VALUE_FORMATS, type Lang, type ReasonPart, type ValueFormat } from './profile.js';

/** How a NULL (unknown) value is printed. */
export const NULL_TEXT: Readonly<Record<Lang, string>> = { en: 'n/a', ru: 'н/д' };

/** Decimals used for a feature missing from the catalogue passed in (should not happen after `checkProfileFeatures`). */
const FALLBACK_DECIMALS = 2;

/** `x` rounded half away from zero to `decimals` places; -0 becomes 0. */
export function roundTo(x: number, decimals: number): number {
  const factor = 10 ** decimals;
  const rounded = (Math.sign(x) * Math.round(Math.abs(x) * factor * (1 + Number.EPSILON))) / factor;
  return rounded === 0 ? 0 : rounded;
}

/**
 * `x` with `decimals` fixed decimals and thousands grouped: en `1,234.5`,
 * ru `1 234,5` (plain spaces). `trim` drops trailing zeros of the fraction.
 */
export function formatNumber(x: number, decimals: number, lang: Lang, trim = false): string {
  let text = Math.abs(roundTo(x, decimals)).toFixed(decimals);
  if (trim && text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  const [whole = '', fraction] = text.split('.');
  const groups = whole.replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'en' ? ',' : ' ');
  const sign = roundTo(x, decimals) < 0 ? '-' : '';
  return `${sign}${groups}${fraction === undefined ? '' : (lang === 'en' ? '.' : ',') + fraction}`;
}

/** Decimals needed to print a threshold as written in the profile (at most 6). */
export function decimalsOf(x: number): number {
  for (let d = 0; d < 6; d += 1) if (roundTo(x, d) === x) return d;
  return 6;
}

const MONEY_UNITS: readonly { size: number; en: string; ru: string }[] = [
  { size: 1e9, en: 'B', ru: 'млрд' },
  { size: 1e6, en: 'M', ru: 'млн' },
  { size: 1e3, en: 'K', ru: 'тыс.' },
];

/**
 * Compact money: `4.2M RUB`, `850K RUB`, `12M RUB`, `640 RUB`; ru
 * `4,2 млн руб.`, `850 тыс. руб.`. One decimal below 10 units, none from 10;
 * a trailing `.0` is dropped.
 */
export function formatMoney(rub: number, lang: Lang): string {
  const currency = lang === 'en' ? 'RUB' : 'руб.';
  const abs = Math.abs(rub);
  const sign = rub < 0 && roundTo(abs, 0) > 0 ? '-' : '';
  // Pick the unit after rounding so 999,960 prints as 1M, not 1000K.
  for (const unit of MONEY_UNITS) {
    const scaled = abs / unit.size;
    const shown = roundTo(scaled, scaled < 10 ? 1 : 0);
    if (shown >= 1) {
      const number = formatNumber(shown, shown < 10 ? 1 : 0, lang, true);
      return lang === 'en' ? `${sign}${number}${unit.en} ${currency}` : `${sign}${number} ${unit.ru} ${currency}`;
    }
  }
  return `${sign}${formatNumber(abs, 0, lang)} ${currency}`;
}

/** Russian noun after a number: `one` for 1, 21; `few` for 2-4, 22-24; `many` otherwise; fractions take `few`. */
function ruPlural(x: number, one: string, few: string, many: string): string {
  if (!Number.isInteger(x)) return few;
  const n = Math.abs(x) % 100;
  const last = n % 10;
  if (n >= 11 && n <= 14) return many;
  if (last === 1) return one;
  if (last >= 2 && last <= 4) return few;
  return many;
}

/**
 * One value in the given format (see `VALUE_FORMATS` and docs/risk-profile.md);
 * NULL prints as `n/a` / `н/д`. `def` gives decimals (`num`) and unit
 * (`percent` multiplies by 100 unless the unit is already `percent`).
 */
export function formatValue(value: number | null, format: ValueFormat, lang: Lang, def: FeatureDef | undefined): string {
  if (value === null || !Number.isFinite(value)) return NULL_TEXT[lang];
  switch (format) {
    case 'money':
      return formatMoney(value, lang);
    case 'times': {
      // Near 1 the difference is the point: 1.04x, not 1x.
      const decimals = Math.abs(value) < 2 ? 2 : Math.abs(value) < 10 ? 1 : 0;
      const shown = roundTo(value, decimals);
      const number = formatNumber(shown, decimals, lang, true);
      return lang === 'en' ? `${number}x` : `${number} ${ruPlural(shown, 'раз', 'раза', 'раз')}`;
    }
    case 'percent': {
      const percent = def?.unit === 'percent' ? value : value * 100;
      const shown = roundTo(percent, Math.abs(percent) < 10 ? 1 : 0);
      return `${formatNumber(shown, Math.abs(shown) < 10 ? 1 : 0, lang, true)}%`;
    }
    case 'logpercent': {
      // A log ratio shown as the percent change it stands for: ln(0.5) -> "-50%".
      const percent = (Math.exp(value) - 1) * 100;
      const shown = roundTo(percent, Math.abs(percent) < 10 ? 1 : 0);
      return `${shown > 0 ? '+' : ''}${formatNumber(shown, Math.abs(shown) < 10 ? 1 : 0, lang, true)}%`;
    }
    case 'int':
      return formatNumber(value, 0, lang);
    case 'num':
      return formatNumber(value, def?.decimals ?? FALLBACK_DECIMALS, lang);
    case 'years': {
      const shown = roundTo(value, 1);
      const number = formatNumber(shown, 1, lang, true);
      if (lang === 'en') return `${number} ${shown === 1 ? 'year' : 'years'}`;
      return `${number} ${ruPlural(shown, 'год', 'года', 'лет')}`;
    }
    case 'months': {
      const shown = roundTo(value, 0);
      const number = formatNumber(shown, 0, lang);
      if (lang === 'en') return `${number} ${shown === 1 ? 'month' : 'months'}`;
      return `${number} ${ruPlural(shown, 'месяц', 'месяца', 'месяцев')}`;
    }
    case 'yesno':
      if (lang === 'en') return value !== 0 ? 'yes' : 'no';
      return value !== 0 ? 'да' : 'нет';
  }
}

/**
 * Parses a reason template: `{feature}` or `{feature:format}` placeholders in
 * text; `{feature}` means `{feature:num}`. Throws `Error` (message without
 * position) on unbalanced braces, an empty placeholder or an unknown format.
 */
export function parseReason(template: string): ReasonPart[] {
  return splitBraces(template).map((part) => {
    if ('text' in part) return part;
    const inner = part.inner.trim();
    const [feature = '', format = 'num', ...rest] = inner.split(':').map((s) => s.trim());
    if (feature === '') throw new Error(`"{${inner}}" at character ${part.at} names no feature`);
    if (rest.length > 0) throw new Error(`"{${inner}}" at character ${part.at} has more than one ":"`);
    if (!(VALUE_FORMATS as readonly string[]).includes(format)) {
      throw new Error(`"{${inner}}" at character ${part.at} has an unknown format "${format}"; expected one of: ${VALUE_FORMATS.join(', ')}`);
    }
    return { feature, format: format as ValueFormat };
  });
}

/** Fills a parsed reason with the row's values; absent features print as NULL. */
export function renderReason(
  parts: readonly ReasonPart[],
  row: Readonly<Record<string, number | null>>,
  lang: Lang,
  features: ReadonlyMap<string, FeatureDef>,
): string {
  return parts.map((part) => ('text' in part ? part.text : formatValue(row[part.feature] ?? null, part.format, lang, features.get(part.feature)))).join('');
}
