import { exactSum, quoteLiteralList, sqlDate } from '../io/sql.js';
import { OWN_MONTHS, releasedInMonthsSql } from '../store/month-aggregates.js';
import { ITEM_TABLES, PEER_LEVELS, exactDoubleSum, firstInspectableDay, inspectableSql } from './item-signals.js';
import { AS_OF_TABLES } from './as-of-tables.js';
import { asOfFromPeriod, periodsBetween, windowStartDay } from '../util/period.js';
import type { FeatureDef, FeatureFamily, FeatureParams, PrepareContext } from './types.js';

/** Items a run of months of uv_own_drop needs inside it, and outside it. */
const OWN_DROP_MIN_ITEMS = 5;

const family = 'unit_value';
const peerText = 'median unit value (RUB per kg) of OTHER importers\' items in the same peer block (the peerWindowMonths-month block of the release month) and group: hs10+origin, else hs6, else hs4, the first with >= peerMinItems items from >= peerMinImporters other importers';

const FEATURES: readonly FeatureDef[] = [
  {
    id: 'uv_log_dev_mean',
    family,
    unit: 'log',
    decimals: 4,
    title: 'Unit value against peers (weighted mean log deviation)',
    formula: `Mean over window items with a peer group of ln(unit value / peer median), weighted by the item's value at the peer median (peer median × net weight: weighting by the declared value would favour dear items and bias the mean up by about the variance of log prices); peer median = ${peerText}.`,
    rationale: 'Undervalued goods are declared at prices per kg well below what other importers declare for the same goods and origin.',
    catches: ['undervaluation', 'shell_importer'],
    sources: ['declarations.customs_value_rub', 'declarations.net_weight_kg', 'declarations.hs_code', 'declarations.origin_country'],
  },
  {
    id: 'uv_abs_log_dev_mean',
    family,
    unit: 'log',
    decimals: 4,
    title: 'Unit value distance from peers (weighted mean absolute log deviation)',
    formula: 'Mean of |ln(unit value / peer median)| over window items with a peer group, weighted as uv_log_dev_mean.',
    rationale: 'Goods declared under a wrong code keep the price per kg of their true code, far from the declared code\'s peers in either direction.',
    catches: ['misclassification'],
    sources: ['declarations.customs_value_rub', 'declarations.net_weight_kg', 'declarations.hs_code'],
  },
  {
    id: 'uv_share_below_half',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Share of items below half the peer median',
    formula: 'Items with unit value < 0.5 × peer median, over window items with a peer group.',
    rationale: 'Honest price dispersion rarely halves the price; deep undervaluation does on many items.',
    catches: ['undervaluation', 'shell_importer'],
    sources: ['declarations.customs_value_rub', 'declarations.net_weight_kg'],
  },
  {
    id: 'uv_at_stake_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Duty and VAT at stake on items priced below peers',
    formula: 'Sum over inspectable payment-procedure window items priced below the peer median of (peer median × net weight − customs value) × (duty rate + (1 + duty rate) × VAT rate), duty rate = duty_rub / customs_value_rub, VAT rate = import_vat_rub / (customs value + duty + excise).',
    rationale: 'What an inspection could recover if the items were revalued at the peer median; items past the control limit (release + controlYears − leadMonths) count 0. NULL (unknown) when none of the window items carries duty or VAT figures, as in another administration\'s extract without payment columns.',
    catches: ['undervaluation', 'shell_importer'],
    sources: ['declarations.customs_value_rub', 'declarations.net_weight_kg', 'declarations.duty_rub', 'declarations.import_vat_rub', 'declarations.excise_rub', 'declarations.release_date'],
  },
  {
    id: 'uv_compared_share',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Share of window value with a peer group',
    formula: 'Customs value of window items with a peer group (any level) over the window customs value.',
    rationale: 'Context: unit-value features rest on this part of the imports only.',
    catches: [],
    sources: ['declarations.customs_value_rub'],
  },
  {
    id: 'uv_peer_level',
    family,
    unit: 'count',
    decimals: 0,
    title: 'Peer level used (1 hs10+origin, 2 hs6, 3 hs4)',
    formula: 'The peer level covering the largest customs value of the participant\'s compared window items (ties: the finer level); NULL when no item has a peer group.',
    rationale: 'Context for reason texts: a comparison at hs4 is weaker than one at hs10 and origin.',
    catches: [],
    sources: ['declarations.hs_code', 'declarations.origin_country'],
  },
  {
    id: 'uv_peer_items',
    family,
    unit: 'count',
    decimals: 0,
    title: 'Peer items (median over compared items)',
    formula: 'Median over compared window items of the number of other importers\' items in the item\'s peer group.',
    rationale: 'Context for reason texts: how many declarations the comparison rests on.',
    catches: [],
  },
  {
    id: 'uv_peer_importers',
    family,
    unit: 'count',
    decimals: 0,
    title: 'Peer importers (median over compared items)',
    formula: 'Median over compared window items of the number of other importers in the item\'s peer group.',
    rationale: 'Context for reason texts.',
    catches: [],
  },
  {
    id: 'uv_own_shift',
    family,
    unit: 'log',
    decimals: 4,
    title: 'Own unit values against own history, beyond the market',
    formula:
      'Value-weighted mean over the (hs10, origin) pairs the participant imported both in the window and in the windowMonths before it (payment procedures) of (own mean ln unit value per kg in the window − own mean before) − (market mean in the window − market mean before), the market being all importers\' items of the pair, the participant\'s own included; NULL without such pairs.',
    rationale:
      'A firm whose declared prices fall against its own earlier prices for the same goods, while the market does not, has changed something: honest cheap suppliers stay cheap, undervaluation usually starts at some point.',
    catches: ['undervaluation', 'shell_importer'],
    sources: ['declarations.customs_value_rub', 'declarations.net_weight_kg', 'declarations.hs_code', 'declarations.origin_country', 'declarations.release_date'],
  },
  {
    id: 'uv_own_drop',
    family,
    unit: 'log',
    decimals: 4,
    title: 'Own prices in their lowest run of months against its other months',
    formula: `Over the participant's payment-procedure items of the window and the windowMonths before it: each item's relative unit value r = ln(RUB per kg) − mean ln(RUB per kg) of all importers' items of its hs10 and origin over those months − the month's index (mean of that difference over all importers' items of its HS chapter released that month). Among the runs of at most windowMonths consecutive months with at least ${OWN_DROP_MIN_ITEMS} of its items inside and ${OWN_DROP_MIN_ITEMS} outside, the run where its mean r stands lowest against the mean r of its other items, in standard errors (uv_own_drop_z; ties: the latest run, then the shortest); this feature is that run's mean r minus the mean r of its other items. NULL without such a run.`,
    rationale:
      'Undervaluation is rarely a firm\'s constant habit: it starts and stops. A firm whose own prices for the same goods sank in some months against its other months has changed something, wherever those months fall; a firm that has always bought a cheaper grade has no such run. Comparing the window with the year before (uv_own_shift) cancels out when a scheme spans both.',
    catches: ['undervaluation'],
    sources: ['declarations.customs_value_rub', 'declarations.net_weight_kg', 'declarations.hs_code', 'declarations.origin_country', 'declarations.release_date'],
  },
  {
    id: 'uv_own_drop_z',
    family,
    unit: 'se',
    decimals: 2,
    title: 'How clearly own prices dropped (standard errors)',
    formula: `(mean r of the other items − mean r in the run of uv_own_drop) / (s × sqrt(1 / items in the run + 1 / other items)), s the standard deviation of r over all the participant's items of the two windows; the largest over the runs defined under uv_own_drop. The largest of a few hundred runs is about 2 without any change and above 3 for about 3% of firms, above 3.5 for well under 1%.`,
    rationale: 'A drop of own prices beyond the noise of item prices: many items in and out of the run make a small drop clear, a few items make a large one doubtful.',
    catches: ['undervaluation'],
    sources: ['declarations.customs_value_rub', 'declarations.net_weight_kg', 'declarations.hs_code', 'declarations.origin_country', 'declarations.release_date'],
  },
  {
    id: 'uv_own_drop_months',
    family,
    unit: 'months',
    decimals: 0,
    title: 'Months of the run of uv_own_drop',
    formula: 'Calendar months from the first to the last month of the run of uv_own_drop; NULL with it.',
    rationale: 'Context for reason texts: how long the prices stayed low.',
    catches: [],
  },
  {
    id: 'uv_own_drop_months_ago',
    family,
    unit: 'months',
    decimals: 0,
    title: 'Months from the end of the run of uv_own_drop to the as-of month',
    formula: 'The as-of month minus the last month of the run of uv_own_drop (0: the run reaches the as-of month); NULL with it.',
    rationale: 'Context for reason texts: whether the low prices are current or past (items stay inspectable for controlYears after release).',
    catches: [],
  },
  {
    id: 'uv_own_drop_at_stake_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Duty and VAT at stake at its own usual prices',
    formula: 'For the run of uv_own_drop when uv_own_drop < 0: (exp(−uv_own_drop) − 1) × sum over its inspectable items of customs value × (duty rate + (1 + duty rate) × VAT rate), rates as in uv_at_stake_rub; 0 when uv_own_drop ≥ 0; NULL without the run or when none of the run\'s items carries duty or VAT figures.',
    rationale: 'What an inspection could recover if the run\'s items were revalued at the participant\'s own prices of its other months, the first estimate an auditor makes; unlike uv_at_stake_rub it needs no peers and covers runs before the window while their items are still inspectable.',
    catches: ['undervaluation'],
    sources: ['declarations.customs_value_rub', 'declarations.duty_rub', 'declarations.import_vat_rub', 'declarations.excise_rub', 'declarations.release_date'],
  },
  {
    id: 'uv_share_above_double',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Share of items above twice the peer median',
    formula: 'Items with a peer group whose unit value per kg is above twice the peer median, over items with a peer group.',
    rationale: 'Goods priced far above everyone else declaring the same code usually are other, dearer goods: the price and weight profile of a different code (misclassification into a cheaper-duty code).',
    catches: ['misclassification'],
    sources: ['declarations.customs_value_rub', 'declarations.net_weight_kg', 'declarations.hs_code'],
  },
];

