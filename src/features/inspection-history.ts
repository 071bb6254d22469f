import { AS_OF_TABLES } from './as-of-tables.js';
import { asOfLiteral } from './params.js';
import type { FeatureDef, FeatureFamily, FeatureParams } from './types.js';

const family = 'inspection_history';
const completed = 'inspections of the participant completed by the as-of date';

const FEATURES: readonly FeatureDef[] = [
  {
    id: 'insp_count',
    family,
    unit: 'count',
    decimals: 0,
    title: 'Past inspections',
    formula: `Number of ${completed}.`,
    rationale: 'Context: how well the participant is known.',
    catches: [],
    sources: ['outcomes.inn', 'outcomes.completed_date'],
  },
  {
    id: 'insp_violations',
    family,
    unit: 'count',
    decimals: 0,
    title: 'Past inspections with a violation',
    formula: `Number of ${completed} with violation = 1.`,
    rationale: 'Past violators re-offend more often than others.',
    catches: ['undervaluation', 'origin_manipulation', 'misclassification', 'vat_deduction_inflation', 'shell_importer'],
    sources: ['outcomes.violation'],
  },
  {
    id: 'insp_charges_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Charges assessed by past inspections',
    formula: `Sum of additional_charges_rub of ${completed}.`,
    rationale: 'Size of past findings.',
    catches: [],
    sources: ['outcomes.additional_charges_rub'],
  },
  {
    id: 'months_since_last_inspection',
    family,
    unit: 'months',
    decimals: 1,
    title: 'Months since the last completed inspection',
    formula: `(as-of date − latest completed_date of the ${completed}) in days / 30.4375; NULL when none.`,
    rationale: 'A participant inspected recently is rarely re-inspected; one never inspected has a blind spot.',
    catches: [],
    sources: ['outcomes.completed_date'],
  },
];

function sql(params: FeatureParams): string {
  const t = AS_OF_TABLES;
  return `WITH o AS (
    SELECT inn, count(*) AS n, count(*) FILTER (WHERE violation = 1) AS v, sum(additional_charges_rub) AS charges, max(completed_date) AS last
    FROM ${t.outcomes} WHERE completed_date IS NOT NULL GROUP BY inn
  )
  SELECT u.inn,
    coalesce(o.n, 0) AS insp_count,
    coalesce(o.v, 0) AS insp_violations,
    coalesce(o.charges, 0) AS insp_charges_rub,
    date_diff('day', o.last, ${asOfLiteral(params)}) / 30.4375 AS months_since_last_inspection
  FROM ${t.universe} u LEFT JOIN o USING (inn)`;
}

/** Family 6: the participant's own inspections completed before the as-of date. */
export const inspectionHistory: FeatureFamily = {
  id: family,
  description: 'Own past post-release inspections completed by the as-of date: count, violations, charges, recency.',
  needs: ['outcomes'],
  features: FEATURES,
  sql,
};
