/**
 * The store's entity pairs: what the mapping of its latest declarations
 * ingest adds to and removes from the built-in pairs of ids
 * (`extracts.declarations.entity_pairs`, docs/mapping.md). Kept in `meta`
 * under `entity_pairs` so that training, evaluation and scoring read the
 * features of the store, not of whichever mapping a command is given.
 */
import {
  describePair,
  ENTITY_PAIR_COLUMNS,
  HS_PREFIXES,
  NO_ENTITY_PAIR_CHANGES,
  type EntityPair,
  type EntityPairPart,
  type EntityPairs,
} from '../config/entity-pairs.js';
import type { Db } from '../io/db.js';

const KEY = 'entity_pairs';

/** True when a setting changes nothing: the store then holds no key. */
function isNoChange(pairs: EntityPairs): boolean {
  return pairs.add.length === 0 && pairs.remove.length === 0;
}

/** The text stored under `meta.entity_pairs`: JSON `{ add: [[part, part], ...], remove: [id, ...] }`, parts as typed objects. */
export function entityPairsText(pairs: EntityPairs): string {
  return JSON.stringify({ add: pairs.add, remove: pairs.remove });
}

/** How a setting reads in messages: `add [customs_office, importer_inn]; remove hs10_origin`, or `the built-in pairs`. */
export function describeEntityPairs(pairs: EntityPairs): string {
  if (isNoChange(pairs)) return 'the built-in pairs';
  const add = pairs.add.length === 0 ? [] : [`add ${pairs.add.map(describePair).join(', ')}`];
  const remove = pairs.remove.length === 0 ? [] : [`remove ${pairs.remove.join(', ')}`];
  return [...add, ...remove].join('; ');
}

/**
 * The store's entity pairs; no change (the built-in pairs) when the store
 * holds no setting. Throws, naming the stored text, when it is not a
 * setting this ccrg wrote.
 */
export async function readEntityPairs(db: Db): Promise<EntityPairs> {
  const rows = await db.all('SELECT value FROM meta WHERE key = $key', { key: KEY });
  const text = rows[0]?.['value'];
  if (text === undefined || text === null) return NO_ENTITY_PAIR_CHANGES;
  return entityPairsFromText(String(text));
}

/**
 * Stores `pairs` as the store's setting (inside the caller's transaction):
 * deletes the key for no change. Returns the setting before, for the
 * caller to say what changed.
 */
export async function writeEntityPairs(db: Db, pairs: EntityPairs): Promise<EntityPairs> {
  const before = await readEntityPairs(db);
  await db.run('DELETE FROM meta WHERE key = $key', { key: KEY });
  if (!isNoChange(pairs)) await db.run('INSERT INTO meta VALUES ($key, $value)', { key: KEY, value: entityPairsText(pairs) });
  return before;
}

/** True when two settings give the same entities. */
export function sameEntityPairs(a: EntityPairs, b: EntityPairs): boolean {
  return entityPairsText(a) === entityPairsText(b);
}

function entityPairsFromText(text: string): EntityPairs {
  const refuse = (why: string): never => {
    throw new Error(`The store's meta key "${KEY}" holds ${JSON.stringify(text.slice(0, 200))}, ${why}; expected the JSON ingest writes; ingest the declarations again with the mapping`);
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return refuse('which is not JSON');
  }
  const object = data as { add?: unknown; remove?: unknown } | null;
  if (typeof object !== 'object' || object === null || !Array.isArray(object.add) || !Array.isArray(object.remove)) {
    return refuse('without the lists add and remove');
  }
  const part = (p: unknown): EntityPairPart => {
    const q = p as Partial<{ kind: unknown; column: unknown; digits: unknown; name: unknown }> | null;
    if (q?.kind === 'column' && (ENTITY_PAIR_COLUMNS as readonly unknown[]).includes(q.column)) return p as EntityPairPart;
    if (q?.kind === 'hs' && (Object.values(HS_PREFIXES) as unknown[]).includes(q.digits)) return p as EntityPairPart;
    if (q?.kind === 'extra' && typeof q.name === 'string' && q.name !== '') return p as EntityPairPart;
    return refuse(`whose part ${JSON.stringify(p)} is not a column, an HS prefix or an extra column`);
  };
  const add = object.add.map((pair): EntityPair => {
    if (!Array.isArray(pair) || pair.length !== 2) return refuse(`whose pair ${JSON.stringify(pair)} is not two parts`);
    return [part(pair[0]), part(pair[1])];
  });
  const remove = object.remove.map((id) => (typeof id === 'string' && id !== '' ? id : refuse(`whose removed id ${JSON.stringify(id)} is not text`)));
  return { add, remove };
}
