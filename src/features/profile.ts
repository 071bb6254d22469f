import { AS_OF_TABLES } from './as-of-tables.js';
import { asOfLiteral, windowQuarterCount, windowStartSql } from './params.js';
import type { FeatureDef, FeatureFamily, FeatureParams } from './types.js';

const family = 'profile';

const FEATURES: readonly FeatureDef[] = [
  {
    id: 'nontx_valuation_share',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Share of value by non-transaction valuation methods',
    formula: 'Customs value of window items with valuation_method 2-6 over the window customs value; 0 when none used them; NULL when no window item gives a valuation method.',
    rationale: 'Methods 2-6 replace the price actually paid; they are legitimate but leave room for undervaluation.',
    catches: ['undervaluation'],
    sources: ['declarations.valuation_method', 'declarations.customs_value_rub'],
  },
  {
    id: 'customs_value_growth_log',
    family,
    unit: 'log',
    decimals: 4,
    title: 'Growth of customs value against own history',
    formula: 'ln(monthly mean customs value of the last peerWindowMonths months / monthly mean of the windowMonths months before them); NULL without imports of any value in either period.',
    rationale: 'A sudden jump in imports is typical of a fly-by-night importer or a new channel.',
    catches: ['shell_importer'],
    sources: ['declarations.customs_value_rub', 'declarations.release_date'],
  },
  {
    id: 'firm_age_years',
    family,
    unit: 'years',
    decimals: 2,
    title: 'Firm age',
    formula: '(as-of date − registration_date) / 365.25, from the register snapshot valid then.',
    rationale: 'Shell importers are registered weeks before they start importing.',
    catches: ['shell_importer'],
    sources: ['participants.registration_date'],
    needs: ['participants'],
  },
  {
    id: 'headcount',
    family,
    unit: 'count',
    decimals: 0,
    title: 'Headcount',
    formula: 'headcount from the register snapshot valid at the as-of date.',
    rationale: 'A firm with no staff cannot run a real import business.',
    catches: ['shell_importer'],
    sources: ['participants.headcount'],
    needs: ['participants'],
  },
  {
    id: 'mass_address',
    family,
    unit: 'flag',
    decimals: 0,
    title: 'Registered at a mass address',
    formula: 'mass_address of the register snapshot valid at the as-of date (1/0).',
    rationale: 'Mass registration addresses host shell companies.',
    catches: ['shell_importer'],
    sources: ['participants.mass_address'],
    needs: ['participants'],
  },
  {
    id: 'unreliable_record',
    family,
    unit: 'flag',
    decimals: 0,
    title: 'Register record marked unreliable',
    formula: 'unreliable_record of the register snapshot valid at the as-of date (1/0).',
    rationale: 'The tax authority found the registered data false (director, address).',
    catches: ['shell_importer'],
    sources: ['participants.unreliable_record'],
    needs: ['participants'],
  },
  {
    id: 'vat_burden_gap',
    family,
    unit: 'share',
    decimals: 4,
    title: 'VAT burden against activity-code peers',
    formula: 'Burden = (vat_accrued − vat_deductions) / revenue over the returns of the due quarters of the window; gap = burden − median burden of window participants with the same activity_code (of all of them when fewer than 5 with a burden share it, or when the participant has no activity code).',
    rationale: 'A firm keeping far less VAT than its industry deducts too much or understates sales.',
    catches: ['vat_deduction_inflation', 'shell_importer'],
    sources: ['tax_returns.vat_accrued_rub', 'tax_returns.vat_deductions_rub', 'tax_returns.revenue_rub', 'participants.activity_code'],
    needs: ['tax_returns', 'participants'],
  },
  {
    id: 'gross_margin',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Gross margin reported',
    formula: '(revenue − cost_of_sales) / revenue over the returns of the due quarters of the window that report cost of sales.',
    rationale: 'Resellers of undervalued goods report implausibly high margins; shells report tiny revenue.',
    catches: ['undervaluation', 'shell_importer'],
    sources: ['tax_returns.revenue_rub', 'tax_returns.cost_of_sales_rub'],
    needs: ['tax_returns'],
  },
  {
    id: 'hs_chapter_count',
    family,
    unit: 'count',
    decimals: 0,
    title: 'HS chapters imported',
    formula: 'Number of distinct 2-digit HS chapters of the window items.',
    rationale: 'Context: a wide spread of unrelated goods is typical of intermediaries rather than specialised traders.',
    catches: [],
    sources: ['declarations.hs_code'],
  },
  {
    id: 'window_customs_value_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Customs value imported in the window',
    formula: 'Sum of customs_value_rub of the participant\'s items released in the windowMonths months up to the as-of date (all procedures).',
    rationale: 'Volume: a firm without substance moving large volumes, or a share that matters only above some size.',
    catches: ['shell_importer'],
    sources: ['declarations.customs_value_rub', 'declarations.release_date'],
  },
];

