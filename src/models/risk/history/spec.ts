import {
  addedPairId,
  BUILT_IN_PAIRS,
  isSellerColumn,
  NO_ENTITY_PAIR_CHANGES,
  sellerPair,
  sellerPairId,
  type BuiltInPairId,
  type EntityPairs,
} from '../../../config/entity-pairs.js';
import { quoteLiteral } from '../../../io/sql.js';

/** Declaration columns that can key an entity as they are. */
export type EntityColumn = 'importer_inn' | 'customs_representative_inn' | 'origin_country' | 'dispatch_country' | 'customs_office' | 'hs_code';

/**
 * One part of an entity key, read from a row of the examples or of the
 * labelled items:
 * - `column`: a declaration column as stored;
 * - `hs`: the first `digits` digits of `hs_code` (NULL when the code is
 *   shorter, so a 6-digit generic code has no 10-digit entity);
 * - `extra`: the value of the `extra_cat` map under a source column name
 *   (the mapping's `extra_categorical`).
 */
export type EntityPart =
  | { readonly kind: 'column'; readonly column: EntityColumn }
  | { readonly kind: 'hs'; readonly digits: number }
  | { readonly kind: 'extra'; readonly name: string };

/**
 * An entity whose past violation rate is a feature: `id` names the
 * features (`hist_<id>_rate`, `hist_<id>_n`); `parts` make its key (two or
 * more parts make a pair entity, e.g. HS6 × origin). A row whose key has an
 * empty part belongs to no entity of this kind.
 */
export interface EntityDef {
  readonly id: string;
  readonly parts: readonly EntityPart[];
  /**
   * The coarser entity the rate is smoothed towards (an HS code towards its
   * heading, a pair towards its first id), listed earlier in the spec; the
   * prior of all labels when absent, or when the example has no key for it.
   */
  readonly parent?: string;
}

/** What `entityRatesSql` computes: the entities and the smoothing weight m. */
export interface HistoryRateSpec {
  readonly entities: readonly EntityDef[];
  /**
   * Pseudo-count m of the Bayesian smoothing
   * rate = (violations + m · prior) / (n + m): an entity with n labelled
   * items is pulled toward the prior as if it had m more items at the prior
   * rate. Must be > 0. Default 20.
   */
  readonly smoothing: number;
}

const column = (c: EntityColumn): EntityPart => ({ kind: 'column', column: c });
const hs = (digits: number): EntityPart => ({ kind: 'hs', digits });

/** Default smoothing pseudo-count m. */
export const DEFAULT_HISTORY_SMOOTHING = 20;

/** A built-in pair (src/config/entity-pairs.ts, which a mapping may remove) with the entity it is smoothed towards. */
const builtInPair = (id: BuiltInPairId, parent: string): EntityDef => ({ id, parts: BUILT_IN_PAIRS[id], parent });

/** The built-in entities, in feature order. */
export const DEFAULT_HISTORY_ENTITIES: readonly EntityDef[] = [
  { id: 'importer_inn', parts: [column('importer_inn')] },
  { id: 'customs_representative_inn', parts: [column('customs_representative_inn')] },
  { id: 'hs2', parts: [hs(2)] },
  { id: 'hs4', parts: [hs(4)], parent: 'hs2' },
  { id: 'hs6', parts: [hs(6)], parent: 'hs4' },
  { id: 'hs10', parts: [hs(10)], parent: 'hs6' },
  { id: 'origin_country', parts: [column('origin_country')] },
  { id: 'dispatch_country', parts: [column('dispatch_country')] },
  { id: 'customs_office', parts: [column('customs_office')] },
  builtInPair('hs6_origin', 'hs6'),
  builtInPair('hs10_origin', 'hs10'),
  // The route: goods of one origin shipped from another country (transshipment).
  builtInPair('origin_dispatch', 'origin_country'),
  // Pairs of ids: a firm's record with one kind of goods, a broker's with one client.
  builtInPair('importer_hs6', 'importer_inn'),
  builtInPair('representative_importer', 'importer_inn'),
];

/** The pair entities of the extra categorical columns: seller × importer where a seller column exists. */
export function extraPairEntities(extraCategorical: readonly string[]): EntityDef[] {
  return extraCategorical.filter(isSellerColumn).map((name) => ({ id: sellerPairId(name), parts: sellerPair(name), parent: extraEntityId(name) }));
}

/** The id of the entity of one part alone: the column, `hs<digits>`, or `extra_<name>`. */
export function singleEntityId(part: EntityPart): string {
  switch (part.kind) {
    case 'column':
      return part.column;
    case 'hs':
      return `hs${part.digits}`;
    case 'extra':
      return extraEntityId(part.name);
  }
}

