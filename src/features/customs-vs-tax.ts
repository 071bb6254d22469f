import { AS_OF_TABLES } from './as-of-tables.js';
import { windowQuarterCount } from './params.js';
import type { FeatureDef, FeatureFamily, FeatureParams } from './types.js';

const family = 'customs_vs_tax';

const FEATURES: readonly FeatureDef[] = [
  {
    id: 'ct_customs_to_revenue_ratio',
    family,
    unit: 'ratio',
    decimals: 4,
    title: 'Customs value over reported revenue',
    formula: 'Customs value of payment-procedure items released in the due quarters of the window that have a VAT return, divided by the revenue (revenue_rub) reported in those returns. NULL without such a return or with zero revenue.',
    rationale: 'Goods imported for sale are resold with a margin; imports worth more than the whole reported turnover mean hidden sales or understated revenue.',
    catches: ['shell_importer'],
    sources: ['declarations.customs_value_rub', 'declarations.release_date', 'tax_returns.revenue_rub'],
  },
  {
    id: 'ct_customs_over_revenue_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Customs value exceeding reported revenue',
    formula: 'max(0, customs value - revenue) over the due quarters of the window that have a VAT return. NULL without such a return.',
    rationale: 'The RUB size of the customs-tax gap; summed over the quarters so an inventory build-up quarter is offset by later sales.',
    catches: ['shell_importer'],
    sources: ['declarations.customs_value_rub', 'tax_returns.revenue_rub'],
  },
  {
    id: 'ct_unreported_customs_value_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Customs value in due quarters without a VAT return',
    formula: 'Customs value of payment-procedure items released in due quarters of the window for which a general-regime participant filed no VAT return by the as-of date. 0 for special regimes (usn, patent, eshn: they file none); NULL when the participant is not in the register.',
    rationale: 'An importer on the general regime that imports but files no VAT return hides the resale of the goods.',
    catches: ['shell_importer'],
    sources: ['declarations.customs_value_rub', 'tax_returns.tax_period', 'participants.tax_regime'],
    needs: ['participants'],
  },
  {
    id: 'ct_missing_return_quarters',
    family,
    unit: 'count',
    decimals: 0,
    title: 'Due quarters with imports and no VAT return',
    formula: 'Number of due quarters of the window with payment-procedure imports and no VAT return, general regime only (0 for special regimes, NULL when not in the register).',
    rationale: 'Context for the unreported amount: one late return differs from never filing.',
    catches: ['shell_importer'],
    sources: ['declarations.release_date', 'tax_returns.tax_period', 'participants.tax_regime'],
    needs: ['participants'],
  },
  {
    id: 'ct_customs_value_filed_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Customs value in quarters with a VAT return',
    formula: 'Customs value of payment-procedure items released in the due quarters of the window for which a VAT return was filed (the numerator of ct_customs_to_revenue_ratio); NULL when no return was filed.',
    rationale: 'The customs-side figure of the comparison, shown in reasons.',
    catches: ['shell_importer'],
    sources: ['declarations.customs_value_rub', 'tax_returns.tax_period'],
  },
  {
    id: 'ct_revenue_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Revenue reported for the same quarters',
    formula: 'revenue_rub of the VAT returns of the due quarters of the window (the denominator of ct_customs_to_revenue_ratio); NULL when no return was filed.',
    rationale: 'The tax-side figure of the comparison, shown in reasons.',
    catches: ['shell_importer'],
    sources: ['tax_returns.revenue_rub'],
  },
];

function sql(params: FeatureParams): string {
  const t = AS_OF_TABLES;
  return `WITH q AS (SELECT tax_period FROM ${t.dueQuarters} WHERE q_rank <= ${windowQuarterCount(params)}),
  c AS (SELECT c.inn, c.tax_period, c.customs_value_rub FROM ${t.customsQuarters} c SEMI JOIN q USING (tax_period)),
  r AS (SELECT r.inn, r.tax_period, r.revenue_rub FROM ${t.tax_returns} r SEMI JOIN q USING (tax_period)),
  j AS (
    SELECT coalesce(c.inn, r.inn) AS inn, coalesce(c.customs_value_rub, 0) AS cv, r.revenue_rub AS rev, r.inn IS NOT NULL AS filed
    FROM c FULL JOIN r ON c.inn = r.inn AND c.tax_period = r.tax_period
  ),
  a AS (
    SELECT inn,
      sum(cv) FILTER (WHERE filed) AS cv_filed, sum(rev) FILTER (WHERE filed) AS rev_filed, count(*) FILTER (WHERE filed) AS n_filed,
      sum(cv) FILTER (WHERE NOT filed) AS cv_missing, count(*) FILTER (WHERE NOT filed AND cv > 0) AS n_missing
    FROM j GROUP BY inn
  )
  SELECT u.inn,
    CASE WHEN a.n_filed > 0 AND a.rev_filed > 0 THEN CAST(a.cv_filed AS DOUBLE) / CAST(a.rev_filed AS DOUBLE) END AS ct_customs_to_revenue_ratio,
    CASE WHEN a.n_filed > 0 THEN greatest(0, a.cv_filed - a.rev_filed) END AS ct_customs_over_revenue_rub,
    CASE WHEN NOT u.in_register THEN NULL WHEN u.tax_regime = 'general' THEN coalesce(a.cv_missing, 0) ELSE 0 END AS ct_unreported_customs_value_rub,
    CASE WHEN NOT u.in_register THEN NULL WHEN u.tax_regime = 'general' THEN coalesce(a.n_missing, 0) ELSE 0 END AS ct_missing_return_quarters,
    CASE WHEN a.n_filed > 0 THEN a.cv_filed END AS ct_customs_value_filed_rub,
    CASE WHEN a.n_filed > 0 THEN a.rev_filed END AS ct_revenue_rub
  FROM ${t.universe} u LEFT JOIN a USING (inn)`;
}

/** Family 1: customs value against what the VAT returns report for the same due quarters. */
export const customsVsTax: FeatureFamily = {
  id: family,
  description: 'Customs value of imports against revenue reported in VAT returns for the same due quarters; imports in due quarters without a return.',
  needs: ['declarations', 'tax_returns'],
  features: FEATURES,
  sql,
};
