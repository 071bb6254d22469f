import { AS_OF_TABLES } from './as-of-tables.js';
import { asOfLiteral, windowStartSql } from './params.js';
import type { FeatureDef, FeatureFamily, FeatureParams } from './types.js';

const family = 'tax_signals';
const sent = "signals of the tax authority about the participant dated within the control period (controlYears years up to the as-of date)";

const FEATURES: readonly FeatureDef[] = [
  {
    id: 'tax_signal_count',
    family,
    unit: 'count',
    decimals: 0,
    title: "The tax authority's signals",
    formula: `Number of ${sent}.`,
    rationale: "Control by one authority on the other's information: the tax authority's own control found something about this importer (a resale at a large markup, a missing trader in its VAT chain, deductions refused).",
    catches: ['vat_deduction_inflation', 'shell_importer', 'undervaluation'],
    sources: ['tax_signals.inn', 'tax_signals.signal_date'],
  },
  {
    id: 'tax_signal_amount_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: "Money named in the tax authority's signals",
    formula: `Sum of amount_rub of the ${sent} (0 when none names an amount).`,
    rationale: 'The size of what the tax authority found: the money at stake on its side.',
    catches: ['vat_deduction_inflation', 'shell_importer'],
    sources: ['tax_signals.amount_rub'],
  },
  {
    id: 'tax_signal_months_ago',
    family,
    unit: 'months',
    decimals: 1,
    title: "Months since the tax authority's latest signal",
    formula: `(as-of date − latest signal_date of the ${sent}) in days / 30.4375; NULL when none.`,
    rationale: 'A recent signal is about activity customs can still inspect.',
    catches: [],
    sources: ['tax_signals.signal_date'],
  },
];

function sql(params: FeatureParams): string {
  const t = AS_OF_TABLES;
  const asOf = asOfLiteral(params);
  return `WITH s AS (
    SELECT inn, count(*) AS n, coalesce(sum(amount_rub), 0) AS amount, max(signal_date) AS last
    FROM ${t.tax_signals}
    WHERE signal_date >= ${windowStartSql(params, params.controlYears * 12)}
    GROUP BY inn
  )
  SELECT u.inn,
    coalesce(s.n, 0) AS tax_signal_count,
    coalesce(s.amount, 0) AS tax_signal_amount_rub,
    date_diff('day', s.last, ${asOf}) / 30.4375 AS tax_signal_months_ago
  FROM ${t.universe} u LEFT JOIN s USING (inn)`;
}

/** Family 7: what the tax authority told customs about the participant (the tax_signals extract). */
export const taxSignals: FeatureFamily = {
  id: family,
  description: "The tax authority's signals about the participant within the control period: how many, the money they name, how recent.",
  needs: ['tax_signals'],
  features: FEATURES,
  sql,
};