/** TEMP tables of the participant's own items over the two windows (see {@link prepare}). */
const OWN_TABLES = {
  /** Per (inn, hs10, origin, month back from the as-of month `mb`): items, exact sums of ln unit value and its square, value, duty and VAT per value. */
  months: 'ccrg_own_month',
  /** Per (inn, mb): items and exact sums of the relative unit value r and r² (uv_own_drop), duty and VAT per value. */
  relative: 'ccrg_own_relative',
} as const;

/**
 * The own-history tables: the participant's payment-procedure items of the
 * window and the windowMonths before it, grouped once by (inn, hs10, origin,
 * month) for uv_own_shift and uv_own_drop, and the relative unit values r of
 * uv_own_drop per (inn, month). Sums are exact (DECIMAL) so that parallel
 * aggregation cannot change a bit; 18 digits hold them (6 decimals, kopecks for money).
 *
 * The months come from the store's per-month aggregates where those are the
 * store as of the date (src/store/month-aggregates.ts: ended, every row made
 * by then) and lie wholly inside the range and on one side of the first
 * inspectable day; the other months (a late correction, a month cut by the
 * range or by the control period) from the items, grouped the same way.
 * Both give the same bits: the sums are exact.
 */
function prepare(params: FeatureParams, context: PrepareContext): string[] {
  const [y, mo] = params.asOf.split('-').map(Number) as [number, number];
  const asOfMonth = y * 12 + mo - 1;
  const start = windowStartDay(params.asOf, 2 * params.windowMonths);
  const inspectableFrom = firstInspectableDay(params);
  // Months of the range served by the aggregates: wholly inside it and on one side of the first inspectable day.
  const months = periodsBetween(start.slice(0, 7), params.asOf.slice(0, 7)).map((p) => `${p}-01`);
  const served = months.filter((m) => context.cleanMonths.has(m) && m >= start && (m >= inspectableFrom || asOfFromPeriod(m.slice(0, 7)) < inspectableFrom));
  const fromItems = months.filter((m) => !served.includes(m));
  const mb = `${asOfMonth} - (year(release_month) * 12 + month(release_month) - 1)`;
  const payment = quoteLiteralList(params.paymentProcedures);
  const sum18 = (expr: string, scale = 6): string => `sum(CAST((${expr}) AS DECIMAL(18,${scale})))`;
  const branches = [
    ...(served.length === 0
      ? []
      : [
          `SELECT inn, hs_code, origin_country, ${mb} AS mb, n, sl, sll, v, CASE WHEN release_month >= ${sqlDate(inspectableFrom)} THEN t END AS t, n_paid
           FROM ${OWN_MONTHS.table} WHERE procedure IN (${payment}) AND release_month IN (${served.map(sqlDate).join(', ')})`,
        ]),
    ...(fromItems.length === 0
      ? []
      : [
          `SELECT inn, hs_code, origin_country, ${mb} AS mb, n, sl, sll, v, t, n_paid
           FROM (${OWN_MONTHS.select(
             `SELECT * FROM ${AS_OF_TABLES.declarations} WHERE is_payment AND release_date >= ${sqlDate(start)} AND (${releasedInMonthsSql(fromItems)})`,
             inspectableSql('release_date', params),
           )})`,
        ]),
  ];
  // The as-of month is always in the range, so one branch at least.
  const union = branches.join('\n       UNION ALL\n       ');
  // With one payment procedure a (inn, code, origin, month) is one row of one branch already.
  const combined =
    params.paymentProcedures.length === 1
      ? `SELECT inn, hs_code, origin_country, mb, CAST(n AS INTEGER) AS n, sl, sll, v, t, CAST(n_paid AS INTEGER) AS n_paid FROM (${union})`
      : `SELECT inn, hs_code, origin_country, mb, CAST(sum(n) AS INTEGER) AS n, sum(sl) AS sl, sum(sll) AS sll, sum(v) AS v, sum(t) AS t,
           CAST(sum(n_paid) AS INTEGER) AS n_paid
         FROM (${union}) GROUP BY ALL`;
  return [
    `CREATE OR REPLACE TEMP TABLE ${OWN_TABLES.months} AS ${combined}`,
    `CREATE OR REPLACE TEMP TABLE ${OWN_TABLES.relative} AS
     WITH pair AS (
       SELECT hs_code, origin_country, CAST(sum(sl) AS DOUBLE) / sum(n) AS m FROM ${OWN_TABLES.months} GROUP BY ALL
     ), cell AS (
       -- Deviations from the mean ln unit value of the code and origin over both windows, per inn, chapter and month.
       SELECT o.inn, left(o.hs_code, 2) AS chapter, o.mb, sum(o.n) AS n, sum(o.t) AS t, sum(o.n_paid) AS n_paid,
         ${sum18('CAST(o.sl AS DOUBLE) - o.n * p.m')} AS s, ${sum18('CAST(o.sll AS DOUBLE) - 2 * p.m * CAST(o.sl AS DOUBLE) + o.n * p.m * p.m')} AS ss
       FROM ${OWN_TABLES.months} o JOIN pair p USING (hs_code, origin_country)
       GROUP BY ALL
     ), month_index AS (
       -- The chapter's month: mean deviation over all importers' items of the chapter released that month.
       SELECT chapter, mb, CAST(sum(s) AS DOUBLE) / sum(n) AS ix FROM cell GROUP BY ALL
     )
     SELECT c.inn, c.mb, CAST(sum(c.n) AS INTEGER) AS n, CAST(coalesce(sum(c.t), 0) AS DOUBLE) AS t, CAST(sum(c.n_paid) AS INTEGER) AS n_paid,
       ${sum18('CAST(c.s AS DOUBLE) - c.n * x.ix')} AS s, ${sum18('CAST(c.ss AS DOUBLE) - 2 * x.ix * CAST(c.s AS DOUBLE) + c.n * x.ix * x.ix')} AS ss
     FROM cell c JOIN month_index x USING (chapter, mb) GROUP BY ALL`,
  ];
}