function extraEntityId(name: string): string {
  return `extra_${name}`;
}

/**
 * The entities of a mapping's added pairs (src/config/entity-pairs.ts):
 * id `pair_<first>_<second>`, smoothed towards the entity of the first part
 * alone (`withListedParents` drops that parent when it is not in the list).
 */
export function addedPairEntities(pairs: EntityPairs): EntityDef[] {
  return pairs.add.map((pair) => ({ id: addedPairId(pair), parts: pair, parent: singleEntityId(pair[0]) }));
}

/**
 * The default spec: the built-in entities, then one entity `extra_<name>`
 * per extra categorical column (the mapping's `extraCategorical`, e.g.
 * seller, transport mode), then seller × importer, smoothing 20. `pairs`
 * (a mapping's `entity_pairs`) leaves out the built-in pairs it removes and
 * appends the pairs it adds, except those naming an extra column not in
 * `extraCategorical`.
 */
export function defaultHistoryRateSpec(extraCategorical: readonly string[] = [], pairs: EntityPairs = NO_ENTITY_PAIR_CHANGES): HistoryRateSpec {
  const removed = new Set(pairs.remove);
  const extras = new Set(extraCategorical);
  const added = addedPairEntities(pairs).filter((e) => e.parts.every((p) => p.kind !== 'extra' || extras.has(p.name)));
  return {
    entities: withListedParents(
      [
        ...DEFAULT_HISTORY_ENTITIES,
        ...extraCategorical.map((name) => ({ id: extraEntityId(name), parts: [{ kind: 'extra', name }] as const })),
        ...extraPairEntities(extraCategorical),
        ...added,
      ].filter((e) => e.parts.length < 2 || !removed.has(e.id)),
    ),
    smoothing: DEFAULT_HISTORY_SMOOTHING,
  };
}

/** The entities with each parent kept only when it is listed before its child: a parent left out of a filtered list falls back to the prior. */
export function withListedParents(entities: readonly EntityDef[]): EntityDef[] {
  const listed = new Set<string>();
  return entities.map((e) => {
    const kept = e.parent === undefined || listed.has(e.parent) ? e : { id: e.id, parts: e.parts };
    listed.add(e.id);
    return kept;
  });
}

/** The feature names of a spec in output order: `hist_<id>_rate`, `hist_<id>_n` per entity. */
export function historyRateFeatureNames(spec: HistoryRateSpec): string[] {
  return spec.entities.flatMap((e) => [`hist_${e.id}_rate`, `hist_${e.id}_n`]);
}

/** Throws, naming the value, when a spec cannot be turned into SQL. */
export function checkHistoryRateSpec(spec: HistoryRateSpec): void {
  const m = spec.smoothing;
  if (typeof m !== 'number' || !Number.isFinite(m) || m <= 0) {
    throw new Error(`History rate smoothing must be a finite number > 0; got ${String(m)}`);
  }
  if (spec.entities.length === 0) throw new Error('A history rate spec needs at least one entity; got none');
  const seen = new Set<string>();
  for (const e of spec.entities) {
    if (e.id === '') throw new Error('A history rate entity id must not be empty');
    if (seen.has(e.id)) throw new Error(`History rate entity ids must be unique; "${e.id}" is given twice`);
    seen.add(e.id);
    if (e.parts.length === 0) throw new Error(`History rate entity "${e.id}" has no key parts`);
    if (e.parent !== undefined && !seen.has(e.parent)) throw new Error(`History rate entity "${e.id}": its parent "${e.parent}" must be an entity listed before it`);
    if (e.parent === e.id) throw new Error(`History rate entity "${e.id}" cannot be its own parent`);
    for (const p of e.parts) {
      if (p.kind === 'hs' && (!Number.isInteger(p.digits) || p.digits < 1 || p.digits > 10)) {
        throw new Error(`History rate entity "${e.id}": HS digits must be a whole number from 1 to 10; got ${String(p.digits)}`);
      }
      if (p.kind === 'extra' && p.name === '') throw new Error(`History rate entity "${e.id}": the extra column name is empty`);
    }
  }
}

/** SQL of one key part over the row alias `alias` (whose columns are plain identifiers). */
export function entityPartSql(part: EntityPart, alias: string): string {
  switch (part.kind) {
    case 'column':
      return `nullif(${alias}.${part.column}, '')`;
    case 'hs':
      return `CASE WHEN length(${alias}.hs_code) >= ${part.digits} THEN left(${alias}.hs_code, ${part.digits}) END`;
    case 'extra':
      return `nullif(${alias}.extra_cat[${quoteLiteral(part.name)}], '')`;
  }
}
