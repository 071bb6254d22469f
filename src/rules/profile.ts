/**
 * A risk profile: named, versioned rule indicators over participant features,
 * each with a structured condition, a weight, the money at stake and a
 * plain-language reason in English and Russian (docs/risk-profile.md).
 */

/** Languages every title and reason is written in. */
export const LANGS = ['en', 'ru'] as const;
export type Lang = (typeof LANGS)[number];

/** A text in every language of `LANGS`. */
export type LocalText = Readonly<Record<Lang, string>>;

/** Comparisons against a number threshold. */
export const NUMBER_OPS = ['>', '>=', '<', '<=', '==', '!='] as const;
/** Tests that take no value. */
export const UNARY_OPS = ['is_true', 'is_false', 'is_null', 'not_null'] as const;
/** Every comparison a condition can use, in the order the docs list them. */
export const OPS = [...NUMBER_OPS, 'between', ...UNARY_OPS] as const;

export type NumberOp = (typeof NUMBER_OPS)[number];
export type UnaryOp = (typeof UNARY_OPS)[number];
export type Op = (typeof OPS)[number];

/** One feature compared with a threshold. A NULL feature makes every comparison false except `is_null`. */
export type Comparison =
  | { readonly feature: string; readonly op: NumberOp; readonly value: number }
  | { readonly feature: string; readonly op: 'between'; readonly value: readonly [number, number] }
  | { readonly feature: string; readonly op: UnaryOp };

/** All (`all`) or at least one (`any`) of the conditions hold; nestable. */
export type Group = { readonly all: readonly Condition[] } | { readonly any: readonly Condition[] };

export type Condition = Comparison | Group;

/** Who recovers the money at stake when the indicator is confirmed. */
export type RecoveringAuthority = 'customs' | 'tax';

/** Formats of `{feature:format}` placeholders in reason templates. */
export const VALUE_FORMATS = ['money', 'times', 'percent', 'logpercent', 'int', 'num', 'years', 'months', 'yesno'] as const;
export type ValueFormat = (typeof VALUE_FORMATS)[number];

/** One piece of a parsed reason template: literal text or a feature placeholder. */
export type ReasonPart = { readonly text: string } | { readonly feature: string; readonly format: ValueFormat };

/** Where a profile names a feature, kept so later checks can point at the file position. */
export interface FeatureRef {
  readonly feature: string;
  /** What the reference is for: the condition and the amount decide firing, templates only print. */
  readonly role: 'condition' | 'amount_at_stake' | 'reason';
  /** Path inside the indicator, e.g. `condition.all[1].feature`, `reason.ru`. */
  readonly path: string;
  /** `file:line:col` of the reference (the file name alone when unknown). */
  readonly at: string;
}

/** One rule indicator of a profile. */
export interface Indicator {
  /** snake_case, unique in the profile. */
  readonly id: string;
  readonly title: LocalText;
  /** Free text for profile readers; never rendered. */
  readonly description: string | null;
  readonly condition: Condition;
  /** Points added when the indicator fires (before the amount factor); 0 or more. */
  readonly weight: number;
  /** Feature (unit RUB) giving the money at stake, or null. */
  readonly amountAtStake: string | null;
  /** What its amount values: fired indicators of one group count the largest amount once in the totals (default: the amount feature); null without an amount. */
  readonly amountGroup: string | null;
  readonly recoveringAuthority: RecoveringAuthority;
  /** The reason templates as written. */
  readonly reason: LocalText;
  /** The reason templates parsed. */
  readonly reasonParts: Readonly<Record<Lang, readonly ReasonPart[]>>;
  /** Every feature reference, in file order. */
  readonly refs: readonly FeatureRef[];
}

/** A loaded, checked risk profile. */
export interface RiskProfile {
  readonly name: string;
  readonly version: string;
  /** Hex SHA-256 of the file bytes (of the UTF-8 text for `riskProfileFromText`). */
  readonly sha256: string;
  /** The file path, or the name given to `riskProfileFromText`. */
  readonly source: string;
  readonly indicators: readonly Indicator[];
}

/** True when the condition is an `all` / `any` group. */
export function isGroup(condition: Condition): condition is Group {
  return 'all' in condition || 'any' in condition;
}

/** The children of a group. */
export function groupItems(group: Group): readonly Condition[] {
  return 'all' in group ? group.all : group.any;
}

/** The features an indicator needs to be evaluated: its condition's and its amount's, first use first. */
export function decidingFeatures(indicator: Indicator): string[] {
  return [...new Set(indicator.refs.filter((ref) => ref.role !== 'reason').map((ref) => ref.feature))];
}