/**
 * CTEs ending in \`own_shift(inn, shift)\` and \`own_drop(inn, drop, z, months,
 * first_mb, at_stake)\`: the run of at most windowMonths consecutive months
 * where the participant's relative unit values sank the most clearly against
 * its other months (uv_own_drop).
 */
function ownHistorySql(params: FeatureParams): string {
  const w = params.windowMonths;
  const min = OWN_DROP_MIN_ITEMS;
  return `own AS (
    SELECT inn, hs_code, origin_country, mb < ${w} AS in_window, CAST(sum(sl) AS DOUBLE) / sum(n) AS luv, sum(v) AS v FROM ${OWN_TABLES.months} GROUP BY ALL
  ), market AS (
    SELECT hs_code, origin_country, mb < ${w} AS in_window, CAST(sum(sl) AS DOUBLE) / sum(n) AS luv FROM ${OWN_TABLES.months} GROUP BY ALL
  ), own_shift AS (
    SELECT w.inn,
      ${exactSum('CAST(w.v AS DOUBLE) * ((w.luv - h.luv) - (mw.luv - mh.luv))')} / CAST(sum(w.v) AS DOUBLE) AS shift
    FROM own w
    JOIN own h ON h.inn = w.inn AND h.hs_code = w.hs_code AND h.origin_country = w.origin_country AND NOT h.in_window
    JOIN market mw ON mw.hs_code = w.hs_code AND mw.origin_country = w.origin_country AND mw.in_window
    JOIN market mh ON mh.hs_code = w.hs_code AND mh.origin_country = w.origin_country AND NOT mh.in_window
    WHERE w.in_window
    GROUP BY w.inn
  ), od_firm AS (
    SELECT inn, sum(n) AS n, CAST(sum(s) AS DOUBLE) AS s,
      (CAST(sum(ss) AS DOUBLE) - CAST(sum(s) AS DOUBLE) * CAST(sum(s) AS DOUBLE) / sum(n)) / nullif(sum(n) - 1, 0) AS var
    FROM ${OWN_TABLES.relative} GROUP BY inn
  ), od_cum AS (
    -- Running totals from the latest month back, added in month order within each inn (reproducible);
    -- a run is (a, b]: the months after bound a up to month b.
    SELECT inn, mb, sum(n) OVER w AS cn, sum(s) OVER w AS cs, sum(t) OVER w AS ct, sum(n_paid) OVER w AS cp, lead(mb) OVER w AS next_mb
    FROM (SELECT inn, mb, n, CAST(s AS DOUBLE) AS s, t, n_paid FROM ${OWN_TABLES.relative})
    WINDOW w AS (PARTITION BY inn ORDER BY mb ROWS UNBOUNDED PRECEDING)
  ), od_bound AS (
    SELECT inn, min(mb) AS first_mb, 0 AS cn, 0.0 AS cs, 0.0 AS ct, 0 AS cp FROM ${OWN_TABLES.relative} GROUP BY inn
    UNION ALL SELECT inn, next_mb, cn, cs, ct, cp FROM od_cum WHERE next_mb IS NOT NULL
  ), od_run AS (
    SELECT a.inn, b.mb - a.first_mb + 1 AS months, a.first_mb, CASE WHEN b.cp > a.cp THEN b.ct - a.ct END AS t,
      (b.cs - a.cs) / (b.cn - a.cn) - (f.s - (b.cs - a.cs)) / (f.n - (b.cn - a.cn)) AS drop,
      sqrt(f.var * (1.0 / (b.cn - a.cn) + 1.0 / (f.n - (b.cn - a.cn)))) AS se
    FROM od_bound a JOIN od_cum b ON b.inn = a.inn AND b.mb >= a.first_mb JOIN od_firm f ON f.inn = a.inn
    WHERE b.mb - a.first_mb < ${w} AND b.cn - a.cn >= ${min} AND f.n - (b.cn - a.cn) >= ${min} AND f.var > 0
  ), own_drop AS (
    -- The clearest drop; ties: the run starting latest, then the shortest.
    SELECT inn, arg_max(drop, key) AS drop, max(key).z AS z, arg_max(months, key) AS months, arg_max(first_mb, key) AS first_mb,
      arg_max(CASE WHEN drop < 0 THEN t * (exp(-drop) - 1) ELSE 0 END, key) AS at_stake
    FROM (SELECT inn, drop, months, first_mb, t, {'z': round(-drop / se, 6), 'first_mb': -first_mb, 'months': -months} AS key FROM od_run)
    GROUP BY inn
  )`;
}

