import { AS_OF_TABLES } from './as-of-tables.js';
import type { FeatureDef, FeatureFamily, FeatureParams } from './types.js';
import { comparedPaymentQuarters } from './vat-deductions.js';

const family = 'eaeu';

const compared =
  'the returns of the last vatQuarters due quarters (fewer when the applications in the store start later: only quarters whose two predecessors start on or after the first goods date of an application are compared)';

const FEATURES: readonly FeatureDef[] = [
  {
    id: 'eaeu_vat_deduction_excess_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'EAEU import VAT deducted beyond the VAT paid with applications',
    formula:
      `max(0, D − max(V0, V1, V2)): D = vat_deductions_eaeu_rub of ${compared}; Vk = VAT of the participant's applications on the import of goods whose goods were accepted (accepted_date, else application_date) in the same number of quarters shifted k quarters back. 0 when no return was filed.`,
    rationale:
      'Import VAT on goods from other EAEU members is paid to the tax authority with an application and may only be deducted once paid. Any lag of up to two quarters between payment and deduction averages out, as for the import VAT paid at customs; a lasting surplus is VAT deducted that nobody paid.',
    catches: ['eaeu_vat_unpaid_deduction'],
    sources: ['tax_returns.vat_deductions_eaeu_rub', 'eaeu_imports.vat_rub', 'eaeu_imports.accepted_date'],
    needs: ['tax_returns'],
  },
  {
    id: 'eaeu_vat_unpaid_share',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Share of the EAEU VAT deducted that no application paid',
    formula: 'eaeu_vat_deduction_excess_rub / D; NULL when D is 0.',
    rationale: 'Scale-free version of the excess: 1 when the deductions have no application at all behind them.',
    catches: ['eaeu_vat_unpaid_deduction'],
    sources: ['tax_returns.vat_deductions_eaeu_rub', 'eaeu_imports.vat_rub'],
    needs: ['tax_returns'],
  },
  {
    id: 'eaeu_vat_deductions_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'EAEU import VAT deducted in the VAT returns',
    formula: `D: vat_deductions_eaeu_rub summed over ${compared}; 0 when no return was filed.`,
    rationale: 'The tax-side figure of the comparison, shown in reasons.',
    catches: [],
    sources: ['tax_returns.vat_deductions_eaeu_rub'],
    needs: ['tax_returns'],
  },
  {
    id: 'eaeu_vat_paid_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'EAEU import VAT paid with applications (lag-allowing)',
    formula: 'max(V0, V1, V2) as for eaeu_vat_deduction_excess_rub.',
    rationale: 'The application-side figure of the comparison, shown in reasons.',
    catches: [],
    sources: ['eaeu_imports.vat_rub'],
  },
];

function sql(params: FeatureParams): string {
  const t = AS_OF_TABLES;
  const v = params.vatQuarters;
  const shifted = (k: number): string => `coalesce(sum(a.vat_rub) FILTER (WHERE q.q_rank BETWEEN ${1 + k} AND l.r + ${k}), 0)`;
  return `WITH start AS (SELECT min(goods_date) AS data_start FROM ${t.eaeu_imports}),
  q AS (SELECT q.*, q.q_start >= s.data_start AS known FROM ${t.dueQuarters} q, start s WHERE q.q_rank <= ${comparedPaymentQuarters(params)}),
  l AS (SELECT greatest(0, least(${v}, count(*) FILTER (WHERE known) - 2)) AS r FROM q),
  paid AS (
    SELECT a.inn, ${[0, 1, 2].map((k) => `${shifted(k)} AS v${k}`).join(', ')}
    FROM ${t.eaeu_imports} a JOIN q ON a.goods_date BETWEEN q.q_start AND q.q_end, l
    GROUP BY a.inn
  ),
  d AS (
    SELECT r.inn, CAST(sum(coalesce(r.vat_deductions_eaeu_rub, 0)) AS DOUBLE) AS d, count(*) AS n_returns
    FROM ${t.tax_returns} r JOIN q USING (tax_period), l WHERE q.q_rank <= l.r GROUP BY r.inn
  ),
  c AS (
    SELECT u.inn, coalesce(d.d, 0) AS d, coalesce(d.n_returns, 0) AS n_returns,
      greatest(coalesce(p.v0, 0), coalesce(p.v1, 0), coalesce(p.v2, 0)) AS v_max
    FROM ${t.universe} u LEFT JOIN d USING (inn) LEFT JOIN paid p USING (inn)
  )
  SELECT inn,
    CASE WHEN n_returns = 0 THEN 0 ELSE greatest(0, d - v_max) END AS eaeu_vat_deduction_excess_rub,
    CASE WHEN d > 0 THEN greatest(0, d - v_max) / d END AS eaeu_vat_unpaid_share,
    d AS eaeu_vat_deductions_rub,
    v_max AS eaeu_vat_paid_rub
  FROM c`;
}

/** Family 9: EAEU import VAT deducted in the VAT returns against the VAT paid with applications on the import of goods. */
export const eaeu: FeatureFamily = {
  id: family,
  description:
    'Import VAT on goods from other EAEU members: deducted in the VAT returns (vat_deductions_eaeu_rub) against the VAT paid with applications on the import of goods (the eaeu_imports extract), over the trailing due quarters with a two-quarter lag allowance.',
  needs: ['eaeu_imports'],
  features: FEATURES,
  sql,
};
