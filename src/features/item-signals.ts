import { exactSum, sqlDate } from '../io/sql.js';
import { AS_OF_TABLES } from './as-of-tables.js';
import type { FeatureParams } from './types.js';
import { isoDate } from '../util/period.js';

/** TEMP tables of the item-level peer comparison (base..medians are dropped once ref is built); `items`, the item table handed to scoring, is a TEMP view. */
export const ITEM_TABLES = {
  /** Window items with a unit value: inn, peer_block, group keys k1..k3 (integers, see {@link peerKeySql}), uv (RUB per kg). */
  base: 'ccrg_uv_base',
  /** Per (peer_block, hs10+origin, inn): the peer level chosen and the peer counts at that level. */
  choice: 'ccrg_peer_choice',
  /** Per (level, peer_block, group): the median unit value of all its items. */
  groupMedians: 'ccrg_peer_group_median',
  /** Per (level, peer_block, group, inn): the median unit value of the OTHER importers' items. */
  medians: 'ccrg_peer_median',
  /** Per (peer_block, hs10, preference group): value-weighted median effective duty rate. */
  dutyPeers: 'ccrg_duty_peers',
  /** Per (peer_block, inn, k1: the code and origin as {@link peerKeySql}): peer level, counts and the peer median. */
  ref: 'ccrg_peer_ref',
  /** TEMP view: the item table handed to scoring, evidence and explain (every column of {@link itemViewSql}). */
  items: 'ccrg_item_signals',
  /** TEMP view: the item table without the peer duty rate (what the unit-value family reads). */
  itemPrices: 'ccrg_item_prices',
  /** TEMP view: the item table without the unit-value peer comparison (what the duty-rate family reads). */
  itemDuties: 'ccrg_item_duties',
} as const;

/** The ITEM_TABLES roles that are views, not tables. */
export const ITEM_VIEWS: ReadonlySet<keyof typeof ITEM_TABLES> = new Set(['items', 'itemPrices', 'itemDuties']);

/**
 * Own share of a peer group above which the participant's own items are removed exactly
 * from its peer median; at or below it the whole group's median stands in. The others'
 * median then sits within s / (2(1 - s)) quantile ranks of the group median (s = own
 * share, at most 0.05: within the 47.4%..52.6% quantiles), so the error vanishes as the
 * share does.
 */
const OWN_SHARE_EXACT = 0.05;

/** Peer levels, finest first; `none` when even the coarsest group is too small. */
export const PEER_LEVELS = ['hs10+origin', 'hs6', 'hs4'] as const;


/**
 * {@link exactSum} over the rows where `when` holds, as DOUBLE (NULL when none does, as a FILTER gives).
 * The condition is a CASE inside the cast, not a FILTER: DuckDB casts every row's value before it filters,
 * so a row outside the filter with an infinite value would fail the cast.
 */
export function exactDoubleSum(expr: string, when = 'true', scale = 6): string {
  return `CAST(${exactSum(when === 'true' ? expr : `CASE WHEN ${when} THEN ${expr} END`, scale)} AS DOUBLE)`;
}

/**
 * SQL of an item's `inspectable_until` date: its release date plus the
 * post-release control limit (`controlYears`) less the lead time
 * (`leadMonths`). An item is inspectable as of a date on or before it.
 */
export function inspectableUntilSql(releaseDate: string, params: Pick<FeatureParams, 'controlYears' | 'leadMonths'>): string {
  return `CAST(${releaseDate} + INTERVAL ${params.controlYears * 12 - params.leadMonths} MONTH AS DATE)`;
}

/**
 * SQL predicate "the item is inspectable as of the date" (inspectable_until on
 * or after it) as a comparison of the release date with a constant: adding
 * months never moves a later date before an earlier one, so the items whose
 * release date plus the limit reaches the as-of date are exactly those released
 * on or after the first such day. Cheaper than {@link inspectableUntilSql} on
 * millions of rows.
 */
export function inspectableSql(releaseDate: string, params: Pick<FeatureParams, 'asOf' | 'controlYears' | 'leadMonths'>): string {
  return `${releaseDate} >= ${sqlDate(firstInspectableDay(params))}`;
}

