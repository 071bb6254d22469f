/**
 * Checks of a risk profile against the feature catalogue and the data at
 * hand, run before any scoring work.
 */
import type { FeatureDef } from '../features/types.js';
import { ConfigError } from '../util/errors.js';
import { decidingFeatures, groupItems, isGroup, type Condition, type RiskProfile } from './profile.js';

/** How many close names an unknown-feature message suggests. */
const SUGGESTIONS = 3;

/**
 * Throws `ConfigError` when the profile names a feature the catalogue
 * `known` does not have (in a condition, `amount_at_stake` or a reason
 * placeholder), when `amount_at_stake` is not a RUB feature, or when
 * `is_true` / `is_false` reads a feature that is not a flag. Each line names
 * the file position, the indicator, the feature and the fix (for unknown
 * names: the closest known ones).
 */
export function checkProfileFeatures(profile: RiskProfile, known: ReadonlyMap<string, FeatureDef>): void {
  const lines: string[] = [];
  const knownIds = [...known.keys()];
  for (const indicator of profile.indicators) {
    const flagTests = new Set(flagTestedFeatures(indicator.condition));
    for (const ref of indicator.refs) {
      const prefix = `${ref.at}: indicator ${indicator.id}: ${ref.path}`;
      const def = known.get(ref.feature);
      if (def === undefined) {
        const close = closestNames(ref.feature, knownIds, SUGGESTIONS);
        const hint = close.length === 0 ? 'no known feature has a similar name' : `did you mean ${close.join(', ')}?`;
        lines.push(`${prefix}: unknown feature "${ref.feature}"; ${hint} (all features: docs/features.md)`);
        continue;
      }
      if (ref.role === 'amount_at_stake' && def.unit !== 'RUB') {
        lines.push(`${prefix}: "${ref.feature}" is in ${def.unit}, not RUB; expected a feature giving the money at stake in RUB; choose a *_rub feature or remove amount_at_stake`);
      }
      if (ref.role === 'condition' && flagTests.has(ref.feature) && def.unit !== 'flag') {
        lines.push(`${prefix}: "${ref.feature}" is in ${def.unit}, not a flag; is_true and is_false read flags (0/1); compare it with a number instead, e.g. op: ">", value: 0`);
      }
    }
  }
  if (lines.length > 0) throw new ConfigError([...new Set(lines)].join('\n'));
}

/**
 * The indicators that cannot be evaluated because the data cannot provide a
 * feature their condition or amount needs (e.g. no tax returns were loaded).
 * They are disabled for the whole run; each comes with a warning for the
 * manifest. In profile order.
 */
export function disabledIndicators(profile: RiskProfile, unavailableFeatures: ReadonlySet<string>): { id: string; features: string[]; warning: string }[] {
  const out: { id: string; features: string[]; warning: string }[] = [];
  for (const indicator of profile.indicators) {
    const features = decidingFeatures(indicator).filter((feature) => unavailableFeatures.has(feature));
    if (features.length === 0) continue;
    out.push({
      id: indicator.id,
      features,
      warning:
        `indicator ${indicator.id} (${indicator.title.en}) is disabled: the data provides no ${features.join(', ')}; ` +
        'load the extracts these features are computed from (docs/features.md), or remove the indicator from the risk profile to silence this warning',
    });
  }
  return out;
}

/** Features read by `is_true` / `is_false` anywhere in the condition. */
function flagTestedFeatures(condition: Condition): string[] {
  if (isGroup(condition)) return groupItems(condition).flatMap(flagTestedFeatures);
  return condition.op === 'is_true' || condition.op === 'is_false' ? [condition.feature] : [];
}

/**
 * Up to `limit` of `candidates` closest to `name` by edit distance, ties by
 * name. A candidate qualifies when its distance is at most half of `name`'s
 * length (at least 3), or when the `_`-separated words of one contain all
 * words of the other (`vat_excess_rub` -> `vat_deduction_excess_12q_rub`).
 */
export function closestNames(name: string, candidates: readonly string[], limit: number): string[] {
  const maxDistance = Math.max(3, Math.ceil(name.length / 2));
  const words = name.split('_').filter((w) => w !== '');
  const containsAll = (outer: readonly string[], inner: readonly string[]): boolean => inner.length > 0 && inner.every((w) => outer.includes(w));
  return candidates
    .map((candidate) => {
      const candidateWords = candidate.split('_').filter((w) => w !== '');
      return { candidate, distance: editDistance(name, candidate), shared: containsAll(candidateWords, words) || containsAll(words, candidateWords) };
    })
    .filter(({ distance, shared }) => distance <= maxDistance || shared)
    .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
