import { describe, expect, it } from 'vitest';
import type { FeatureDef, FeatureUnit } from '../../src/features/types.js';
import { contributionOf, evaluateIndicators, holds, type EvaluateOptions } from '../../src/rules/evaluate.js';
import { riskProfileFromText } from '../../src/rules/load-profile.js';
import type { Condition, RiskProfile } from '../../src/rules/profile.js';

const feature = (id: string, unit: FeatureUnit, decimals: number): [string, FeatureDef] => [
  id,
  { id, family: 'test', unit, decimals, title: id, formula: id, rationale: '', catches: [] },
];
const FEATURES = new Map([feature('x', 'ratio', 2), feature('flag', 'flag', 0), feature('a_rub', 'RUB', 0), feature('b_rub', 'RUB', 0)]);
const options = (overrides: Partial<EvaluateOptions> = {}): EvaluateOptions => ({ lang: 'en', disabled: new Set(), features: FEATURES, ...overrides });

interface TestIndicator {
  id: string;
  condition: string;
  weight?: number;
  amount?: string;
  group?: string;
  authority?: 'customs' | 'tax';
  reason?: string;
}

/** A profile of the given indicators; `condition` is a YAML flow mapping. */
function profileOf(...indicators: TestIndicator[]): RiskProfile {
  const rows = ['name: test', 'version: "1"', 'indicators:'];
  for (const i of indicators) {
    rows.push(
      `  - id: ${i.id}`,
      `    condition: ${i.condition}`,
      `    weight: ${i.weight ?? 10}`,
      `    recovering_authority: ${i.authority ?? 'customs'}`,
      `    title: { en: "${i.id} en", ru: "${i.id} ru" }`,
      `    reason: { en: ${JSON.stringify(i.reason ?? `${i.id} fired`)}, ru: ${JSON.stringify(i.reason ?? `${i.id} сработал`)} }`,
    );
    if (i.amount !== undefined) rows.push(`    amount_at_stake: ${i.amount}`);
    if (i.group !== undefined) rows.push(`    amount_group: ${i.group}`);
  }
  return riskProfileFromText(`${rows.join('\n')}\n`, 'test.yaml');
}

const conditionOf = (yaml: string): Condition => (profileOf({ id: 'c', condition: yaml }).indicators[0] as { condition: Condition }).condition;
const check = (yaml: string, value: number | null): boolean => holds(conditionOf(yaml), { x: value });

describe('holds: comparisons', () => {
  it('compares with > >= < <= == !=', () => {
    expect([0.9, 1, 1.1].map((v) => check('{ feature: x, op: ">", value: 1 }', v))).toEqual([false, false, true]);
    expect([0.9, 1, 1.1].map((v) => check('{ feature: x, op: ">=", value: 1 }', v))).toEqual([false, true, true]);
    expect([0.9, 1, 1.1].map((v) => check('{ feature: x, op: "<", value: 1 }', v))).toEqual([true, false, false]);
    expect([0.9, 1, 1.1].map((v) => check('{ feature: x, op: "<=", value: 1 }', v))).toEqual([true, true, false]);
    expect([0.9, 1, 1.1].map((v) => check('{ feature: x, op: "==", value: 1 }', v))).toEqual([false, true, false]);
    expect([0.9, 1, 1.1].map((v) => check('{ feature: x, op: "!=", value: 1 }', v))).toEqual([true, false, true]);
  });

  it('treats between as inclusive at both ends', () => {
    expect([0.99, 1, 1.5, 2, 2.01].map((v) => check('{ feature: x, op: between, value: [1, 2] }', v))).toEqual([false, true, true, true, false]);
  });

  it('reads flags as non-zero for is_true and zero for is_false', () => {
    expect([0, 1].map((v) => check('{ feature: x, op: is_true }', v))).toEqual([false, true]);
    expect([0, 1].map((v) => check('{ feature: x, op: is_false }', v))).toEqual([true, false]);
  });

  it('makes every comparison with NULL false except is_null', () => {
    for (const op of ['">", value: 0', '">=", value: 0', '"<", value: 0', '"<=", value: 0', '"==", value: 0', '"!=", value: 0', 'between, value: [-1, 1]', 'is_true', 'is_false', 'not_null']) {
      expect(check(`{ feature: x, op: ${op} }`, null), op).toBe(false);
    }
    expect(check('{ feature: x, op: is_null }', null)).toBe(true);
    expect(check('{ feature: x, op: is_null }', 0)).toBe(false);
    expect(check('{ feature: x, op: not_null }', 0)).toBe(true);
  });

  it('reads a feature absent from the row as NULL', () => {
    expect(holds(conditionOf('{ feature: x, op: is_null }'), {})).toBe(true);
    expect(holds(conditionOf('{ feature: x, op: "!=", value: 1 }'), {})).toBe(false);
  });
});

