import { describe, expect, it } from 'vitest';
import type { FeatureDef, FeatureUnit } from '../../src/features/types.js';
import { checkProfileFeatures, closestNames, disabledIndicators } from '../../src/rules/check-features.js';
import { riskProfileFromText } from '../../src/rules/load-profile.js';
import type { RiskProfile } from '../../src/rules/profile.js';
import { ConfigError } from '../../src/util/errors.js';

const feature = (id: string, unit: FeatureUnit): [string, FeatureDef] => [id, { id, family: 'test', unit, decimals: 2, title: id, formula: id, rationale: '', catches: [] }];
const KNOWN = new Map([
  feature('vat_deduction_ratio_12q', 'ratio'),
  feature('vat_deduction_excess_12q_rub', 'RUB'),
  feature('vat_deductions_import_12q_rub', 'RUB'),
  feature('mass_address', 'flag'),
  feature('headcount', 'count'),
]);

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

function profileOf(condition: string, extra: string[] = [], reason = 'r'): RiskProfile {
  return riskProfileFromText(
    lines(
      'name: test',
      'version: "1"',
      'indicators:',
      '  - id: vat_excess',
      `    condition: ${condition}`,
      '    weight: 30',
      '    recovering_authority: tax',
      '    title: { en: "VAT excess", ru: "Превышение НДС" }',
      `    reason: { en: "${reason}", ru: "${reason}" }`,
      ...extra,
    ),
    'profile.yaml',
  );
}

function errorOf(profile: RiskProfile): string {
  try {
    checkProfileFeatures(profile, KNOWN);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('checkProfileFeatures', () => {
  it('accepts a profile whose features are all known', () => {
    expect(() =>
      checkProfileFeatures(profileOf('{ feature: vat_deduction_ratio_12q, op: ">", value: 1 }', ['    amount_at_stake: vat_deduction_excess_12q_rub'], '{mass_address:yesno}'), KNOWN),
    ).not.toThrow();
  });

  it('names the file position, the indicator, the unknown feature and the closest known names', () => {
    expect(errorOf(profileOf('{ feature: vat_deduction_ration_12q, op: ">", value: 1 }'))).toBe(
      'profile.yaml:5:27: indicator vat_excess: condition.feature: unknown feature "vat_deduction_ration_12q"; did you mean vat_deduction_ratio_12q, vat_deduction_excess_12q_rub, vat_deductions_import_12q_rub? (all features: docs/features.md)',
    );
  });

  it('says so when no known name is close', () => {
    expect(errorOf(profileOf('{ feature: zzz, op: is_null }'))).toBe(
      'profile.yaml:5:27: indicator vat_excess: condition.feature: unknown feature "zzz"; no known feature has a similar name (all features: docs/features.md)',
    );
  });

  it('checks features named in reason templates and amount_at_stake', () => {
    expect(errorOf(profileOf('{ feature: headcount, op: "<", value: 2 }', ['    amount_at_stake: vat_excess_rub'], 'staff {headcont:int}')).split('\n')).toEqual([
      'profile.yaml:10:22: indicator vat_excess: amount_at_stake: unknown feature "vat_excess_rub"; did you mean vat_deduction_excess_12q_rub? (all features: docs/features.md)',
      'profile.yaml:9:19: indicator vat_excess: reason.en: unknown feature "headcont"; did you mean headcount? (all features: docs/features.md)',
      'profile.yaml:9:47: indicator vat_excess: reason.ru: unknown feature "headcont"; did you mean headcount? (all features: docs/features.md)',
    ]);
  });

  it('rejects an amount at stake that is not in RUB', () => {
    expect(errorOf(profileOf('{ feature: headcount, op: "<", value: 2 }', ['    amount_at_stake: vat_deduction_ratio_12q']))).toBe(
      'profile.yaml:10:22: indicator vat_excess: amount_at_stake: "vat_deduction_ratio_12q" is in ratio, not RUB; expected a feature giving the money at stake in RUB; choose a *_rub feature or remove amount_at_stake',
    );
  });

  it('rejects is_true on a feature that is not a flag', () => {
    expect(errorOf(profileOf('{ all: [{ feature: mass_address, op: is_true }, { feature: headcount, op: is_false }] }'))).toBe(
      'profile.yaml:5:75: indicator vat_excess: condition.all[1].feature: "headcount" is in count, not a flag; is_true and is_false read flags (0/1); compare it with a number instead, e.g. op: ">", value: 0',
    );
  });
});

describe('closestNames', () => {
  it('orders by edit distance, then name, and drops far names', () => {
    expect(closestNames('headcont', ['headcount', 'headcounts', 'header', 'revenue_4q_rub'], 3)).toEqual(['headcount', 'headcounts', 'header']);
    expect(closestNames('abc', ['xyzxyzxyz'], 3)).toEqual([]);
    expect(closestNames('vat_excess_rub', ['vat_deduction_excess_12q_rub', 'revenue_4q_rub'], 3)).toEqual(['vat_deduction_excess_12q_rub']);
  });
});

describe('disabledIndicators', () => {
  it('disables indicators whose condition or amount needs an unavailable feature, with a warning each', () => {
    const profile = profileOf('{ feature: vat_deduction_ratio_12q, op: ">", value: 1 }', ['    amount_at_stake: vat_deduction_excess_12q_rub'], '{vat_deductions_import_12q_rub}');
    const unavailable = new Set(['vat_deduction_ratio_12q', 'vat_deduction_excess_12q_rub', 'vat_deductions_import_12q_rub']);
    expect(disabledIndicators(profile, unavailable)).toEqual([
      {
        id: 'vat_excess',
        features: ['vat_deduction_ratio_12q', 'vat_deduction_excess_12q_rub'],
        warning:
          'indicator vat_excess (VAT excess) is disabled: the data provides no vat_deduction_ratio_12q, vat_deduction_excess_12q_rub; load the extracts these features are computed from (docs/features.md), or remove the indicator from the risk profile to silence this warning',
      },
    ]);
  });

  it('keeps indicators that only print an unavailable feature', () => {
    const profile = profileOf('{ feature: headcount, op: "<", value: 2 }', [], '{vat_deductions_import_12q_rub}');
    expect(disabledIndicators(profile, new Set(['vat_deductions_import_12q_rub']))).toEqual([]);
  });
});
