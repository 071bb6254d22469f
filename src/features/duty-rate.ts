import { AS_OF_TABLES } from './as-of-tables.js';
import { ITEM_TABLES, exactSum } from './item-signals.js';
import type { FeatureDef, FeatureFamily } from './types.js';

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
];

function sql(): string {
  const d = AS_OF_TABLES.declarations;
  return `WITH rates AS (
    SELECT hs_code, round(CAST(duty_rub AS DOUBLE) / CAST(customs_value_rub AS DOUBLE), 6) AS rate, sum(customs_value_rub) AS v
    FROM ${d} WHERE is_payment AND customs_value_rub > 0 AND duty_rub IS NOT NULL GROUP BY ALL
  ), cum AS (
    SELECT *, sum(v) OVER (PARTITION BY hs_code ORDER BY rate ROWS UNBOUNDED PRECEDING) AS c, sum(v) OVER (PARTITION BY hs_code) AS total FROM rates
  ), typical AS (
    SELECT hs_code, min(rate) FILTER (WHERE c * 2 >= total) AS rate FROM cum GROUP BY hs_code
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
      1.2 * ${exactSum('CAST(customs_value_rub AS DOUBLE) * greatest(0, peer_duty_rate - duty_rate)')} FILTER (WHERE inspectable AND peer_duty_rate IS NOT NULL) AS duty_gap_at_stake
    FROM ${ITEM_TABLES.items} WHERE is_payment GROUP BY inn
  ), pref AS (
    SELECT i.inn, 1.2 * ${exactSum('CAST(i.customs_value_rub AS DOUBLE) * greatest(0, t.rate - i.duty_rate)')} AS at_stake
    FROM ${ITEM_TABLES.items} i JOIN typical t USING (hs_code)
    WHERE i.is_payment AND i.inspectable AND coalesce(i.preference, '') <> '' AND i.dispatch_country IS NOT NULL AND i.dispatch_country <> i.origin_country
    GROUP BY i.inn
  )
  SELECT u.inn,
    CAST(gap.duty_rate_gap AS DOUBLE) AS duty_rate_gap,
    CAST(mix.mix_window - mix.mix_history AS DOUBLE) AS duty_code_mix_shift,
    CAST(coalesce(gap.mismatch, 0) AS DOUBLE) AS pref_dispatch_mismatch_share,
    CAST(coalesce(gap.duty_gap_at_stake, 0) AS DOUBLE) AS duty_gap_at_stake_rub,
    CAST(coalesce(gap.mismatch_value, 0) AS DOUBLE) AS pref_mismatch_value_rub,
    CAST(coalesce(pref.at_stake, 0) AS DOUBLE) AS pref_mismatch_at_stake_rub
  FROM ${AS_OF_TABLES.universe} u LEFT JOIN gap USING (inn) LEFT JOIN mix USING (inn) LEFT JOIN pref USING (inn)`;
}

/** Family 4: duty paid against peers and own history; preference claims against the dispatch country. */
export const dutyRate: FeatureFamily = {
  id: family,
  description: 'Effective duty rate against peers of the same code and preference status, code-mix shift towards lower-duty codes, preference with a different dispatch country.',
  needs: ['declarations'],
  features: FEATURES,
  sql,
};