describe('holds: groups', () => {
  const nested = '{ all: [{ feature: x, op: ">", value: 1 }, { any: [{ feature: flag, op: is_true }, { all: [{ feature: a_rub, op: ">=", value: 10 }, { feature: b_rub, op: is_null }] }] }] }';

  it('needs every member of all and one member of any, at any depth', () => {
    const condition = conditionOf(nested);
    expect(holds(condition, { x: 2, flag: 1, a_rub: null, b_rub: 5 })).toBe(true);
    expect(holds(condition, { x: 2, flag: 0, a_rub: 10, b_rub: null })).toBe(true);
    expect(holds(condition, { x: 2, flag: 0, a_rub: 10, b_rub: 5 })).toBe(false);
    expect(holds(condition, { x: 2, flag: null, a_rub: null, b_rub: null })).toBe(false);
    expect(holds(condition, { x: 1, flag: 1, a_rub: 10, b_rub: null })).toBe(false);
  });

  it('explains which conditions were false, nested groups in parentheses', () => {
    const profile = profileOf({ id: 'n', condition: nested });
    const row = { x: 0.5, flag: 0, a_rub: 3, b_rub: 5 };
    expect(evaluateIndicators(profile, row, options()).unfired).toEqual([
      { id: 'n', title: 'n en', why: 'x = 0.50, needs > 1; none of (flag = 0, needs yes; (a_rub = 3, needs >= 10; b_rub = 5, needs no value))' },
    ]);
    expect(evaluateIndicators(profile, { ...row, x: null }, options({ lang: 'ru' })).unfired[0]?.why).toBe(
      'x = н/д, нужно > 1; ни одно из (flag = 0, нужно да; (a_rub = 3, нужно >= 10; b_rub = 5, нужно нет значения))',
    );
  });

  it('explains between, is_false and not_null', () => {
    const profile = profileOf(
      { id: 'b', condition: '{ feature: x, op: between, value: [1000.5, 2000] }' },
      { id: 'f', condition: '{ feature: flag, op: is_false }' },
      { id: 'n', condition: '{ feature: a_rub, op: not_null }' },
    );
    expect(evaluateIndicators(profile, { x: 3, flag: 1, a_rub: null }, options()).unfired.map((u) => u.why)).toEqual([
      'x = 3.00, needs between 1,000.5 and 2,000',
      'flag = 1, needs no',
      'a_rub = n/a, needs a value',
    ]);
    expect(evaluateIndicators(profile, { x: 3, flag: 1, a_rub: null }, options({ lang: 'ru' })).unfired.map((u) => u.why)).toEqual([
      'x = 3,00, нужно от 1 000,5 до 2 000',
      'flag = 1, нужно нет',
      'a_rub = н/д, нужно значение',
    ]);
  });
});

