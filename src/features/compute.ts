import type { ExtractId } from '../contract/extracts.js';
import { QueryError, type Db } from '../io/db.js';
import { quoteIdent } from '../io/sql.js';
import { Workspace } from '../io/workspace.js';
import { cleanMonths } from '../store/month-aggregates.js';
import { servedMovementMonths } from '../store/movement-months.js';
import { AS_OF_TABLES, asOfMovementsSql, createAsOfDeclarations, createAsOfTables, type AsOfCounts } from './as-of-tables.js';
import { FAMILIES, FAMILY_IDS, type FamilyId } from './families.js';
import { ITEM_TABLES, ITEM_VIEWS, itemSignalStatements } from './item-signals.js';
import { checkFeatureParams, windowStartSql } from './params.js';
import type { FeatureDef, FeatureParams } from './types.js';

/** What computeFeatures leaves behind: TEMP relations owned by its workspace, and what the data could not provide. */
export interface FeatureResult {
  /** Owns every relation below; drop it when done (computing features again on the connection drops it too). */
  workspace: Workspace;
  /** TEMP table: one row per participant in the universe: inn, name, region, office, customs_value_window_rub, then every feature column (DOUBLE, rounded to its decimals). */
  table: string;
  /** TEMP view: one row per declaration item of the universe in the window, with item-level signals (evaluated on each read; valid until the next call). */
  itemTable: string;
  /** Features that the data cannot provide (e.g. no tax returns or no register in the store), by family, with the reason. Their columns are NULL. */
  unavailable: { family: string; features: string[]; reason: string }[];
  /** Document months (YYYY-MM-01) the families read from the store's monthly balances of the movements (src/store/movement-months.ts), the others from the movements. */
  movementMonths: ReadonlySet<string>;
}

/**
 * Runs one step of the feature computation; an engine error comes out naming
 * the step and the as-of date (the SQL stays on the cause, for a developer).
 */
async function inStep<T>(params: FeatureParams, step: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    throw new Error(`computing features as of ${params.asOf}, ${step}: ${error.message}`, { cause: error });
  }
}

/** The features table's name. */
const FEATURES_TABLE = 'ccrg_features';

/** TEMP table of one family's features (inn and its feature columns, unrounded), dropped once joined. */
function familyTable(id: FamilyId): string {
  return `ccrg_family_${id}`;
}

/** The TEMP relations of the store as of a date and of the item signals, claimed by `workspace`. */
function claimItemSignalRelations(workspace: Workspace): void {
  for (const name of Object.values(AS_OF_TABLES)) workspace.claim(name, name === AS_OF_TABLES.declarations ? 'VIEW' : 'TABLE');
  for (const [role, name] of Object.entries(ITEM_TABLES)) workspace.claim(name, ITEM_VIEWS.has(role as keyof typeof ITEM_TABLES) ? 'VIEW' : 'TABLE');
}

/** The store as of the date and its item signals (what the item examples read): the item view, owned by the returned workspace. */
export interface ItemSignals {
  workspace: Workspace;
  /** TEMP view: one row per declaration item in the window, with its peer comparison (src/features/item-signals.ts). */
  itemTable: string;
}

/**
 * Builds the store as of `params.asOf` and the item signals only (no
 * feature families), in a workspace of kind `kind`.
 */
export async function computeItemSignals(db: Db, params: FeatureParams, kind: string): Promise<ItemSignals> {
  checkFeatureParams(params);
  const workspace = await Workspace.open(db, kind, `${kind} as of ${params.asOf}`);
  claimItemSignalRelations(workspace);
  try {
    await inStep(params, 'the store as of the date', () => createAsOfDeclarations(db, params, true));
    await inStep(params, 'item signals (unit values, peer groups, duty rates)', async () => {
      for (const sql of itemSignalStatements(params)) await db.run(sql);
    });
    return { workspace, itemTable: ITEM_TABLES.items };
  } catch (error) {
    await workspace.drop().catch(() => undefined);
    throw error;
  }
}

/** Every feature, in the fixed column order of the features table. */
export const FEATURES: readonly FeatureDef[] = FAMILY_IDS.flatMap((id) => FAMILIES[id].features);

const BY_ID = new Map(FEATURES.map((f) => [f.id, f]));

/** The feature with this id, if any. */
export function featureById(id: string): FeatureDef | undefined {
  return BY_ID.get(id);
}

const COUNTED: readonly (keyof AsOfCounts)[] = ['declarations', 'tax_returns', 'participants', 'outcomes', 'tax_signals', 'traceability', 'eaeu_imports'];

function missingExtracts(needs: readonly ExtractId[], counts: AsOfCounts): string[] {
  return needs.filter((e): e is keyof AsOfCounts => (COUNTED as readonly string[]).includes(e) && counts[e as keyof AsOfCounts] === 0);
}

/**
 * Computes every feature of every importer with an item released in the `windowMonths`
 * months up to `params.asOf`, from the store as it stood on that date (src/store/as-of.ts).
 * Leaves TEMP relations on the connection, owned by the result's workspace: drop it
 * when done; a second call drops them first (src/io/workspace.ts). Same
 * store and parameters give identical values: every value is rounded in SQL.
 */