/** The first release day (YYYY-MM-DD) of the items inspectable as of the date (see {@link inspectableSql}). */
export function firstInspectableDay(params: Pick<FeatureParams, 'asOf' | 'controlYears' | 'leadMonths'>): string {
  const months = params.controlYears * 12 - params.leadMonths;
  const asOf = Date.parse(`${params.asOf}T00:00:00Z`);
  const day = 86_400_000;
  // The first day d with d + months (day clamped to the month's end, as DuckDB adds intervals) >= as-of;
  // it lies within a few days after as-of − months.
  const plusMonths = (t: number): number => {
    const d = new Date(t);
    const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
    const last = new Date(Date.UTC(Math.floor(total / 12), (total % 12) + 1, 0)).getUTCDate();
    return Date.UTC(Math.floor(total / 12), total % 12, Math.min(d.getUTCDate(), last));
  };
  const back = new Date(asOf);
  let first = Date.UTC(back.getUTCFullYear(), back.getUTCMonth() - months, 1) - 31 * day;
  while (plusMonths(first) < asOf) first += day;
  return isoDate(new Date(first));
}

/**
 * SQL of the number of the item table's items without a unit value (no customs value or no weight),
 * counted on the as-of declarations: the item table holds one row per window item, and its join with
 * the peer reference would cost a second pass (4 s of a batch on the benchmark store).
 */
export function unpricedItemsSql(): string {
  return `SELECT count(*) FILTER (WHERE NOT coalesce(customs_value_rub > 0 AND net_weight_kg > 0, false)) AS n
    FROM ${AS_OF_TABLES.declarations} WHERE in_window`;
}

/**
 * SQL of the finest peer group's key (hs10 code and origin) as one BIGINT,
 * distinct for distinct (code, origin) pairs: the code's digits with its
 * length (6 to 10 digits, validated at ingest: below 2^38), then the
 * origin's bytes (2 or 3 characters 0-9 and A-Z, validated: below 2^23; 0
 * when NULL). Grouping and joining 20M items by an integer instead of the
 * text `code|origin` (13 characters: too long to be stored inline) made
 * the peer reference a third faster on the benchmark store.
 */
export function peerKeySql(hsCode: string, origin: string): string {
  return `((CAST(${hsCode} AS BIGINT) * 16 + length(${hsCode})) * ${2 ** 23} + coalesce(CAST('0x' || hex(${origin}) AS BIGINT), 0))`;
}

/**
 * Statements that build the item table.
 *
 * Unit value = customs_value_rub / net_weight_kg. Peers of an item are the items of OTHER
 * importers in the same peer block (the `peerWindowMonths` calendar months, counted back
 * from the as-of month, that hold the item's release month) and group: hs10+origin, else
 * hs6, else hs4 (all origins), the first with >= peerMinItems items from >= peerMinImporters
 * other importers. The participant's own items are excluded exactly where they are more than
 * {@link OWN_SHARE_EXACT} of the group (the median of the others' items); at or below that
 * share the whole group's median stands in.
 */