describe('evaluateIndicators: money at stake', () => {
  it('counts the largest amount of an amount group once, and each other group in full', () => {
    const profile = profileOf(
      { id: 'peers', condition: '{ feature: x, op: ">", value: 1 }', amount: 'a_rub', group: 'under' },
      { id: 'own', condition: '{ feature: x, op: ">", value: 1 }', amount: 'b_rub', group: 'under' },
      { id: 'other', condition: '{ feature: x, op: ">", value: 1 }', amount: 'c_rub' },
      { id: 'same_feature', condition: '{ feature: x, op: ">", value: 1 }', amount: 'c_rub' },
    );
    const evaluation = evaluateIndicators(profile, { x: 2, a_rub: 600_000, b_rub: 900_000, c_rub: 50_000 }, options());
    expect(evaluation.fired.map((f) => f.id)).toEqual(['own', 'peers', 'other', 'same_feature']);
    expect(evaluation.customsAtStakeRub).toBe(950_000);
    // Only the smaller one fired: it counts.
    expect(evaluateIndicators(profile, { x: 2, a_rub: 600_000, b_rub: null, c_rub: null }, options()).customsAtStakeRub).toBe(600_000);
  });

  it('refuses an amount group without an amount', () => {
    expect(() => riskProfileFromText('name: t\nversion: "1"\nindicators:\n  - id: a\n    condition: { feature: x, op: ">", value: 1 }\n    weight: 1\n    recovering_authority: customs\n    amount_group: g\n    title: { en: a, ru: a }\n    reason: { en: a, ru: a }\n', 't.yaml')).toThrow(
      't.yaml:8:5: indicator a: amount_group: an amount group without amount_at_stake groups nothing; add amount_at_stake or remove amount_group',
    );
  });
});

describe('evaluateIndicators: score', () => {
  it('computes contributions as weight × (1 + log10(1 + at stake / 100 000)) and sums them', () => {
    const profile = profileOf(
      { id: 'with_amount', condition: '{ feature: x, op: ">", value: 1 }', weight: 30, amount: 'a_rub', authority: 'tax' },
      { id: 'without_amount', condition: '{ feature: flag, op: is_true }', weight: 25 },
      { id: 'zero_amount', condition: '{ feature: flag, op: is_true }', weight: 5, amount: 'b_rub' },
    );
    // 30 × (1 + log10(1 + 900 000 / 100 000)) = 30 × (1 + log10(10)) = 60
    const evaluation = evaluateIndicators(profile, { x: 2, flag: 1, a_rub: 900_000, b_rub: 0 }, options());
    expect(evaluation.fired.map((f) => [f.id, f.contribution, f.amountAtStakeRub])).toEqual([
      ['with_amount', 60, 900_000],
      ['without_amount', 25, null],
      ['zero_amount', 5, 0],
    ]);
    expect(evaluation.score).toBe(90);
    expect(evaluation.taxAtStakeRub).toBe(900_000);
    expect(evaluation.customsAtStakeRub).toBe(0);
  });

  it('rounds contributions and the score to 4 decimals', () => {
    // 30 × (1 + log10(32)) = 75.15449...
    expect(contributionOf(30, 3_100_000)).toBe(75.1545);
    expect(contributionOf(7, null)).toBe(7);
    expect(contributionOf(7, -50)).toBe(7);
  });

  it('reads a negative amount at stake as 0', () => {
    const profile = profileOf({ id: 'a', condition: '{ feature: x, op: not_null }', weight: 10, amount: 'a_rub' });
    const [fired] = evaluateIndicators(profile, { x: 1, a_rub: -1_000 }, options()).fired;
    expect(fired).toMatchObject({ contribution: 10, amountAtStakeRub: 0 });
  });

  it('scores 0 when nothing fires', () => {
    const profile = profileOf({ id: 'a', condition: '{ feature: x, op: ">", value: 1 }' });
    expect(evaluateIndicators(profile, { x: 0 }, options())).toEqual({
      score: 0,
      fired: [],
      unfired: [{ id: 'a', title: 'a en', why: 'x = 0.00, needs > 1' }],
      customsAtStakeRub: 0,
      taxAtStakeRub: 0,
    });
  });

  it('sorts fired indicators by contribution, then id', () => {
    const profile = profileOf(
      { id: 'zeta', condition: '{ feature: x, op: not_null }', weight: 10 },
      { id: 'alpha', condition: '{ feature: x, op: not_null }', weight: 10 },
      { id: 'big', condition: '{ feature: x, op: not_null }', weight: 11 },
    );
    expect(evaluateIndicators(profile, { x: 1 }, options()).fired.map((f) => f.id)).toEqual(['big', 'alpha', 'zeta']);
  });

  it('counts each amount feature once per authority in the totals', () => {
    const profile = profileOf(
      { id: 'a', condition: '{ feature: x, op: not_null }', amount: 'a_rub', authority: 'customs' },
      { id: 'b', condition: '{ feature: x, op: not_null }', amount: 'a_rub', authority: 'customs' },
      { id: 'c', condition: '{ feature: x, op: not_null }', amount: 'b_rub', authority: 'customs' },
      { id: 'd', condition: '{ feature: x, op: not_null }', amount: 'b_rub', authority: 'tax' },
      { id: 'e', condition: '{ feature: x, op: is_null }', amount: 'a_rub', authority: 'tax' },
    );
    const evaluation = evaluateIndicators(profile, { x: 1, a_rub: 1000.555, b_rub: 20 }, options());
    expect(evaluation.customsAtStakeRub).toBe(1020.56);
    expect(evaluation.taxAtStakeRub).toBe(20);
  });

  it('gives the same result for the same input, whatever the row key order', () => {
    const profile = profileOf(
      { id: 'a', condition: '{ feature: x, op: ">", value: 1 }', weight: 12.5, amount: 'a_rub' },
      { id: 'b', condition: '{ feature: flag, op: is_true }', weight: 7, amount: 'b_rub', authority: 'tax' },
    );
    const first = evaluateIndicators(profile, { x: 3, flag: 1, a_rub: 123_456.78, b_rub: 9_876_543.21 }, options());
    const second = evaluateIndicators(profile, { b_rub: 9_876_543.21, a_rub: 123_456.78, flag: 1, x: 3 }, options());
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.score).toBe(37.8578);
  });
});

