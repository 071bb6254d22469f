import { AS_OF_TABLES } from './as-of-tables.js';
import { ITEM_TABLES, inspectableSql } from './item-signals.js';
import { exactSum, quoteLiteralList, sqlDate } from '../io/sql.js';
import { CODE_RATES } from '../store/month-aggregates.js';
import type { FeatureDef, FeatureFamily, FeatureParams, PrepareContext } from './types.js';

/** Robust z-score (against 1.4826 × MAD, at least QTY_PER_KG_MIN_SPREAD) beyond which an item's quantity per kg is off its code. */
const QTY_PER_KG_OFF_Z = 4;

/** Floor of a code's robust spread of ln(quantity per kg): rounding of small quantities alone gives about this much. */
const QTY_PER_KG_MIN_SPREAD = 0.05;

const family = 'duty_rate';

const FEATURES: readonly FeatureDef[] = [
  {
    id: 'duty_rate_gap',
    family,
    unit: 'rate',
    decimals: 4,
    title: 'Effective duty rate below peers',
    formula: 'Value-weighted mean over payment-procedure window items of (duty_rub / customs_value_rub − peer rate); peer rate = value-weighted median effective duty rate of all items with the same hs10 code and preference group (preference claimed or not) in the same peer block.',
    rationale: 'Paying less duty than importers of the same code with the same preference status points at an origin chosen to avoid anti-dumping or at an unjustified exemption.',
    catches: ['origin_manipulation'],
    sources: ['declarations.duty_rub', 'declarations.customs_value_rub', 'declarations.hs_code', 'declarations.preference'],
  },
  {
    id: 'duty_code_mix_shift',
    family,
    unit: 'rate',
    decimals: 4,
    title: 'Shift of the code mix towards lower-duty codes',
    formula: 'Value-weighted mean typical duty rate of the codes imported in the window minus the same over the participant\'s items released before the window; typical rate of a code = value-weighted median effective duty rate of all payment-procedure items of the code as of the date. NULL without earlier items.',
    rationale: 'A firm that starts declaring the same trade under lower-duty codes shows a falling typical rate of its code mix.',
    catches: ['misclassification'],
    sources: ['declarations.hs_code', 'declarations.duty_rub', 'declarations.customs_value_rub', 'declarations.release_date'],
  },
  {
    id: 'pref_dispatch_mismatch_share',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Preference claimed with dispatch from another country',
    formula: 'Customs value of payment-procedure window items with a preference and a dispatch_country different from origin_country, over the payment-procedure window customs value.',
    rationale: 'Goods claimed to originate in a preference country but shipped from elsewhere (often CN) are the typical footprint of false origin.',
    catches: ['origin_manipulation'],
    sources: ['declarations.preference', 'declarations.origin_country', 'declarations.dispatch_country', 'declarations.customs_value_rub'],
  },
  {
    id: 'pref_dispatch_excess_z',
    family,
    unit: 'se',
    decimals: 2,
    title: 'Preferences shipped from elsewhere, beyond what other importers of the same origin do (standard errors)',
    formula: `Over the participant's payment-procedure window items with a preference: (x − e) / sqrt(v), x = items with a dispatch_country different from origin_country, e = Σ r and v = Σ r(1 − r) over the items, r = (such items of OTHER importers with a preference and the same origin_country + 0.5) / (their items with a preference and that origin + 1). NULL without items with a preference.`,
    rationale:
      'Honest goods also travel through transit hubs, at a rate typical of their origin; a participant whose preferential goods are shipped from another country far more often than other importers\' goods of the same origin is the footprint of a false origin. Measured against the others of the same origin, not a fixed share, so the indicator adapts to each origin\'s routes.',
    catches: ['origin_manipulation'],
    sources: ['declarations.preference', 'declarations.origin_country', 'declarations.dispatch_country'],
  },
  {
    id: 'duty_gap_at_stake_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Duty and VAT at stake on items taxed below peers',
    formula: 'Sum over inspectable payment-procedure window items of customs_value_rub × max(0, peer rate − effective duty rate) × 1.2 (the import VAT on the missing duty, at 20%).',
    rationale: 'What customs would recover if the items had paid the duty rate of their peers: the money behind a low duty rate or a shift to lower-duty codes.',
    catches: ['misclassification', 'origin_manipulation'],
    sources: ['declarations.duty_rub', 'declarations.customs_value_rub', 'declarations.release_date'],
  },
  {
    id: 'pref_mismatch_value_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Customs value with a preference and dispatch from another country',
    formula: 'Customs value of payment-procedure window items with a preference and a dispatch_country different from origin_country.',
    rationale: 'The size behind pref_dispatch_mismatch_share.',
    catches: ['origin_manipulation'],
    sources: ['declarations.preference', 'declarations.origin_country', 'declarations.dispatch_country', 'declarations.customs_value_rub'],
  },
  {
    id: 'pref_mismatch_at_stake_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Duty and VAT at stake on preferences shipped from another country',
    formula: 'Sum over inspectable items counted in pref_mismatch_value_rub of customs_value_rub × max(0, typical rate of the code − effective duty rate) × 1.2; typical rate = value-weighted median effective duty rate of all payment-procedure items of the code as of the date.',
    rationale: 'What the preference saved if the origin is false: the duty the code usually pays, plus VAT on it.',
    catches: ['origin_manipulation'],
    sources: ['declarations.preference', 'declarations.duty_rub', 'declarations.customs_value_rub'],
  },
  {
    id: 'qty_per_kg_off_code_items',
    family,
    unit: 'count',
    decimals: 0,
    title: 'Items whose quantity per kg does not fit the declared code',
    formula: `Inspectable payment-procedure items released by the as-of date (not only the window) with a supplementary quantity whose ln(supplementary_qty / net_weight_kg) lies more than ${QTY_PER_KG_OFF_Z} robust standard deviations from the median of all items of the declared hs10 code as of the date; robust standard deviation = max(1.4826 × MAD, ${QTY_PER_KG_MIN_SPREAD}); codes with fewer than peerMinItems such items or fewer than peerMinImporters + 1 importers are not compared.`,
    rationale: 'Pieces (pairs, litres) per kg are a physical property of the goods, tight within a code and different between codes; goods declared under another code keep the quantity per kg of what they really are. Price does not enter, so undervaluation and cheap grades do not fire it.',
    catches: ['misclassification'],
    sources: ['declarations.supplementary_qty', 'declarations.net_weight_kg', 'declarations.hs_code', 'declarations.release_date'],
  },
  {
    id: 'qty_per_kg_off_code_value_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Customs value of items whose quantity per kg does not fit the declared code',
    formula: 'Customs value of the items counted in qty_per_kg_off_code_items.',
    rationale: 'The size behind qty_per_kg_off_code_items.',
    catches: ['misclassification'],
    sources: ['declarations.supplementary_qty', 'declarations.net_weight_kg', 'declarations.customs_value_rub'],
  },
  {
    id: 'qty_per_kg_off_code_at_stake_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Duty and VAT at stake on items whose quantity per kg does not fit the declared code',
    formula: `Sum over the items counted in qty_per_kg_off_code_items of customs_value_rub × max(0, typical rate of the best-fitting code − duty_rub / customs_value_rub) × 1.2; best-fitting code = the other hs10 code of a chapter at most 3 apart minimising |ln(qty per kg) − its median| / its robust spread (${QTY_PER_KG_OFF_Z} for a code without quantities) + |ln(unit value) − its median| / its robust spread, over codes with peerMinItems items from peerMinImporters + 1 importers; typical rate as in duty_code_mix_shift.`,
    rationale: 'What an inspection would recover if the goods were classified under the code whose quantity per kg and price per kg they have: the duty difference plus VAT on it (20%).',
    catches: ['misclassification'],
    sources: ['declarations.supplementary_qty', 'declarations.net_weight_kg', 'declarations.customs_value_rub', 'declarations.duty_rub', 'declarations.hs_code'],
  },
];

