import { AS_OF_TABLES } from './as-of-tables.js';
import type { FeatureDef, FeatureFamily, FeatureParams } from './types.js';

const family = 'vat_deductions';

const FEATURES: readonly FeatureDef[] = [
  {
    id: 'vat_import_deduction_excess_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Import VAT deducted beyond the VAT paid at customs',
    formula:
      'max(0, D - max(V0, V1, V2)): D = vat_deductions_import_rub (line 150) of the returns of the last vatQuarters due quarters, fewer when the declarations in the store start later: only quarters whose two predecessors start on or after the first release date are compared; Vk = import VAT of payment-procedure items released in the same number of quarters shifted k quarters back. 0 when no return was filed.',
    rationale: 'Import VAT may only be deducted once paid at customs. Any mix of deductions taken 0, 1 or 2 quarters after the release sums to a weighted mean of V0, V1, V2, never above their maximum, so a lag is never an excess; a cumulative surplus is VAT refunded without payment (tax-side money at stake).',
    catches: ['vat_deduction_inflation'],
    sources: ['tax_returns.vat_deductions_import_rub', 'declarations.import_vat_rub', 'declarations.release_date'],
  },
  {
    id: 'vat_import_deduction_ratio',
    family,
    unit: 'ratio',
    decimals: 4,
    title: 'Import VAT deducted over VAT paid at customs',
    formula: 'D / max(V0, V1, V2) as for vat_import_deduction_excess_rub; NULL when no return was filed or the maximum is 0.',
    rationale: 'Scale-free version of the excess: above 1 the firm deducts more import VAT than it paid, even allowing for a two-quarter lag.',
    catches: ['vat_deduction_inflation'],
    sources: ['tax_returns.vat_deductions_import_rub', 'declarations.import_vat_rub'],
  },
  {
    id: 'vat_import_deductions_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Import VAT deducted in the VAT returns',
    formula: 'D as for vat_import_deduction_excess_rub: vat_deductions_import_rub (line 150) summed over the returns of the last vatQuarters due quarters; 0 when no return was filed.',
    rationale: 'The tax-side figure of the comparison, shown in reasons.',
    catches: ['vat_deduction_inflation'],
    sources: ['tax_returns.vat_deductions_import_rub'],
  },
  {
    id: 'vat_import_paid_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Import VAT paid at customs (lag-allowing)',
    formula: 'max(V0, V1, V2) as for vat_import_deduction_excess_rub: the import VAT paid at customs in the same quarters, or in the same number of quarters one or two quarters earlier, whichever is largest.',
    rationale: 'The customs-side figure of the comparison, shown in reasons.',
    catches: ['vat_deduction_inflation'],
    sources: ['declarations.import_vat_rub', 'declarations.release_date'],
  },
];

/**
 * Due quarters whose import VAT paid at customs the deductions are compared
 * with: the `vatQuarters` of the deductions and up to two quarters before
 * them (V_1, V_2 below). `explain --sources` lists the declarations of the
 * same quarters.
 */
export function comparedPaymentQuarters(params: FeatureParams): number {
  return params.vatQuarters + 2;
}

function sql(params: FeatureParams): string {
  const t = AS_OF_TABLES;
  const v = params.vatQuarters;
  // V_k: import VAT of the range shifted k quarters back; a quarter before the first
  // declaration in the store stands in as the mean quarter of V_0.
  const shifted = (k: number): string =>
    `CAST(coalesce(sum(c.import_vat_rub) FILTER (WHERE q.q_rank BETWEEN ${1 + k} AND l.r + ${k} AND q.known), 0) AS DOUBLE)`;
  return `WITH start AS (SELECT first_release AS data_start FROM ${t.summary}),
  q AS (SELECT q.*, q.q_start >= s.data_start AS known FROM ${t.dueQuarters} q, start s WHERE q.q_rank <= ${comparedPaymentQuarters(params)}),
  -- compare only quarters whose two predecessors are in the data too, so no quarter has to be guessed
  l AS (SELECT greatest(0, least(${v}, count(*) FILTER (WHERE known) - 2)) AS r FROM q),
  unknown AS (
    SELECT ${[0, 1, 2].map((k) => `count(*) FILTER (WHERE q.q_rank BETWEEN ${1 + k} AND l.r + ${k} AND NOT q.known) AS u${k}`).join(', ')}
    FROM q, l
  ),
  cv AS (
    SELECT c.inn, ${[0, 1, 2].map((k) => `${shifted(k)} AS v${k}`).join(', ')}
    FROM ${t.customsQuarters} c JOIN q USING (tax_period), l GROUP BY c.inn
  ),
  d AS (
    SELECT r.inn, sum(r.vat_deductions_import_rub) AS d, count(*) AS n_returns
    FROM ${t.tax_returns} r JOIN q USING (tax_period), l WHERE q.q_rank <= l.r GROUP BY r.inn
  ),
  a AS (
    SELECT u.inn, CAST(coalesce(d.d, 0) AS DOUBLE) AS d, coalesce(d.n_returns, 0) AS n_returns,
      greatest(${[0, 1, 2].map((k) => `coalesce(cv.v${k}, 0) + un.u${k} * coalesce(cv.v0, 0) / nullif(l.r, 0)`).join(', ')}) AS v_max
    FROM ${t.universe} u LEFT JOIN cv USING (inn) LEFT JOIN d USING (inn), unknown un, l
  )
  SELECT inn,
    CASE WHEN n_returns = 0 THEN 0 ELSE greatest(0, d - coalesce(v_max, 0)) END AS vat_import_deduction_excess_rub,
    CASE WHEN n_returns > 0 AND v_max > 0 THEN d / v_max END AS vat_import_deduction_ratio,
    d AS vat_import_deductions_rub,
    coalesce(v_max, 0) AS vat_import_paid_rub
  FROM a`;
}

/** Family 2: import VAT deducted in the VAT returns against import VAT paid at customs, cumulative with a lag allowance. */
export const vatDeductions: FeatureFamily = {
  id: family,
  description: 'Import VAT deductions (line 150) against import VAT paid at customs over the trailing due quarters, allowing a two-quarter lag.',
  needs: ['declarations', 'tax_returns'],
  features: FEATURES,
  sql,
};
