/**
 * Pairs of ids whose past violation rates the item model reads
 * (docs/models.md, "Entity history rates"), as a mapping names them
 * (`extracts.declarations.entity_pairs`, docs/mapping.md): the parts a pair
 * can be made of, the built-in pairs a mapping may remove, and the id of a
 * pair it adds. The entities themselves, their parents and their SQL are in
 * src/models/risk/history/spec.ts.
 */

/** Declaration contract columns that can be one part of a pair. */
export const ENTITY_PAIR_COLUMNS = ['importer_inn', 'customs_representative_inn', 'origin_country', 'dispatch_country', 'customs_office'] as const;

/** A declaration contract column that can be one part of a pair. */
export type EntityPairColumn = (typeof ENTITY_PAIR_COLUMNS)[number];

/** HS code prefixes by the name a mapping gives them: `hs6` is the first 6 digits of `hs_code`. */
export const HS_PREFIXES = { hs2: 2, hs4: 4, hs6: 6, hs10: 10 } as const;

/** The name of an HS code prefix a pair can be made of. */
export type HsPrefixName = keyof typeof HS_PREFIXES;

/**
 * One part of a pair: a contract column, an HS code prefix, or an extra
 * categorical column by its source header (the same shapes as the history
 * rates' `EntityPart`).
 */
export type EntityPairPart =
  | { readonly kind: 'column'; readonly column: EntityPairColumn }
  | { readonly kind: 'hs'; readonly digits: (typeof HS_PREFIXES)[HsPrefixName] }
  | { readonly kind: 'extra'; readonly name: string };

/** Two parts; the first is the one the pair's rate is smoothed towards. */
export type EntityPair = readonly [EntityPairPart, EntityPairPart];

/**
 * What a mapping changes in the pairs: pairs added after the built-in
 * ones, in the order listed, and ids of built-in pairs left out. Both empty
 * (`NO_ENTITY_PAIR_CHANGES`) gives the built-in pairs alone.
 */
export interface EntityPairs {
  readonly add: readonly EntityPair[];
  readonly remove: readonly string[];
}

/** No pair added or removed: what a mapping without `entity_pairs` means. */
export const NO_ENTITY_PAIR_CHANGES: EntityPairs = { add: [], remove: [] };

/** The built-in pairs of contract columns and HS prefixes. */
export type BuiltInPairId = 'hs6_origin' | 'hs10_origin' | 'origin_dispatch' | 'importer_hs6' | 'representative_importer';

const column = (c: EntityPairColumn): EntityPairPart => ({ kind: 'column', column: c });
const hs = (digits: 2 | 4 | 6 | 10): EntityPairPart => ({ kind: 'hs', digits });

/**
 * The parts of each built-in pair (besides seller × importer, which exists
 * where a seller column does), in their key order. A mapping may remove any
 * of them by id.
 */
export const BUILT_IN_PAIRS: Readonly<Record<BuiltInPairId, EntityPair>> = {
  hs6_origin: [hs(6), column('origin_country')],
  hs10_origin: [hs(10), column('origin_country')],
  origin_dispatch: [column('origin_country'), column('dispatch_country')],
  importer_hs6: [column('importer_inn'), hs(6)],
  representative_importer: [column('customs_representative_inn'), column('importer_inn')],
};

/** An extra categorical column whose source header names the seller (seller, supplier, consignor, or the Russian words). */
const SELLER_COLUMN = /seller|supplier|consignor|продав|поставщ|отправит/i;

/** True when an extra categorical column (by source header) names the seller: it is paired with the importer by default. */
export function isSellerColumn(name: string): boolean {
  return SELLER_COLUMN.test(name);
}

/** The built-in seller × importer pair of a seller column. */
export function sellerPair(name: string): EntityPair {
  return [{ kind: 'extra', name }, column('importer_inn')];
}

/** The id of the seller × importer pair of a seller column: `extra_<name>_importer`. */
export function sellerPairId(name: string): string {
  return `extra_${name}_importer`;
}

/** The name a mapping gives a part: the contract column, `hs<digits>`, or the extra column's source header. */
export function entityPartName(part: EntityPairPart): string {
  switch (part.kind) {
    case 'column':
      return part.column;
    case 'hs':
      return `hs${part.digits}`;
    case 'extra':
      return part.name;
  }
}

/**
 * The part a mapping names, given the extract's extra categorical columns:
 * a contract column of `ENTITY_PAIR_COLUMNS`, else an HS prefix name, else a
 * listed extra categorical column; null when it is none of them.
 */
export function entityPartFromName(name: string, extraCategorical: readonly string[]): EntityPairPart | null {
  if ((ENTITY_PAIR_COLUMNS as readonly string[]).includes(name)) return column(name as EntityPairColumn);
  if (Object.hasOwn(HS_PREFIXES, name)) return hs(HS_PREFIXES[name as HsPrefixName]);
  if (extraCategorical.includes(name)) return { kind: 'extra', name };
  return null;
}

/** The id of an added pair: `pair_<first>_<second>` with the parts' names (`pair_importer_inn_hs4`). */
export function addedPairId(pair: EntityPair): string {
  return `pair_${entityPartName(pair[0])}_${entityPartName(pair[1])}`;
}

/** True when two parts are the same column, prefix or extra column. */
export function isSamePart(a: EntityPairPart, b: EntityPairPart): boolean {
  return a.kind === b.kind && entityPartName(a) === entityPartName(b);
}

/** True when two pairs are made of the same parts, in either order. */
export function isSamePair(a: EntityPair, b: EntityPair): boolean {
  return (isSamePart(a[0], b[0]) && isSamePart(a[1], b[1])) || (isSamePart(a[0], b[1]) && isSamePart(a[1], b[0]));
}

/** How a pair reads in messages: `[importer_inn, hs4]`. */
export function describePair(pair: EntityPair): string {
  return `[${entityPartName(pair[0])}, ${entityPartName(pair[1])}]`;
}
