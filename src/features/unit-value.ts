import { ITEM_TABLES, exactSum } from './item-signals.js';
import { AS_OF_TABLES } from './as-of-tables.js';
import { windowStartSql } from './params.js';
import type { FeatureDef, FeatureFamily, FeatureParams } from './types.js';

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

function sql(params: FeatureParams): string {
  const d = AS_OF_TABLES.declarations;
  const historyStart = windowStartSql(params, 2 * params.windowMonths);
  return `WITH priced AS (
    SELECT inn, hs_code, origin_country, in_window, customs_value_rub, ln(CAST(customs_value_rub AS DOUBLE) / net_weight_kg) AS luv
    FROM ${d} WHERE is_payment AND customs_value_rub > 0 AND net_weight_kg > 0 AND release_date >= ${historyStart}
  ), own AS (
    SELECT inn, hs_code, origin_country, in_window, ${exactSum('luv')} / count(*) AS luv, sum(customs_value_rub) AS v FROM priced GROUP BY ALL
  ), market AS (
    SELECT hs_code, origin_country, in_window, ${exactSum('luv')} / count(*) AS luv FROM priced GROUP BY ALL
  ), own_shift AS (
    SELECT w.inn,
      ${exactSum('CAST(w.v AS DOUBLE) * ((w.luv - h.luv) - (mw.luv - mh.luv))')} / sum(CAST(w.v AS DOUBLE)) AS shift
    FROM own w
    JOIN own h ON h.inn = w.inn AND h.hs_code = w.hs_code AND h.origin_country = w.origin_country AND NOT h.in_window
    JOIN market mw ON mw.hs_code = w.hs_code AND mw.origin_country = w.origin_country AND mw.in_window
    JOIN market mh ON mh.hs_code = w.hs_code AND mh.origin_country = w.origin_country AND NOT mh.in_window
    WHERE w.in_window
    GROUP BY w.inn
  ), lv AS (
    SELECT inn, peer_level, sum(customs_value_rub) AS v FROM ${ITEM_TABLES.items} WHERE unit_value_log_dev IS NOT NULL GROUP BY ALL
  ), top_level AS (
    SELECT inn, CASE peer_level WHEN 'hs10+origin' THEN 1 WHEN 'hs6' THEN 2 WHEN 'hs4' THEN 3 END AS level FROM lv
    QUALIFY row_number() OVER (PARTITION BY inn ORDER BY v DESC, peer_level = 'hs10+origin' DESC, peer_level = 'hs6' DESC) = 1
  ), a AS (
    SELECT inn,
      ${exactSum('peer_median_unit_value_rub_per_kg * net_weight_kg * unit_value_log_dev')} AS wdev,
      ${exactSum('peer_median_unit_value_rub_per_kg * net_weight_kg * abs(unit_value_log_dev)')} AS wabs,
      ${exactSum('peer_median_unit_value_rub_per_kg * net_weight_kg')} FILTER (WHERE unit_value_log_dev IS NOT NULL) AS w,
      sum(customs_value_rub) FILTER (WHERE unit_value_log_dev IS NOT NULL) AS v_cmp,
      sum(customs_value_rub) AS v_all,
      count(*) FILTER (WHERE unit_value_log_dev IS NOT NULL) AS n_cmp,
      count(*) FILTER (WHERE unit_value_log_dev < ln(0.5)) AS n_half,
      count(*) FILTER (WHERE unit_value_log_dev > ln(2)) AS n_double,
      sum(item_at_stake_rub) AS at_stake,
      count(*) FILTER (WHERE duty_rub IS NOT NULL OR import_vat_rub IS NOT NULL) AS n_paid,
      quantile_cont(peer_items, 0.5) AS peer_items,
      quantile_cont(peer_importers, 0.5) AS peer_importers
    FROM ${ITEM_TABLES.items} GROUP BY inn
  )
  SELECT u.inn,
    CAST(a.wdev / nullif(a.w, 0) AS DOUBLE) AS uv_log_dev_mean,
    CAST(a.wabs / nullif(a.w, 0) AS DOUBLE) AS uv_abs_log_dev_mean,
    CASE WHEN a.n_cmp > 0 THEN a.n_half / a.n_cmp END AS uv_share_below_half,
    -- Unknown, not 0, when no window item carries duty or VAT figures (an extract without them).
    CASE WHEN a.n_paid = 0 THEN NULL ELSE coalesce(a.at_stake, 0) END AS uv_at_stake_rub,
    CAST(coalesce(a.v_cmp, 0) AS DOUBLE) / nullif(CAST(a.v_all AS DOUBLE), 0) AS uv_compared_share,
    l.level AS uv_peer_level,
    a.peer_items AS uv_peer_items,
    a.peer_importers AS uv_peer_importers,
    CAST(own_shift.shift AS DOUBLE) AS uv_own_shift,
    CASE WHEN a.n_cmp > 0 THEN a.n_double / a.n_cmp END AS uv_share_above_double
  FROM ${AS_OF_TABLES.universe} u LEFT JOIN a USING (inn) LEFT JOIN top_level l USING (inn) LEFT JOIN own_shift USING (inn)`;
}

/** Family 3: unit value per kg against other importers' items of the same goods (item table). */
export const unitValue: FeatureFamily = {
  id: family,
  description: 'Unit value per kg of each window item against the median of other importers\' items of the same code and origin (falling back to hs6, hs4).',
  needs: ['declarations'],
  features: FEATURES,
  sql,
};