function sql(params: FeatureParams): string {
  const d = AS_OF_TABLES.declarations;
  // qpk not materialised: its two reads (the profiles, the items off them) scanning the store cost less than a copy
  // of its 8M rows with their declaration numbers (0.2-1.8 s less side by side on the benchmark store).
  return `WITH typical AS (SELECT hs_code, rate FROM ${TYPICAL_RATES}), qpk AS NOT MATERIALIZED (
    SELECT decl_id, item_no, inn, hs_code, is_payment, customs_value_rub, ${inspectableSql('release_date', params)} AS inspectable,
      ln(CAST(supplementary_qty AS DOUBLE) / net_weight_kg) AS lq,
      ln(CAST(customs_value_rub AS DOUBLE) / net_weight_kg) AS luv,
      CAST(duty_rub AS DOUBLE) / CAST(customs_value_rub AS DOUBLE) AS rate
    FROM ${d} WHERE supplementary_qty > 0 AND net_weight_kg > 0 AND customs_value_rub > 0
  ), qprof AS (
    SELECT hs_code, median(lq) AS mq, greatest(1.4826 * mad(lq), ${QTY_PER_KG_MIN_SPREAD}) AS sq
    FROM qpk GROUP BY hs_code HAVING count(*) >= ${params.peerMinItems} AND count(DISTINCT inn) >= ${params.peerMinImporters + 1}
  ), off AS MATERIALIZED (
    SELECT q.* FROM qpk q JOIN qprof p USING (hs_code)
    WHERE q.is_payment AND q.inspectable AND abs(q.lq - p.mq) > ${QTY_PER_KG_OFF_Z} * p.sq
  ), pprof AS (
    -- Price profiles only of the codes a fit can choose: chapters at most 3 from an item off its code
    -- (all history's priced items of the other chapters cost 2-3 s of this family's 11 s on the benchmark store).
    SELECT hs_code, median(ln(CAST(customs_value_rub AS DOUBLE) / net_weight_kg)) AS mp,
      greatest(1.4826 * mad(ln(CAST(customs_value_rub AS DOUBLE) / net_weight_kg)), ${QTY_PER_KG_MIN_SPREAD}) AS sp
    FROM ${d} WHERE customs_value_rub > 0 AND net_weight_kg > 0
      AND CAST(left(hs_code, 2) AS INTEGER) IN (SELECT DISTINCT CAST(left(hs_code, 2) AS INTEGER) + k FROM off CROSS JOIN range(-3, 4) AS near(k))
    GROUP BY hs_code HAVING count(*) >= ${params.peerMinItems} AND count(DISTINCT inn) >= ${params.peerMinImporters + 1}
  ), fit AS (
    -- The code of a nearby chapter the item fits best by quantity per kg and price per kg;
    -- a code without a quantity profile counts as ${QTY_PER_KG_OFF_Z} robust deviations off on quantity.
    -- Chapters within 3 are joined on equality, one copy of the item per nearby chapter.
    SELECT o.decl_id, o.item_no,
      arg_min(t.rate, {'d': coalesce(abs(o.lq - q.mq) / q.sq, ${QTY_PER_KG_OFF_Z}) + abs(o.luv - p.mp) / p.sp, 'hs': p.hs_code}) AS fit_rate
    FROM (SELECT *, CAST(left(hs_code, 2) AS INTEGER) + k AS chapter FROM off CROSS JOIN range(-3, 4) AS near(k)) o
      JOIN (SELECT *, CAST(left(hs_code, 2) AS INTEGER) AS chapter FROM pprof) p ON p.chapter = o.chapter AND p.hs_code <> o.hs_code
      LEFT JOIN qprof q ON q.hs_code = p.hs_code
      JOIN typical t ON t.hs_code = p.hs_code
    GROUP BY o.decl_id, o.item_no
  ), qoff AS (
    SELECT o.inn, count(*) AS n_off, sum(o.customs_value_rub) AS v_off,
      1.2 * ${exactSum('CAST(o.customs_value_rub AS DOUBLE) * greatest(0, f.fit_rate - coalesce(o.rate, 0))')} AS at_stake
    FROM off o LEFT JOIN fit f USING (decl_id, item_no)
    GROUP BY o.inn
  ), mix AS (
    SELECT i.inn,
      ${exactSum('CAST(i.customs_value_rub AS DOUBLE) * t.rate')} FILTER (WHERE i.in_window) / nullif(sum(i.customs_value_rub) FILTER (WHERE i.in_window), 0) AS mix_window,
      ${exactSum('CAST(i.customs_value_rub AS DOUBLE) * t.rate')} FILTER (WHERE NOT i.in_window) / nullif(sum(i.customs_value_rub) FILTER (WHERE NOT i.in_window), 0) AS mix_history
    FROM ${d} i JOIN typical t USING (hs_code)
    WHERE i.is_payment AND i.customs_value_rub > 0
    GROUP BY i.inn
  ), gap AS (
    SELECT inn,
      ${exactSum('CAST(customs_value_rub AS DOUBLE) * (duty_rate - peer_duty_rate)')} FILTER (WHERE peer_duty_rate IS NOT NULL)
        / nullif(sum(customs_value_rub) FILTER (WHERE peer_duty_rate IS NOT NULL), 0) AS duty_rate_gap,
      sum(customs_value_rub) FILTER (WHERE coalesce(preference, '') <> '' AND dispatch_country IS NOT NULL AND dispatch_country <> origin_country)
        / nullif(sum(customs_value_rub), 0) AS mismatch,
      sum(customs_value_rub) FILTER (WHERE coalesce(preference, '') <> '' AND dispatch_country IS NOT NULL AND dispatch_country <> origin_country) AS mismatch_value,
      1.2 * ${exactSum('CAST(customs_value_rub AS DOUBLE) * greatest(0, peer_duty_rate - duty_rate)')} FILTER (WHERE inspectable AND peer_duty_rate IS NOT NULL) AS duty_gap_at_stake,
      -- What a preference shipped from another country saved against the typical rate of the code.
      1.2 * ${exactSum('CAST(customs_value_rub AS DOUBLE) * greatest(0, typical_rate - duty_rate)')}
        FILTER (WHERE inspectable AND coalesce(preference, '') <> '' AND dispatch_country IS NOT NULL AND dispatch_country <> origin_country) AS pref_at_stake
    FROM (SELECT i.*, t.rate AS typical_rate FROM ${ITEM_TABLES.itemDuties} i LEFT JOIN typical t USING (hs_code) WHERE i.is_payment) GROUP BY inn
  ), pref_own AS (
    SELECT inn, origin_country, count(*) AS n,
      count(*) FILTER (WHERE dispatch_country IS NOT NULL AND dispatch_country <> origin_country) AS x
    FROM ${d} WHERE in_window AND is_payment AND coalesce(preference, '') <> '' GROUP BY ALL
  ), pref_excess AS (
    SELECT inn, sum(x) AS x, ${exactSum('n * r')} AS e, ${exactSum('n * r * (1 - r)')} AS v
    FROM (SELECT o.inn, o.n, o.x, (a.x - o.x + 0.5) / (a.n - o.n + 1) AS r
      FROM pref_own o JOIN (SELECT origin_country, sum(x) AS x, sum(n) AS n FROM pref_own GROUP BY ALL) a USING (origin_country))
    GROUP BY inn
  )
  SELECT u.inn,
    CAST(gap.duty_rate_gap AS DOUBLE) AS duty_rate_gap,
    CAST(mix.mix_window - mix.mix_history AS DOUBLE) AS duty_code_mix_shift,
    CAST(coalesce(gap.mismatch, 0) AS DOUBLE) AS pref_dispatch_mismatch_share,
    (pref_excess.x - CAST(pref_excess.e AS DOUBLE)) / sqrt(CAST(pref_excess.v AS DOUBLE)) AS pref_dispatch_excess_z,
    CAST(coalesce(gap.duty_gap_at_stake, 0) AS DOUBLE) AS duty_gap_at_stake_rub,
    CAST(coalesce(gap.mismatch_value, 0) AS DOUBLE) AS pref_mismatch_value_rub,
    CAST(coalesce(gap.pref_at_stake, 0) AS DOUBLE) AS pref_mismatch_at_stake_rub,
    CAST(coalesce(qoff.n_off, 0) AS DOUBLE) AS qty_per_kg_off_code_items,
    CAST(coalesce(qoff.v_off, 0) AS DOUBLE) AS qty_per_kg_off_code_value_rub,
    CAST(coalesce(qoff.at_stake, 0) AS DOUBLE) AS qty_per_kg_off_code_at_stake_rub
  FROM ${AS_OF_TABLES.universe} u LEFT JOIN gap USING (inn) LEFT JOIN mix USING (inn) LEFT JOIN pref_excess USING (inn) LEFT JOIN qoff USING (inn)`;
}

