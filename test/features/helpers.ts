import type { ExtractId } from '../../src/contract/extracts.js';
import { SCORE_DEFAULTS } from '../../src/config/defaults.js';
import { computeFeatures, type FeatureResult } from '../../src/features/compute.js';
import type { FeatureParams } from '../../src/features/types.js';
import type { Db, Row } from '../../src/io/db.js';
import { innFromBody } from '../../src/validation/inn.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore } from '../util/fixtures.js';

/** Valid INNs for fixtures: INNS[0] is the VALID_ROWS importer. */
export const INNS = ['7707083893', ...Array.from({ length: 12 }, (_, i) => innFromBody(String(770100000 + i * 37)))];

/** A row of declarations overriding the valid row; each gets its own decl_id unless given. */
let declCounter = 0;
export function item(values: Record<string, string>): Record<string, string> {
  declCounter += 1;
  return { decl_id: `10702030/010124/${String(declCounter).padStart(7, '0')}`, ...values };
}

/** A fresh in-memory store holding the given rows (overrides of VALID_ROWS), per extract. */
export async function storeWith(rows: Partial<Record<ExtractId, Record<string, string>[]>>): Promise<Db> {
  const db = await memoryStore();
  await ingestRows(db, rows);
  return db;
}

/** Ingests the given rows (overrides of VALID_ROWS), per extract, into `db` in one ingest; throws when one is rejected. */
export async function ingestRows(db: Db, rows: Partial<Record<ExtractId, Record<string, string>[]>>): Promise<void> {
  const inputs: { extract: ExtractId; file: string }[] = [];
  for (const [extract, list] of Object.entries(rows) as [ExtractId, Record<string, string>[]][]) {
    inputs.push({ extract, file: await fixtureFile(`${extract}.csv`, extractCsv(extract, list)) });
  }
  const result = await ingestInto(db, inputs);
  if (result.rejects.length > 0) throw new Error(`fixture rows rejected: ${JSON.stringify(result.rejects.slice(0, 3))}`);
}

/** Computes features as of a date; returns the result and the feature rows by inn. */
export async function featuresAsOf(
  db: Db,
  asOf: string,
  overrides: Partial<FeatureParams> = {},
): Promise<{ result: FeatureResult; byInn: Map<string, Row>; items: Row[] }> {
  const result = await computeFeatures(db, { ...SCORE_DEFAULTS, asOf, ...overrides });
  const rows = await db.all(`SELECT * FROM ${result.table} ORDER BY inn`);
  const items = await db.all(`SELECT * FROM ${result.itemTable} ORDER BY decl_id, item_no`);
  return { result, byInn: new Map(rows.map((r) => [String(r['inn']), r])), items };
}

/**
 * {@link featuresAsOf} of a store, shared by the tests that ask for the same as-of date and
 * parameters: the store is built and the features computed once per date and parameters, on
 * first use (each costs about a second on a small store, mostly DuckDB planning). The store
 * closes with the test that built it; the others read only the results.
 */
export function sharedFeatures(build: () => Promise<Db>): (asOf: string, overrides?: Partial<FeatureParams>) => ReturnType<typeof featuresAsOf> {
  const computed = new Map<string, ReturnType<typeof featuresAsOf>>();
  return (asOf, overrides = {}) => {
    const key = JSON.stringify([asOf, overrides]);
    let result = computed.get(key);
    if (result === undefined) {
      result = build().then((store) => featuresAsOf(store, asOf, overrides));
      computed.set(key, result);
    }
    return result;
  };
}

/** The feature row of an inn; throws when the inn is not in the universe. */
export function rowOf(byInn: Map<string, Row>, inn: string): Row {
  const row = byInn.get(inn);
  if (row === undefined) throw new Error(`${inn} is not in the features table (${[...byInn.keys()].join(', ')})`);
  return row;
}