function sql(params: FeatureParams): string {
  const t = AS_OF_TABLES;
  const d = asOfLiteral(params);
  const recentStart = windowStartSql(params, params.peerWindowMonths);
  const historyStart = windowStartSql(params, params.peerWindowMonths + params.windowMonths);
  return `WITH imports AS (
    SELECT inn,
      sum(customs_value_rub) FILTER (WHERE in_window AND valuation_method BETWEEN 2 AND 6) AS v_nontx,
      count(valuation_method) FILTER (WHERE in_window) AS n_methods,
      sum(customs_value_rub) FILTER (WHERE in_window) AS v_window,
      sum(customs_value_rub) FILTER (WHERE release_date >= ${recentStart}) AS v_recent,
      sum(customs_value_rub) FILTER (WHERE release_date >= ${historyStart} AND release_date < ${recentStart}) AS v_before,
      count(DISTINCT left(hs_code, 2)) FILTER (WHERE in_window) AS chapters
    FROM ${t.declarations} WHERE release_date >= ${historyStart} GROUP BY inn
  ), returns AS (
    SELECT r.inn,
      sum(r.vat_accrued_rub - r.vat_deductions_rub) AS vat_kept, sum(r.revenue_rub) AS revenue,
      sum(r.revenue_rub) FILTER (WHERE r.cost_of_sales_rub IS NOT NULL) AS revenue_cos, sum(r.cost_of_sales_rub) AS cos
    FROM ${t.tax_returns} r SEMI JOIN (SELECT tax_period FROM ${t.dueQuarters} WHERE q_rank <= ${windowQuarterCount(params)}) q USING (tax_period)
    GROUP BY r.inn
  ), burden AS (
    SELECT u.inn, u.activity_code, CAST(r.vat_kept AS DOUBLE) / nullif(CAST(r.revenue AS DOUBLE), 0) AS burden
    FROM ${t.universe} u JOIN returns r USING (inn)
  ), code_median AS (
    SELECT activity_code, median(burden) AS m, count(burden) AS n FROM burden WHERE activity_code IS NOT NULL GROUP BY activity_code
  ), all_median AS (SELECT median(burden) AS m FROM burden)
  SELECT u.inn,
    CASE WHEN i.n_methods > 0 THEN CAST(coalesce(i.v_nontx, 0) AS DOUBLE) / nullif(CAST(i.v_window AS DOUBLE), 0) END AS nontx_valuation_share,
    ln((CAST(nullif(i.v_recent, 0) AS DOUBLE) / ${params.peerWindowMonths}) / (CAST(nullif(i.v_before, 0) AS DOUBLE) / ${params.windowMonths})) AS customs_value_growth_log,
    date_diff('day', u.registration_date, ${d}) / 365.25 AS firm_age_years,
    u.headcount,
    CAST(u.mass_address AS INTEGER) AS mass_address,
    CAST(u.unreliable_record AS INTEGER) AS unreliable_record,
    b.burden - CASE WHEN cm.n >= 5 THEN cm.m ELSE am.m END AS vat_burden_gap,
    CAST(r.revenue_cos - r.cos AS DOUBLE) / nullif(CAST(r.revenue_cos AS DOUBLE), 0) AS gross_margin,
    coalesce(i.chapters, 0) AS hs_chapter_count,
    CAST(coalesce(i.v_window, 0) AS DOUBLE) AS window_customs_value_rub
  FROM ${t.universe} u LEFT JOIN imports i USING (inn) LEFT JOIN returns r USING (inn)
    LEFT JOIN burden b USING (inn) LEFT JOIN code_median cm ON cm.activity_code = u.activity_code
    CROSS JOIN all_median am`;
}

/** Family 5: the participant's import profile and register data. */
export const profile: FeatureFamily = {
  id: family,
  description: 'Valuation methods, growth, firm age, headcount, register flags, VAT burden against activity peers, gross margin, spread of goods.',
  needs: ['declarations'],
  features: FEATURES,
  sql,
};