/** TEMP table: the typical duty rate of each code as of the date (hs_code, rate). */
const TYPICAL_RATES = 'ccrg_typical_rate';

/**
 * The typical duty rate of each code: the value-weighted median effective
 * rate of every payment-procedure item released by the as-of date, from the
 * store's per-month code rates for the months they serve and from the items
 * for the others (exact sums: the same bits either way).
 */
function prepare(params: FeatureParams, context: PrepareContext): string[] {
  const payment = quoteLiteralList(params.paymentProcedures);
  // Clean months have ended by the as-of date.
  const served = [...context.cleanMonths].sort();
  const fromItems = `SELECT * FROM ${AS_OF_TABLES.declarations} WHERE is_payment${
    served.length === 0 ? '' : ` AND CAST(date_trunc('month', release_date) AS DATE) NOT IN (${served.map(sqlDate).join(', ')})`
  }`;
  const months = [
    `SELECT hs_code, rate, v FROM (${CODE_RATES.select(fromItems, 'true')})`,
    ...(served.length === 0 ? [] : [`SELECT hs_code, rate, v FROM ${CODE_RATES.table} WHERE procedure IN (${payment}) AND release_month IN (${served.map(sqlDate).join(', ')})`]),
  ];
  return [
    `CREATE OR REPLACE TEMP TABLE ${TYPICAL_RATES} AS
     WITH rates AS (
       SELECT hs_code, rate, sum(v) AS v FROM (${months.join(' UNION ALL ')}) GROUP BY ALL
     ), cum AS (
       SELECT *, sum(v) OVER (PARTITION BY hs_code ORDER BY rate ROWS UNBOUNDED PRECEDING) AS c, sum(v) OVER (PARTITION BY hs_code) AS total FROM rates
     )
     SELECT hs_code, min(rate) FILTER (WHERE c * 2 >= total) AS rate FROM cum GROUP BY hs_code`,
  ];
}

/** Family 4: duty paid against peers and own history; quantity per kg against the declared code; preference claims against the dispatch country. */
export const dutyRate: FeatureFamily = {
  id: family,
  description: 'Effective duty rate against peers of the same code and preference status, code-mix shift towards lower-duty codes, quantity per kg off the declared code, preference with a different dispatch country.',
  needs: ['declarations'],
  features: FEATURES,
  sql,
  prepare,
  preparedTables: [TYPICAL_RATES],
};