export function itemSignalStatements(params: FeatureParams): string[] {
  const t = ITEM_TABLES;
  const d = AS_OF_TABLES.declarations;
  const minItems = params.peerMinItems;
  const minImp = params.peerMinImporters;
  const enough = (n: string, k: string, m: string): string => `(${n} - ${k} >= ${minItems} AND ${m} - 1 >= ${minImp})`;
  const levelKey = (alias: string): string => `CASE ${alias}.level WHEN 1 THEN ${alias}.k1 WHEN 2 THEN ${alias}.k2 ELSE ${alias}.k3 END`;
  return [
    `CREATE OR REPLACE TEMP TABLE ${t.base} AS
     SELECT inn, peer_block,
       ${peerKeySql('hs_code', 'origin_country')} AS k1, CAST(left(hs_code, 6) AS INTEGER) AS k2, CAST(left(hs_code, 4) AS INTEGER) AS k3,
       CAST(customs_value_rub AS DOUBLE) / net_weight_kg AS uv
     FROM ${d} WHERE in_window AND customs_value_rub > 0 AND net_weight_kg > 0`,
    // Level 1 (hs10+origin) serves most pairs: the coarser levels are joined only for the pairs it does not serve
    // (the four joins over every pair cost 0.6 s of 3.5-4.1 s on the benchmark store).
    `CREATE OR REPLACE TEMP TABLE ${t.choice} AS
     WITH p1 AS MATERIALIZED (SELECT peer_block, k1, k2, k3, inn, count(*) AS k FROM ${t.base} GROUP BY ALL),
     g1 AS (SELECT peer_block, k1, sum(k) AS n, count(*) AS m FROM p1 GROUP BY ALL),
     c1 AS MATERIALIZED (
       SELECT p1.*, g1.n - p1.k AS o1, g1.m - 1 AS i1, ${enough('g1.n', 'p1.k', 'g1.m')} AS served
       FROM p1 JOIN g1 USING (peer_block, k1)
     ),
     p2 AS (SELECT peer_block, k2, inn, sum(k) AS k FROM p1 GROUP BY ALL),
     g2 AS (SELECT peer_block, k2, sum(k) AS n, count(*) AS m FROM p2 GROUP BY ALL),
     p3 AS (SELECT peer_block, k3, inn, sum(k) AS k FROM p2 JOIN (SELECT DISTINCT k2, k3 FROM p1) USING (k2) GROUP BY ALL),
     g3 AS (SELECT peer_block, k3, sum(k) AS n, count(*) AS m FROM p3 GROUP BY ALL),
     coarse AS (
       SELECT c1.peer_block, c1.k1, c1.k2, c1.k3, c1.inn,
         CASE WHEN ${enough('g2.n', 'p2.k', 'g2.m')} THEN 2
              WHEN ${enough('g3.n', 'p3.k', 'g3.m')} THEN 3 ELSE 0 END AS level,
         p2.k AS p2k, p3.k AS p3k, g2.n - p2.k AS o2, g2.m - 1 AS i2, g3.n - p3.k AS o3, g3.m - 1 AS i3
       FROM (SELECT * FROM c1 WHERE NOT served) c1
         JOIN p2 USING (peer_block, k2, inn) JOIN g2 USING (peer_block, k2)
         JOIN p3 USING (peer_block, k3, inn) JOIN g3 USING (peer_block, k3)
     )
     SELECT peer_block, k1, k2, k3, inn, 1 AS level, k AS own_items, o1 AS peer_items, i1 AS peer_importers FROM c1 WHERE served
     UNION ALL
     SELECT peer_block, k1, k2, k3, inn, level,
       CASE level WHEN 2 THEN p2k WHEN 3 THEN p3k END AS own_items,
       CASE level WHEN 2 THEN o2 WHEN 3 THEN o3 END AS peer_items,
       CASE level WHEN 2 THEN i2 WHEN 3 THEN i3 END AS peer_importers
     FROM coarse`,
    // Level 1 for every group: a grouped pass over the items costs less than finding the groups a pair chose first
    // (1.1-1.2 s against 1.4-1.8 s on the benchmark store); the groups no pair chose are never joined.
    `CREATE OR REPLACE TEMP TABLE ${t.groupMedians} AS
     WITH needed AS (SELECT DISTINCT level, peer_block, ${levelKey('c')} AS k FROM ${t.choice} c WHERE level > 1)
     SELECT 1 AS level, peer_block, k1 AS k, quantile_cont(uv, 0.5) AS median_uv FROM ${t.base} GROUP BY ALL
     UNION ALL
     ${[2, 3]
       .map(
         (level) => `SELECT ${level} AS level, b.peer_block, b.k${level} AS k, quantile_cont(b.uv, 0.5) AS median_uv
     FROM ${t.base} b SEMI JOIN (SELECT peer_block, k FROM needed WHERE level = ${level}) n
       ON n.peer_block = b.peer_block AND n.k = b.k${level}
     GROUP BY ALL`,
       )
       .join('\n     UNION ALL\n     ')}`,
    `CREATE OR REPLACE TEMP TABLE ${t.medians} AS
     WITH pairs AS (
       SELECT DISTINCT level, peer_block, ${levelKey('c')} AS k, inn, own_items, peer_items FROM ${t.choice} c WHERE level > 0
     ), heavy AS MATERIALIZED (
       -- Numbered: the others' items are grouped by one integer, not by the pair's four keys (7.7 s -> 6.0 s on the benchmark store).
       SELECT level, peer_block, k, inn, row_number() OVER () AS pair FROM pairs WHERE own_items > ${OWN_SHARE_EXACT} * (own_items + peer_items)
     ), exact_by_pair AS (
       SELECT pair, quantile_cont(uv, 0.5) AS median_uv FROM (
         ${[1, 2, 3]
           .map(
             (level) => `SELECT h.pair, b.uv FROM (SELECT * FROM heavy WHERE level = ${level}) h
           JOIN ${t.base} b ON b.peer_block = h.peer_block AND b.k${level} = h.k AND b.inn <> h.inn`,
           )
           .join('\n         UNION ALL\n         ')}
       ) GROUP BY pair
     ), exact AS (
       SELECT h.level, h.peer_block, h.k, h.inn, e.median_uv FROM heavy h JOIN exact_by_pair e USING (pair)
     )
     SELECT p.level, p.peer_block, p.k, p.inn, coalesce(e.median_uv, g.median_uv) AS median_uv, e.median_uv IS NOT NULL AS exact
     FROM pairs p JOIN ${t.groupMedians} g USING (level, peer_block, k)
       LEFT JOIN exact e USING (level, peer_block, k, inn)`,
    `CREATE OR REPLACE TEMP TABLE ${t.dutyPeers} AS
     WITH r AS (
       SELECT peer_block, hs_code, coalesce(preference, '') <> '' AS pref,
         round(CAST(duty_rub AS DOUBLE) / CAST(customs_value_rub AS DOUBLE), 6) AS rate, sum(customs_value_rub) AS v
       FROM ${d} WHERE in_window AND is_payment AND customs_value_rub > 0 AND duty_rub IS NOT NULL
       GROUP BY ALL
     ), c AS (
       SELECT *, sum(v) OVER (PARTITION BY peer_block, hs_code, pref ORDER BY rate ROWS UNBOUNDED PRECEDING) AS cum,
         sum(v) OVER (PARTITION BY peer_block, hs_code, pref) AS total
       FROM r
     )
     SELECT peer_block, hs_code, pref, min(rate) FILTER (WHERE cum * 2 >= total) AS peer_duty_rate
     FROM c GROUP BY ALL`,
    `CREATE OR REPLACE TEMP TABLE ${t.ref} AS
     SELECT c.peer_block, c.inn, c.k1,
       c.level, c.peer_items, c.peer_importers, m.median_uv
     FROM ${t.choice} c LEFT JOIN ${t.medians} m
       ON m.level = c.level AND m.peer_block = c.peer_block AND m.inn = c.inn AND m.k = ${levelKey('c')}`,
    // Consumed by ref: dropped so their memory serves the family queries.
    ...[t.base, t.choice, t.groupMedians, t.medians].map((name) => `DROP TABLE IF EXISTS ${name}`),
    // Views, not tables: a copy of ~20M items with 29 columns cost more time and memory than
    // evaluating the join on each of the few reads (filters and columns push down). A family reads
    // the view with only the join it needs: DuckDB keeps an unused LEFT JOIN (it cannot know the
    // right side is unique), and each costs a pass over the window's items.
    `CREATE OR REPLACE TEMP VIEW ${t.items} AS ${itemViewSql(params, { peers: true, dutyPeers: true })}`,
    `CREATE OR REPLACE TEMP VIEW ${t.itemPrices} AS ${itemViewSql(params, { peers: true, dutyPeers: false })}`,
    `CREATE OR REPLACE TEMP VIEW ${t.itemDuties} AS ${itemViewSql(params, { peers: false, dutyPeers: true })}`,
  ];
}

