import { AS_OF_TABLES } from './as-of-tables.js';
import { exactSum } from '../io/sql.js';
import { exactDoubleSum } from './item-signals.js';
import { asOfLiteral } from './params.js';
import type { FeatureDef, FeatureFamily, FeatureParams } from './types.js';

const family = 'inspection_history';
const completed = 'inspections of the participant completed by the as-of date';
const ENTITY_COMPLETED = 'inspections of any participant completed by the as-of date';
/** Inspections' worth of the overall rate an office's or chapter's own rate is smoothed towards. */
const ENTITY_SMOOTHING = 10;

/** Decimals each term of the exact sums of shares and rates keeps. */
const RATE_SCALE = 12;

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
  {
    id: 'office_violation_rate',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Past violation rate of its customs offices',
    formula:
      `For each customs office: violations / inspections over the ${ENTITY_COMPLETED}, each inspection spread over the offices of the inspected participant's window items by customs value, ` +
      `smoothed towards the rate of all of them as (violations + ${ENTITY_SMOOTHING} × that rate) / (inspections + ${ENTITY_SMOOTHING}); ` +
      'the participant\'s value is the mean of its offices\' rates weighted by its window customs value at each. NULL when no inspected participant imported in the window.',
    rationale: 'Goods cleared where inspections find more are riskier: the office\'s goods, routes and brokers. Selection-biased like every rate of inspections: it compares offices, it does not estimate a population rate.',
    catches: ['undervaluation', 'origin_manipulation', 'misclassification'],
    sources: ['outcomes.violation', 'outcomes.completed_date', 'declarations.customs_office', 'declarations.customs_value_rub'],
  },
  {
    id: 'hs_chapter_violation_rate',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Past violation rate of its HS chapters',
    formula:
      `As office_violation_rate, by the 2-digit HS chapter of the items instead of the customs office.`,
    rationale: 'Some goods are undervalued, misclassified or given a false origin more often than others (high duties, anti-dumping measures, lower-duty neighbours).',
    catches: ['undervaluation', 'origin_manipulation', 'misclassification'],
    sources: ['outcomes.violation', 'outcomes.completed_date', 'declarations.hs_code', 'declarations.customs_value_rub'],
  },
];

/**
 * Per participant, the value-weighted smoothed past violation rate of the
 * entities (`key`: an expression over the as-of declarations) of its
 * window items; each completed inspection is spread over the inspected
 * participant's entities by its window customs value.
 */
function entityRateSql(key: string, name: string): string {
  const t = AS_OF_TABLES;
  // Both materialised: the shares are read twice (the counts and the rates), and DuckDB turns the window over an
  // inline subquery into a join of two copies of it, so the window's items were scanned four times, not once.
  return `${name}_value AS MATERIALIZED (
    SELECT inn, ${key} AS k, sum(customs_value_rub) AS value FROM ${t.declarations} WHERE in_window AND customs_value_rub > 0 GROUP BY inn, k
  ), ${name}_share AS MATERIALIZED (
    SELECT inn, k, value / sum(value) OVER (PARTITION BY inn) AS s FROM ${name}_value
  ), ${name}_counts AS (
    -- Exact sums (shares to ${RATE_SCALE} decimals): a double sum's last bits change with the order of parallel aggregation.
    SELECT k, ${exactSum('s * i.n', RATE_SCALE)} AS n, ${exactSum('s * i.v', RATE_SCALE)} AS v FROM ${name}_share JOIN inspected i USING (inn) GROUP BY k
  ), ${name}_overall AS (
    SELECT CAST(sum(v) AS DOUBLE) / nullif(CAST(sum(n) AS DOUBLE), 0) AS rate FROM ${name}_counts
  ), ${name}_rate AS (
    SELECT sh.inn, ${exactDoubleSum(`sh.s * (coalesce(CAST(c.v AS DOUBLE), 0) + ${ENTITY_SMOOTHING} * g.rate) / (coalesce(CAST(c.n AS DOUBLE), 0) + ${ENTITY_SMOOTHING})`, 'true', RATE_SCALE)} AS rate
    FROM ${name}_share sh CROSS JOIN ${name}_overall g LEFT JOIN ${name}_counts c USING (k)
    GROUP BY sh.inn
  )`;
}

function sql(params: FeatureParams): string {
  const t = AS_OF_TABLES;
  return `WITH o AS (
    SELECT inn, count(*) AS n, count(*) FILTER (WHERE violation = 1) AS v, sum(additional_charges_rub) AS charges, max(completed_date) AS last
    FROM ${t.outcomes} WHERE completed_date IS NOT NULL GROUP BY inn
  ), inspected AS (SELECT inn, n, v FROM o),
  ${entityRateSql('customs_office', 'office')},
  ${entityRateSql('substr(hs_code, 1, 2)', 'chapter')}
  SELECT u.inn,
    coalesce(o.n, 0) AS insp_count,
    coalesce(o.v, 0) AS insp_violations,
    coalesce(o.charges, 0) AS insp_charges_rub,
    date_diff('day', o.last, ${asOfLiteral(params)}) / 30.4375 AS months_since_last_inspection,
    office_rate.rate AS office_violation_rate,
    chapter_rate.rate AS hs_chapter_violation_rate
  FROM ${t.universe} u LEFT JOIN o USING (inn) LEFT JOIN office_rate USING (inn) LEFT JOIN chapter_rate USING (inn)`;
}

/** Family 6: the participant's own inspections completed before the as-of date. */
export const inspectionHistory: FeatureFamily = {
  id: family,
  description: 'Own past post-release inspections completed by the as-of date: count, violations, charges, recency; and the past violation rates of the customs offices and HS chapters it imports through.',
  needs: ['outcomes'],
  features: FEATURES,
  sql,
};