function sql(params: FeatureParams): string {
  return `WITH ${ownHistorySql(params)}, a AS (
    SELECT inn,
      ${PEER_LEVELS.map((level, n) => `coalesce(sum(customs_value_rub) FILTER (WHERE unit_value_log_dev IS NOT NULL AND peer_level = '${level}'), -1) AS v${n + 1}`).join(',\n      ')},
      ${exactSum('peer_median_unit_value_rub_per_kg * net_weight_kg * unit_value_log_dev')} AS wdev,
      ${exactSum('peer_median_unit_value_rub_per_kg * net_weight_kg * abs(unit_value_log_dev)')} AS wabs,
      ${exactSum('peer_median_unit_value_rub_per_kg * net_weight_kg')} FILTER (WHERE unit_value_log_dev IS NOT NULL) AS w,
      sum(customs_value_rub) FILTER (WHERE unit_value_log_dev IS NOT NULL) AS v_cmp,
      sum(customs_value_rub) AS v_all,
      count(*) FILTER (WHERE unit_value_log_dev IS NOT NULL) AS n_cmp,
      count(*) FILTER (WHERE unit_value_log_dev < ln(0.5)) AS n_half,
      count(*) FILTER (WHERE unit_value_log_dev > ln(2)) AS n_double,
      ${exactDoubleSum('item_at_stake_rub')} AS at_stake,
      count(*) FILTER (WHERE duty_rub IS NOT NULL OR import_vat_rub IS NOT NULL) AS n_paid,
      quantile_cont(peer_items, 0.5) AS peer_items,
      quantile_cont(peer_importers, 0.5) AS peer_importers
    FROM ${ITEM_TABLES.itemPrices} GROUP BY inn
  )
  SELECT u.inn,
    CAST(a.wdev / nullif(a.w, 0) AS DOUBLE) AS uv_log_dev_mean,
    CAST(a.wabs / nullif(a.w, 0) AS DOUBLE) AS uv_abs_log_dev_mean,
    CASE WHEN a.n_cmp > 0 THEN a.n_half / a.n_cmp END AS uv_share_below_half,
    -- Unknown, not 0, when no window item carries duty or VAT figures (an extract without them).
    CASE WHEN a.n_paid = 0 THEN NULL ELSE coalesce(a.at_stake, 0) END AS uv_at_stake_rub,
    CAST(coalesce(a.v_cmp, 0) AS DOUBLE) / nullif(CAST(a.v_all AS DOUBLE), 0) AS uv_compared_share,
    -- The level covering the largest compared value; ties: the finer level.
    CASE WHEN a.n_cmp > 0 THEN CASE WHEN a.v1 >= a.v2 AND a.v1 >= a.v3 THEN 1 WHEN a.v2 >= a.v3 THEN 2 ELSE 3 END END AS uv_peer_level,
    a.peer_items AS uv_peer_items,
    a.peer_importers AS uv_peer_importers,
    CAST(own_shift.shift AS DOUBLE) AS uv_own_shift,
    own_drop.drop AS uv_own_drop,
    own_drop.z AS uv_own_drop_z,
    own_drop.months AS uv_own_drop_months,
    own_drop.first_mb AS uv_own_drop_months_ago,
    own_drop.at_stake AS uv_own_drop_at_stake_rub,
    CASE WHEN a.n_cmp > 0 THEN a.n_double / a.n_cmp END AS uv_share_above_double
  FROM ${AS_OF_TABLES.universe} u LEFT JOIN a USING (inn) LEFT JOIN own_shift USING (inn) LEFT JOIN own_drop USING (inn)`;
}

/** Family 3: unit value per kg against other importers' items of the same goods (item table). */
export const unitValue: FeatureFamily = {
  id: family,
  description: 'Unit value per kg of each window item against the median of other importers\' items of the same code and origin (falling back to hs6, hs4).',
  needs: ['declarations'],
  features: FEATURES,
  sql,
  prepare,
  preparedTables: Object.values(OWN_TABLES),
};
