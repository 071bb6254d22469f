/**
 * The features profiles/default.yaml assumes, until the ids are reconciled
 * with the catalogue in src/features/. To rename a feature, change it here
 * and in profiles/default.yaml (plain search and replace).
 */
import type { FeatureDef, FeatureUnit } from '../../src/features/types.js';

/** [id, unit, decimals, title] of every feature the default profile reads. */
const ASSUMED: readonly (readonly [string, FeatureUnit, number, string])[] = [
  // tax side: returns vs customs
  ['imports_landed_4q_rub', 'RUB', 0, 'Customs value + duty + excise of goods released in the last 4 quarters with a VAT return'],
  ['revenue_4q_rub', 'RUB', 0, 'Revenue declared in the VAT returns of the last 4 quarters'],
  ['imports_to_revenue_4q', 'ratio', 2, 'imports_landed_4q_rub / revenue_4q_rub (NULL without returns or revenue)'],
  ['regime_general', 'flag', 0, '1 when on the general tax regime (files VAT returns)'],
  ['quarters_missing_return_12q', 'count', 0, 'Quarters of the last 12 with imports, past the due date + grace, with no VAT return, on the general regime'],
  ['import_vat_missing_return_12q_rub', 'RUB', 0, 'Import VAT paid at customs in those quarters'],
  ['vat_deductions_import_12q_rub', 'RUB', 0, 'Import VAT deductions claimed over the last 12 quarters (latest corrections)'],
  ['import_vat_paid_12q_rub', 'RUB', 0, 'Import VAT paid at customs over the same 12 quarters'],
  ['vat_deduction_ratio_12q', 'ratio', 2, 'vat_deductions_import_12q_rub / import_vat_paid_12q_rub'],
  ['vat_deduction_excess_12q_rub', 'RUB', 0, 'max(0, deductions - VAT paid) over 12 quarters'],
  // undervaluation
  ['unit_value_peer_ratio', 'ratio', 2, 'Value-weighted ratio of the declared price per kg to the peer median of the same code'],
  ['unit_value_peer_items', 'count', 0, 'Peer items behind the comparison'],
  ['unit_value_peer_importers', 'count', 0, 'Other importers among the peers'],
  ['undervaluation_gap_value_rub', 'RUB', 0, 'Customs value missing against the peer median price (items below it)'],
  ['undervaluation_gap_payments_rub', 'RUB', 0, 'Duty + VAT (+ excise) on that gap at the items\' rates'],
  // misclassification
  ['duty_rate_effective_12m', 'rate', 4, 'Duty / customs value, last 12 months'],
  ['duty_rate_peer_ratio_12m', 'ratio', 2, 'Effective duty rate / the peers\' rate for goods of the same headings'],
  ['lower_duty_code_shift_share_12m', 'share', 2, 'Share of customs value moved to lower-duty codes of the same headings than declared before'],
  ['duty_gap_vs_peers_12m_rub', 'RUB', 0, 'Duty + VAT on it that the peers\' rates would give, minus what was paid'],
  // origin manipulation
  ['pref_origin_other_dispatch_share_12m', 'share', 2, 'Share of the customs value claiming a preference whose dispatch country differs from the origin'],
  ['pref_origin_other_dispatch_value_12m_rub', 'RUB', 0, 'Customs value of those items'],
  ['pref_duty_relief_other_dispatch_12m_rub', 'RUB', 0, 'Duty + VAT saved by the preference on those items'],
  // firm profile (shell)
  ['firm_age_months', 'months', 0, 'Months since registration'],
  ['headcount', 'count', 0, 'Headcount of the latest snapshot'],
  ['mass_address', 'flag', 0, 'Registered at a mass-registration address'],
  ['unreliable_record', 'flag', 0, 'Register record marked unreliable'],
  ['customs_value_12m_rub', 'RUB', 0, 'Customs value of goods released in the last 12 months'],
  // valuation method, history
  ['non_transaction_valuation_share_12m', 'share', 2, 'Share of the customs value declared by methods 2-6'],
  ['past_violations_36m', 'count', 0, 'Completed inspections of the last 36 months that found a violation'],
  ['past_charges_36m_rub', 'RUB', 0, 'Additional charges they assessed'],
];

/** The assumed catalogue as `FeatureDef`s. */
export const ASSUMED_FEATURES: readonly FeatureDef[] = ASSUMED.map(([id, unit, decimals, title]) => ({
  id,
  family: 'assumed',
  unit,
  decimals,
  title,
  formula: title,
  rationale: '',
  catches: [],
}));

/** The assumed catalogue by id, as `checkProfileFeatures` and `evaluateIndicators` take it. */
export const ASSUMED_FEATURE_MAP: ReadonlyMap<string, FeatureDef> = new Map(ASSUMED_FEATURES.map((f) => [f.id, f]));