/**
 * SELECT of the item table: one row per window item (the peer reference and the peer duty rates
 * are unique on their join keys). `peers` adds the unit-value peer comparison (unit_value_log_dev,
 * peer_median_unit_value_rub_per_kg, peer_level, peer_items, peer_importers, item_at_stake_rub),
 * `dutyPeers` the peer duty rate (peer_duty_rate); the other columns are the same either way.
 */
function itemViewSql(params: FeatureParams, parts: { peers: boolean; dutyPeers: boolean }): string {
  const t = ITEM_TABLES;
  const d = AS_OF_TABLES.declarations;
  const peerColumns = parts.peers
    ? [
        'round(ln(i.uv / i.median_uv), 6) AS unit_value_log_dev',
        'round(i.median_uv, 2) AS peer_median_unit_value_rub_per_kg',
        `CASE WHEN NOT i.priced THEN 'none' ${PEER_LEVELS.map((name, n) => `WHEN i.level = ${n + 1} THEN '${name}'`).join(' ')} ELSE 'none' END AS peer_level`,
        'CASE WHEN i.priced AND i.level > 0 THEN CAST(i.peer_items AS INTEGER) END AS peer_items',
        'CASE WHEN i.priced AND i.level > 0 THEN CAST(i.peer_importers AS INTEGER) END AS peer_importers',
      ]
    : [];
  const atStake = parts.peers
    ? [
        `CASE WHEN i.inspectable AND i.is_payment AND i.median_uv IS NOT NULL AND i.uv < i.median_uv
         THEN round((i.median_uv * i.net_weight_kg - CAST(i.customs_value_rub AS DOUBLE))
           * (coalesce(i.duty_rate, 0) + (1 + coalesce(i.duty_rate, 0))
              * coalesce(CAST(i.import_vat_rub AS DOUBLE) / nullif(CAST(i.customs_value_rub + coalesce(i.duty_rub, 0) + coalesce(i.excise_rub, 0) AS DOUBLE), 0), 0)), 2)
         ELSE 0 END AS item_at_stake_rub`,
      ]
    : [];
  const columns = [
    'i.decl_id, i.item_no, i.version, i.inn, i.release_date, i.inspectable_until',
    'i.inspectable',
    'i.procedure, i.is_payment, i.hs_code, i.origin_country, i.dispatch_country, i.preference, i.customs_office',
    'i.customs_value_rub, i.net_weight_kg, i.duty_rub, i.import_vat_rub, i.excise_rub, i.valuation_method',
    'round(i.uv, 2) AS unit_value_rub_per_kg',
    ...peerColumns,
    'i.duty_rate',
    ...(parts.dutyPeers ? ['CASE WHEN i.duty_rate IS NOT NULL THEN dp.peer_duty_rate END AS peer_duty_rate'] : []),
    ...atStake,
  ];
  const peerInputs = parts.peers
    ? `,
         c.level, c.peer_items, c.peer_importers,
         -- An item declared at no value (a free sample) or without a weight has no unit value: compared with nothing.
         CASE WHEN i.customs_value_rub > 0 AND i.net_weight_kg > 0 THEN c.median_uv END AS median_uv,
         i.customs_value_rub > 0 AND i.net_weight_kg > 0 AS priced`
    : '';
  const peerJoin = parts.peers
    ? `LEFT JOIN ${t.ref} c ON c.peer_block = i.peer_block AND c.inn = i.inn AND c.k1 = ${peerKeySql('i.hs_code', 'i.origin_country')}`
    : '';
  const dutyJoin = parts.dutyPeers
    ? `LEFT JOIN ${t.dutyPeers} dp ON dp.peer_block = i.peer_block AND dp.hs_code = i.hs_code
       AND dp.pref = (coalesce(i.preference, '') <> '')`
    : '';
  return `WITH i AS (
       SELECT i.*, CAST(i.customs_value_rub AS DOUBLE) / i.net_weight_kg AS uv,
         ${inspectableUntilSql('i.release_date', params)} AS inspectable_until,
         CASE WHEN i.is_payment AND i.customs_value_rub > 0 AND i.duty_rub IS NOT NULL
           THEN round(CAST(i.duty_rub AS DOUBLE) / CAST(i.customs_value_rub AS DOUBLE), 6) END AS duty_rate${peerInputs}
       FROM ${d} i ${peerJoin}
       WHERE i.in_window
     )
     SELECT ${columns.join(',\n       ')}
     FROM (SELECT *, ${inspectableSql('release_date', params)} AS inspectable FROM i) i ${dutyJoin}`;
}
