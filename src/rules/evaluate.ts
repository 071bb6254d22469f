/**
 * Evaluates a risk profile on one participant's feature row: which
 * indicators fire, why (in plain words with the participant's numbers), the
 * score and the money at stake. Pure and deterministic.
 */
import type { FeatureDef } from '../features/types.js';
import { decimalsOf, formatNumber, formatValue, NULL_TEXT, renderReason, roundTo } from './format-value.js';
import { decidingFeatures, type Comparison, type Condition, type Indicator, type Lang, type RecoveringAuthority, type RiskProfile } from './profile.js';

/** RUB at stake at which an indicator's contribution doubles its weight (score formula, docs/risk-profile.md). */
export const AMOUNT_SCALE_RUB = 100_000;
/** Decimals of contributions and the score. */
const SCORE_DECIMALS = 4;
/** Decimals of amounts at stake. */
const RUB_DECIMALS = 2;

/** One indicator that fired. */
export interface FiredIndicator {
  id: string;
  title: string;
  weight: number;
  /** `weight × (1 + log10(1 + amountAtStakeRub / 100 000))`, or `weight` without an amount; 4 decimals. */
  contribution: number;
  /** Value of the `amount_at_stake` feature (negative read as 0), or null when the indicator has none or it is NULL. */
  amountAtStakeRub: number | null;
  recoveringAuthority: RecoveringAuthority;
  /** The reason template filled with the participant's values. */
  reason: string;
}

/** The result for one participant. */
export interface Evaluation {
  /** Sum of the fired contributions, 4 decimals; 0 when nothing fired. */
  score: number;
  /** Sorted by contribution descending, then id. */
  fired: FiredIndicator[];
  /** The rest, in profile order, each with why it did not fire (for `ccrg explain`; listed and worded when first read, from the row evaluated, which must not change after). */
  unfired: { id: string; title: string; why: string }[];
  /** Sums over the amount groups of the fired indicators of each authority (the largest amount of each group), 2 decimals. */
  customsAtStakeRub: number;
  taxAtStakeRub: number;
}

/** Options of `evaluateIndicators`. */
export interface EvaluateOptions {
  /** Language of titles, reasons and explanations. */
  lang: Lang;
  /** Ids of indicators disabled for the run (`disabledIndicators`); they never fire. */
  disabled: ReadonlySet<string>;
  /** The feature catalogue: decimals and units for printing values. */
  features: ReadonlyMap<string, FeatureDef>;
}

type Row = Readonly<Record<string, number | null>>;

/**
 * Evaluates every indicator of the profile on one participant's feature row
 * (feature id -> value, NULL when unknown; an absent key counts as NULL).
 *
 * Contribution of a fired indicator: `weight × (1 + log10(1 + at stake /
 * 100 000 RUB))` when it has an amount at stake above 0, else `weight`;
 * score = sum of contributions. Both rounded to 4 decimals.
 */
