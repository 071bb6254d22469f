import { quoteIdent } from '../../../io/sql.js';
import { checkHistoryRateSpec, entityPartSql, type HistoryRateSpec } from './spec.js';

/** Options of {@link entityRatesSql}. */
export interface EntityRatesOptions {
  /** false: rows in any order (for a reader that places them by example_id). */
  ordered?: boolean;
  /**
   * Indexes into the spec's entities whose features are selected (with the
   * parents they need computed but not output); default all. A caller may
   * read the features in a few narrower queries instead of one wide one.
   */
  entities?: readonly number[];
}

/**
 * SQL computing each example's entity history rates from labels known
 * strictly before the example's as-of date: an expanding window in time.
 *
 * `examplesTable` holds one row per example: `example_id` (unique), `as_of`
 * (DATE, not NULL) and the columns the spec's entities read (`importer_inn`,
 * `customs_representative_inn`, `hs_code`, `origin_country`,
 * `customs_office`, and `extra_cat` for extra entities). `labelledTable` has
 * the columns of `labelledItemsSql` (materialise it first, e.g. as a TEMP
 * table); only labels with `known_date < as_of` are used, so a label
 * known on the as-of date or later, the example's own included, never is.
 *
 * For every entity e of the spec, with key k(x) of the example x:
 * - `hist_<e>_n` = number of labelled items with key k(x) known before as_of
 *   (0 for no history);
 * - `hist_<e>_rate` = (violations among them + m · base) / (n + m), m the
 *   spec's smoothing; base = the example's rate of e's parent entity (an
 *   HS code's heading, a pair's first id), itself smoothed the same way,
 *   or, without a parent or a parent key, the prior = violation rate of
 *   all labelled items known before as_of (DOUBLE). With n = 0 it is the
 *   base: an unknown or rare id falls back to the coarser level.
 * Both are NULL when the example's key has an empty part (no customs
 * representative, an HS code shorter than the prefix, a missing extra
 * value); the rate is NULL when no label at all is known before as_of.
 *
 * One row per example, ordered by example_id (in any order with
 * `ordered: false`, for a reader that places rows by their id):
 * `example_id`, then the features in `historyRateFeatureNames(spec)` order. Cost: one
 * cumulative-sum table per entity over (key, known_date) and one ASOF join
 * per entity, O((examples + labels) · log) rather than examples × labels.
 */