export async function computeFeatures(db: Db, params: FeatureParams): Promise<FeatureResult> {
  checkFeatureParams(params);
  return withoutInsertionOrder(db, () => computeFeaturesInOrderFree(db, params));
}

/**
 * Runs `work` with DuckDB free to write rows in any order (`SET
 * preserve_insertion_order = false`), then restores the setting: for work
 * whose TEMP tables carry no meaning in their row order (a third of the
 * time saved on the features).
 */
export async function withoutInsertionOrder<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const previous = (await db.all(`SELECT current_setting('preserve_insertion_order') AS v`))[0]?.['v'];
  await db.run('SET preserve_insertion_order = false');
  try {
    return await work();
  } finally {
    if (previous !== undefined && previous !== null) await db.run(`SET preserve_insertion_order = ${String(previous) === 'true'}`);
  }
}

async function computeFeaturesInOrderFree(db: Db, params: FeatureParams): Promise<FeatureResult> {
  const workspace = await Workspace.open(db, 'features', `features as of ${params.asOf}`);
  claimItemSignalRelations(workspace);
  for (const id of FAMILY_IDS) for (const table of [...(FAMILIES[id].preparedTables ?? []), ...(FAMILIES[id].keptTables ?? []), familyTable(id)]) workspace.claim(table);
  workspace.claim(FEATURES_TABLE);
  try {
    const counts = await inStep(params, 'the store as of the date', () => createAsOfTables(db, params));
    await inStep(params, 'item signals (unit values, peer groups, duty rates)', async () => {
      for (const sql of itemSignalStatements(params)) await db.run(sql);
    });

    const unavailable: FeatureResult['unavailable'] = [];
    const nullFeatures = new Set<string>();
    for (const id of FAMILY_IDS) {
      const family = FAMILIES[id];
      const byReason = new Map<string, string[]>();
      for (const f of family.features) {
        const missing = missingExtracts([...family.needs, ...(f.needs ?? [])], counts);
        if (missing.length === 0) continue;
        const reason = `the store has no ${missing.join(' and ')} rows as of ${params.asOf}`;
        byReason.set(reason, [...(byReason.get(reason) ?? []), f.id]);
        nullFeatures.add(f.id);
      }
      for (const [reason, features] of byReason) unavailable.push({ family: id, features, reason });
    }
    // A family none of whose features the data can provide is not computed: its columns are NULL.
    const computed = FAMILY_IDS.filter((id) => FAMILIES[id].features.some((f) => !nullFeatures.has(f.id)));

    const context = {
      cleanMonths: await cleanMonths(db, params.asOf),
      movementMonths: await servedMovementMonths(db, params.asOf, windowStartSql(params, params.windowMonths)),
    };
    const movementReaders = computed.filter((id) => FAMILIES[id].readsMovements === true);
    for (const id of computed) {
      await inStep(params, `feature family ${id}`, async () => {
        if (id === movementReaders[0]) await db.run(asOfMovementsSql(params, context.movementMonths));
        for (const sql of FAMILIES[id].prepare?.(params, context) ?? []) await db.run(sql);
        // One statement per family, joined below: one statement for all of them took 10% longer on the
        // benchmark store (their pipelines competing for memory), and an error names its family.
        await db.run(`CREATE OR REPLACE TEMP TABLE ${familyTable(id)} AS ${FAMILIES[id].sql(params)}`);
      });
      for (const table of FAMILIES[id].preparedTables ?? []) await workspace.release(table);
      if (id === movementReaders.at(-1)) await workspace.release(AS_OF_TABLES.traceability);
    }

    const alias = (id: FamilyId): string => `f${FAMILY_IDS.indexOf(id)}`;
    const columns = FAMILY_IDS.flatMap((id) =>
      FAMILIES[id].features.map((f) =>
        nullFeatures.has(f.id)
          ? `CAST(NULL AS DOUBLE) AS ${quoteIdent(f.id)}`
          : `round(CAST(${alias(id)}.${quoteIdent(f.id)} AS DOUBLE), ${f.decimals}) AS ${quoteIdent(f.id)}`,
      ),
    );
    const joins = computed.map((id) => `LEFT JOIN ${familyTable(id)} ${alias(id)} USING (inn)`);
    await inStep(params, `the feature table (families ${computed.join(', ')})`, () => db.run(`CREATE OR REPLACE TEMP TABLE ${FEATURES_TABLE} AS
      SELECT u.inn, u.name, u.region, u.office, u.customs_value_window_rub,
        ${columns.join(',\n        ')}
      FROM ${AS_OF_TABLES.universe} u
      ${joins.join('\n      ')}
      ORDER BY u.inn`));
    for (const id of computed) await workspace.release(familyTable(id));
    return { workspace, table: FEATURES_TABLE, itemTable: ITEM_TABLES.items, unavailable, movementMonths: context.movementMonths };
  } catch (error) {
    await workspace.drop().catch(() => undefined);
    throw error;
  }
}