export function evaluateIndicators(profile: RiskProfile, row: Row, options: EvaluateOptions): Evaluation {
  const { lang, disabled, features } = options;
  const fired: FiredIndicator[] = [];
  for (const indicator of profile.indicators) {
    if (disabled.has(indicator.id) || !holds(indicator.condition, row)) continue;
    const amount = amountOf(indicator, row);
    fired.push({
      id: indicator.id,
      title: indicator.title[lang],
      weight: indicator.weight,
      contribution: contributionOf(indicator.weight, amount),
      amountAtStakeRub: amount,
      recoveringAuthority: indicator.recoveringAuthority,
      reason: renderReason(indicator.reasonParts[lang], row, lang, features),
    });
  }
  fired.sort((a, b) => b.contribution - a.contribution || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const atStake: Record<RecoveringAuthority, Map<string, number>> = { customs: new Map(), tax: new Map() };
  for (const indicator of profile.indicators) {
    const hit = fired.find((f) => f.id === indicator.id);
    if (hit === undefined || hit.amountAtStakeRub === null || indicator.amountGroup === null) continue;
    const group = atStake[indicator.recoveringAuthority];
    group.set(indicator.amountGroup, Math.max(group.get(indicator.amountGroup) ?? Number.NEGATIVE_INFINITY, hit.amountAtStakeRub));
  }
  const total = (authority: RecoveringAuthority): number => roundTo([...atStake[authority].values()].reduce((sum, x) => sum + x, 0), RUB_DECIMALS);

  // Listed only when read (`ccrg explain`): a batch evaluates every indicator of every participant,
  // and a list per participant cost a batch of 95,000 participants about 2 s, most of it garbage collection.
  let unfired: Evaluation['unfired'] | undefined;
  return {
    score: roundTo(fired.reduce((sum, f) => sum + f.contribution, 0), SCORE_DECIMALS),
    fired,
    get unfired(): Evaluation['unfired'] {
      unfired ??= unfiredIndicators(profile, row, options);
      return unfired;
    },
    customsAtStakeRub: total('customs'),
    taxAtStakeRub: total('tax'),
  };
}

/** The indicators of the profile that did not fire on the row, in profile order, each with why. */
function unfiredIndicators(profile: RiskProfile, row: Row, { lang, disabled, features }: EvaluateOptions): Evaluation['unfired'] {
  const unfired: Evaluation['unfired'] = [];
  for (const indicator of profile.indicators) {
    const title = indicator.title[lang];
    if (disabled.has(indicator.id)) unfired.push({ id: indicator.id, title, why: disabledWhy(indicator, row, lang) });
    else if (!holds(indicator.condition, row)) unfired.push({ id: indicator.id, title, why: explainFalse(indicator.condition, row, lang, features, false) });
  }
  return unfired;
}

/** `weight × (1 + log10(1 + amount / 100 000))`, `weight` without an amount; 4 decimals. */
export function contributionOf(weight: number, amountAtStakeRub: number | null): number {
  const factor = amountAtStakeRub === null || amountAtStakeRub <= 0 ? 1 : 1 + Math.log10(1 + amountAtStakeRub / AMOUNT_SCALE_RUB);
  return roundTo(weight * factor, SCORE_DECIMALS);
}

/** True when the condition holds on the row. */
export function holds(condition: Condition, row: Row): boolean {
  if ('all' in condition) return condition.all.every((child) => holds(child, row));
  if ('any' in condition) return condition.any.some((child) => holds(child, row));
  return compare(condition, valueOf(row, condition.feature));
}

function compare(comparison: Comparison, value: number | null): boolean {
  if (comparison.op === 'is_null') return value === null;
  if (value === null) return false;
  switch (comparison.op) {
    case '>':
      return value > comparison.value;
    case '>=':
      return value >= comparison.value;
    case '<':
      return value < comparison.value;
    case '<=':
      return value <= comparison.value;
    case '==':
      return value === comparison.value;
    case '!=':
      return value !== comparison.value;
    case 'between':
      return value >= comparison.value[0] && value <= comparison.value[1];
    case 'is_true':
      return value !== 0;
    case 'is_false':
      return value === 0;
    case 'not_null':
      return true;
  }
}

function valueOf(row: Row, feature: string): number | null {
  const value = row[feature];
  return value === undefined || value === null || Number.isNaN(value) ? null : value;
}

function amountOf(indicator: Indicator, row: Row): number | null {
  if (indicator.amountAtStake === null) return null;
  const value = valueOf(row, indicator.amountAtStake);
  return value === null ? null : roundTo(Math.max(0, value), RUB_DECIMALS);
}

const WORDS = {
  en: { needs: 'needs', yes: 'yes', no: 'no', aValue: 'a value', noValue: 'no value', between: (a: string, b: string) => `between ${a} and ${b}`, noneOf: 'none of', disabled: 'disabled', noData: 'no data for' },
  ru: { needs: 'нужно', yes: 'да', no: 'нет', aValue: 'значение', noValue: 'нет значения', between: (a: string, b: string) => `от ${a} до ${b}`, noneOf: 'ни одно из', disabled: 'отключён', noData: 'нет данных по' },
} as const;

/**
 * Why a false condition is false: every false comparison as
 * `feature = value, needs op threshold`; an `all` lists its false members
 * (`; `), an `any` reads `none of (...)`. Nested groups are parenthesised.
 */
function explainFalse(condition: Condition, row: Row, lang: Lang, features: ReadonlyMap<string, FeatureDef>, nested: boolean): string {
  const words = WORDS[lang];
  if ('all' in condition) {
    const parts = condition.all.filter((child) => !holds(child, row)).map((child) => explainFalse(child, row, lang, features, true));
    const text = parts.join('; ');
    return nested && parts.length > 1 ? `(${text})` : text;
  }
  if ('any' in condition) {
    return `${words.noneOf} (${condition.any.map((child) => explainFalse(child, row, lang, features, true)).join('; ')})`;
  }
  const value = valueOf(row, condition.feature);
  const shown = value === null ? NULL_TEXT[lang] : formatValue(value, 'num', lang, features.get(condition.feature));
  const threshold = (x: number): string => formatNumber(x, decimalsOf(x), lang);
  let needs: string;
  switch (condition.op) {
    case 'between':
      needs = words.between(threshold(condition.value[0]), threshold(condition.value[1]));
      break;
    case 'is_true':
      needs = words.yes;
      break;
    case 'is_false':
      needs = words.no;
      break;
    case 'is_null':
      needs = words.noValue;
      break;
    case 'not_null':
      needs = words.aValue;
      break;
    default:
      needs = `${condition.op} ${threshold(condition.value)}`;
  }
  return `${condition.feature} = ${shown}, ${words.needs} ${needs}`;
}

/** `disabled: no data for x, y` naming the deciding features that are NULL in the row. */
function disabledWhy(indicator: Indicator, row: Row, lang: Lang): string {
  const words = WORDS[lang];
  const missing = decidingFeatures(indicator).filter((feature) => valueOf(row, feature) === null);
  return missing.length === 0 ? words.disabled : `${words.disabled}: ${words.noData} ${missing.join(', ')}`;
}