describe('evaluateIndicators: reasons and disabled indicators', () => {
  it('renders the reason in the requested language with the row values', () => {
    const profile = profileOf({ id: 'r', condition: '{ feature: x, op: ">", value: 1 }', amount: 'a_rub', reason: 'ratio {x:times}, at stake {a_rub:money}' });
    expect(evaluateIndicators(profile, { x: 3.82, a_rub: 4_200_000 }, options()).fired[0]?.reason).toBe('ratio 3.8x, at stake 4.2M RUB');
    expect(evaluateIndicators(profile, { x: 3.82, a_rub: 4_200_000 }, options({ lang: 'ru' })).fired[0]?.title).toBe('r ru');
  });

  it('never fires a disabled indicator and says why, naming the features without data', () => {
    const profile = profileOf(
      { id: 'tax_side', condition: '{ any: [{ feature: x, op: is_null }, { feature: flag, op: is_null }] }', amount: 'a_rub' },
      { id: 'other', condition: '{ feature: b_rub, op: is_null }' },
    );
    const row = { x: null, flag: 1, a_rub: null, b_rub: null };
    const evaluation = evaluateIndicators(profile, row, options({ disabled: new Set(['tax_side']) }));
    expect(evaluation.fired.map((f) => f.id)).toEqual(['other']);
    expect(evaluation.unfired).toEqual([{ id: 'tax_side', title: 'tax_side en', why: 'disabled: no data for x, a_rub' }]);
    expect(evaluateIndicators(profile, row, options({ lang: 'ru', disabled: new Set(['tax_side']) })).unfired[0]?.why).toBe('отключён: нет данных по x, a_rub');
  });
});