export function entityRatesSql(examplesTable: string, labelledTable: string, spec: HistoryRateSpec, options: EntityRatesOptions = {}): string {
  checkHistoryRateSpec(spec);
  const m = String(spec.smoothing);
  const all = spec.entities.map((e, i) => {
    const keys = e.parts.map((_, j) => `k${i}_${j}`);
    return { def: e, alias: `c${i}`, keys, exprs: (alias: string) => e.parts.map((p, j) => `${entityPartSql(p, alias)} AS ${keys[j]!}`) };
  });
  type Entity = (typeof all)[number];
  const byId = new Map(all.map((e) => [e.def.id, e]));
  const parentOf = (e: Entity): Entity | undefined => (e.def.parent === undefined ? undefined : byId.get(e.def.parent));
  const selected = options.entities === undefined ? all : options.entities.map((i) => all[i]).filter((e) => e !== undefined);
  // The selected entities and the parents their rates are smoothed towards, in spec order.
  const needed = new Set<Entity>();
  for (const e of selected) {
    for (let at: Entity | undefined = e; at !== undefined && !needed.has(at); at = parentOf(at)) needed.add(at);
  }
  const entities = all.filter((e) => needed.has(e));
  const exKeys = entities.flatMap((e) => e.exprs('x'));
  const labKeys = entities.flatMap((e) => e.exprs('l'));
  const cumulative = entities.map((e) => {
    const keyList = e.keys.join(', ');
    return `${e.alias} AS (
    SELECT ${keyList}, known_date,
      sum(n) OVER w AS cn, sum(v) OVER w AS cv
    FROM (SELECT ${keyList}, known_date, count(*) AS n, sum(violation) AS v FROM lab
      WHERE ${e.keys.map((k) => `${k} IS NOT NULL`).join(' AND ')} GROUP BY ${keyList}, known_date)
    WINDOW w AS (PARTITION BY ${keyList} ORDER BY known_date ROWS UNBOUNDED PRECEDING)
  )`;
  });
  // Each entity is looked up once per distinct (key, as_of) of the examples, with the keys of
  // its parent chain (the parent's rate is looked up the same way), then joined back to the
  // examples: a month's 1.5M items share few HS codes or origins per day, so most lookups are
  // small. Chaining the ASOF joins instead re-sorted ever wider rows (15 s instead of 6 s for 11
  // entities on 10^6 examples).
  const chainOf = (e: Entity): string[] => {
    const parent = parentOf(e);
    return [...e.keys, ...(parent === undefined ? [] : chainOf(parent))];
  };
  const same = (a: string, b: string, keys: readonly string[]): string => keys.map((k) => `${a}.${k} IS NOT DISTINCT FROM ${b}.${k}`).join(' AND ');
  const lookups = entities.map((e) => {
    const n = `coalesce(c.cn, 0)`;
    const parent = parentOf(e);
    const base = parent === undefined ? 'p.prior' : `coalesce(b.rate, p.prior)`;
    const chain = chainOf(e);
    return `r${e.alias} AS (
    SELECT u.as_of, ${chain.map((k) => `u.${k}`).join(', ')},
      (coalesce(c.cv, 0)::DOUBLE + ${m} * ${base}) / (${n}::DOUBLE + ${m}) AS rate,
      ${n}::INTEGER AS n
    FROM (SELECT DISTINCT as_of, ${chain.join(', ')} FROM ex WHERE ${e.keys.map((k) => `${k} IS NOT NULL`).join(' AND ')}) u
    LEFT JOIN pd p ON p.as_of = u.as_of${
      parent === undefined
        ? ''
        : `
    LEFT JOIN r${parent.alias} b ON b.as_of = u.as_of AND ${same('b', 'u', chainOf(parent))}`
    }
    ASOF LEFT JOIN ${e.alias} c ON ${e.keys.map((k) => `u.${k} = c.${k}`).join(' AND ')} AND u.as_of > c.known_date
  )`;
  });
  const features = selected.flatMap((e) => [`r${e.alias}.rate AS ${quoteIdent(`hist_${e.def.id}_rate`)}`, `r${e.alias}.n AS ${quoteIdent(`hist_${e.def.id}_n`)}`]);
  return `WITH ex AS MATERIALIZED (
    SELECT x.example_id, x.as_of, ${exKeys.join(', ')} FROM ${quoteIdent(examplesTable)} x
  ),
  lab AS MATERIALIZED (
    SELECT l.known_date, l.violation, ${labKeys.join(', ')} FROM ${quoteIdent(labelledTable)} l
    WHERE l.known_date IS NOT NULL AND l.violation IS NOT NULL
  ),
  pr AS (
    SELECT known_date, sum(v) OVER w / sum(n) OVER w AS prior
    FROM (SELECT known_date, count(*) AS n, sum(violation)::DOUBLE AS v FROM lab GROUP BY known_date)
    WINDOW w AS (ORDER BY known_date ROWS UNBOUNDED PRECEDING)
  ),
  pd AS MATERIALIZED (
    SELECT d.as_of, p.prior FROM (SELECT DISTINCT as_of FROM ex) d ASOF LEFT JOIN pr p ON d.as_of > p.known_date
  ),
  ${cumulative.join(',\n  ')},
  ${lookups.join(',\n  ')}
  SELECT ex.example_id, ${features.join(', ')}
  FROM ex
  ${selected.map((e) => `LEFT JOIN r${e.alias} ON r${e.alias}.as_of = ex.as_of AND ${same(`r${e.alias}`, 'ex', chainOf(e))}`).join('\n  ')}
  ${options.ordered === false ? '' : 'ORDER BY ex.example_id'}`;
}
