import { describe, expect, it } from 'vitest';
import { BUILT_IN_PAIRS, type EntityPairs } from '../../../src/config/entity-pairs.js';
import { defaultExtractMapping, defaultMapping, type Mapping } from '../../../src/config/mapping.js';
import { EXTRACTS, type ExtractId } from '../../../src/contract/extracts.js';
import type { Db, Row } from '../../../src/io/db.js';
import { quoteLiteral } from '../../../src/io/sql.js';
import {
  DEFAULT_HISTORY_ENTITIES,
  defaultHistoryRateSpec,
  entityRatesSql,
  historyRateFeatureNames,
  labelledItemsSql,
  type EntityDef,
  type HistoryRateSpec,
  withListedParents,
} from '../../../src/models/risk/history-rates.js';
import { innFromBody } from '../../../src/validation/inn.js';
import { VALID_ROWS, fixtureFile, ingestInto, memoryStore } from '../../util/fixtures.js';

/** Entity keys of a hand-made labelled item or example; absent keys are NULL. */
interface Keys {
  importer?: string;
  rep?: string;
  hs?: string;
  origin?: string;
  dispatch?: string;
  office?: string;
  extra?: Record<string, string>;
}

const KEY_COLUMNS = ['importer_inn', 'customs_representative_inn', 'hs_code', 'origin_country', 'dispatch_country', 'customs_office', 'extra_cat'];

function keySql(k: Keys): string[] {
  const text = (v: string | undefined): string => (v === undefined ? 'NULL::VARCHAR' : quoteLiteral(v));
  const extra =
    k.extra === undefined
      ? 'NULL::MAP(VARCHAR, VARCHAR)'
      : `MAP([${Object.keys(k.extra).map(quoteLiteral).join(', ')}]::VARCHAR[], [${Object.values(k.extra).map(quoteLiteral).join(', ')}]::VARCHAR[])`;
  return [text(k.importer), text(k.rep), text(k.hs), text(k.origin), text(k.dispatch), text(k.office), extra];
}

/** A TEMP table `labelled` with the columns of labelledItemsSql that the rates read. */
async function labelled(db: Db, rows: (Keys & { violation: 0 | 1; known: string })[]): Promise<void> {
  const selects = rows.map(
    (r) => `SELECT ${[...keySql(r), String(r.violation), `DATE ${quoteLiteral(r.known)}`].map((v, i) => `${v} AS ${[...KEY_COLUMNS, 'violation', 'known_date'][i]!}`).join(', ')}`,
  );
  await db.run(`CREATE OR REPLACE TEMP TABLE labelled AS ${selects.join(' UNION ALL ')}`);
}

/** A TEMP table `examples`: example_id, as_of and the entity keys. */
async function examples(db: Db, rows: (Keys & { id: number; asOf: string })[]): Promise<void> {
  const selects = rows.map(
    (r) => `SELECT ${[String(r.id), `DATE ${quoteLiteral(r.asOf)}`, ...keySql(r)].map((v, i) => `${v} AS ${['example_id', 'as_of', ...KEY_COLUMNS][i]!}`).join(', ')}`,
  );
  await db.run(`CREATE OR REPLACE TEMP TABLE examples AS ${selects.join(' UNION ALL ')}`);
}

const entity = (id: string): EntityDef => {
  const e = DEFAULT_HISTORY_ENTITIES.find((d) => d.id === id);
  if (e === undefined) throw new Error(`no entity ${id}`);
  return e;
};

/** A spec with the named built-in entities (each smoothed towards its parent when that is named before it) and smoothing m = 2 (easy hand arithmetic). */
function spec(ids: string[], smoothing = 2): HistoryRateSpec {
  return { entities: withListedParents(ids.map(entity)), smoothing };
}

async function rates(db: Db, s: HistoryRateSpec): Promise<Map<number, Row>> {
  const rows = await db.all(entityRatesSql('examples', 'labelled', s));
  return new Map(rows.map((r) => [Number(r['example_id']), r]));
}

function rowOf(byId: Map<number, Row>, id: number): Row {
  const row = byId.get(id);
  if (row === undefined) throw new Error(`no example ${id}`);
  return row;
}

/**
 * Labels by importer: A (known 01-10, violation), A (02-10, clean),
 * B (01-20, clean), B (03-01, violation).
 */
async function importerLabels(db: Db): Promise<void> {
  await labelled(db, [
    { importer: 'A', violation: 1, known: '2024-01-10' },
    { importer: 'A', violation: 0, known: '2024-02-10' },
    { importer: 'B', violation: 0, known: '2024-01-20' },
    { importer: 'B', violation: 1, known: '2024-03-01' },
  ]);
}

describe('entityRatesSql', () => {
  it('smooths toward the prior: (violations + m·prior) / (n + m)', async () => {
    const db = await memoryStore();
    await importerLabels(db);
    await examples(db, [{ id: 1, asOf: '2024-03-01', importer: 'A' }]);
    const byId = await rates(db, spec(['importer_inn']));
    // Known before 03-01: the first three labels, prior 1/3. A: n = 2, 1 violation.
    // (1 + 2·1/3) / (2 + 2) = (5/3) / 4 = 5/12.
    expect(rowOf(byId, 1)['hist_importer_inn_n']).toBe(2);
    expect(rowOf(byId, 1)['hist_importer_inn_rate']).toBeCloseTo(5 / 12, 12);
  });

  it('does not use a label known on the as-of date or later', async () => {
    const db = await memoryStore();
    await importerLabels(db);
    await examples(db, [
      { id: 1, asOf: '2024-03-01', importer: 'B' },
      { id: 2, asOf: '2024-03-02', importer: 'B' },
    ]);
    const byId = await rates(db, spec(['importer_inn']));
    // On 03-01 B's second label (known 03-01) is not yet usable: n = 1, 0 violations, prior 1/3:
    // (0 + 2/3) / (1 + 2) = 2/9.
    expect(rowOf(byId, 1)).toMatchObject({ hist_importer_inn_n: 1 });
    expect(rowOf(byId, 1)['hist_importer_inn_rate']).toBeCloseTo(2 / 9, 12);
    // A day later it is: n = 2, 1 violation; prior 2/4: (1 + 1) / (2 + 2) = 1/2.
    expect(rowOf(byId, 2)).toMatchObject({ hist_importer_inn_n: 2, hist_importer_inn_rate: 0.5 });
  });

  it('computes the prior only from labels known before the as-of date', async () => {
    const db = await memoryStore();
    await importerLabels(db);
    await examples(db, [
      { id: 1, asOf: '2024-01-11', importer: 'C' },
      { id: 2, asOf: '2024-02-11', importer: 'C' },
      { id: 3, asOf: '2024-03-02', importer: 'C' },
      { id: 4, asOf: '2024-01-10', importer: 'C' },
    ]);
    const byId = await rates(db, spec(['importer_inn']));
    // C has no history, so its rate is the prior: 1/1 on 01-11, 1/3 on 02-11, 2/4 on 03-02.
    expect(rowOf(byId, 1)).toMatchObject({ hist_importer_inn_n: 0, hist_importer_inn_rate: 1 });
    expect(rowOf(byId, 2)['hist_importer_inn_rate']).toBeCloseTo(1 / 3, 12);
    expect(rowOf(byId, 3)['hist_importer_inn_rate']).toBe(0.5);
    // Nothing known before 01-10: no prior, no rate; the count is still 0.
    expect(rowOf(byId, 4)).toMatchObject({ hist_importer_inn_n: 0, hist_importer_inn_rate: null });
  });

  it('counts labelled items per entity and leaves both features empty without a key', async () => {
    const db = await memoryStore();
    await labelled(db, [
      { importer: 'A', rep: 'R1', violation: 1, known: '2024-01-01' },
      { importer: 'A', rep: 'R1', violation: 1, known: '2024-01-01' },
      { importer: 'A', rep: 'R2', violation: 0, known: '2024-01-02' },
      { importer: 'B', violation: 0, known: '2024-01-03' },
    ]);
    await examples(db, [
      { id: 1, asOf: '2024-02-01', importer: 'A', rep: 'R1' },
      { id: 2, asOf: '2024-02-01', importer: 'B' },
    ]);
    const byId = await rates(db, spec(['importer_inn', 'customs_representative_inn']));
    // Prior 2/4. A: n = 3, 2 violations: (2 + 1) / 5 = 3/5. R1: n = 2, 2 violations: (2 + 1) / 4 = 3/4.
    expect(rowOf(byId, 1)).toMatchObject({
      hist_importer_inn_n: 3,
      hist_importer_inn_rate: 0.6,
      hist_customs_representative_inn_n: 2,
      hist_customs_representative_inn_rate: 0.75,
    });
    // B has no representative: its representative features are NULL, not "no history".
    // B: n = 1, clean: (0 + 1) / 3 = 1/3.
    expect(rowOf(byId, 2)).toMatchObject({ hist_importer_inn_n: 1, hist_customs_representative_inn_n: null, hist_customs_representative_inn_rate: null });
    expect(rowOf(byId, 2)['hist_importer_inn_rate']).toBeCloseTo(1 / 3, 12);
  });

  it('rates HS code prefixes of 2, 4, 6 and 10 digits', async () => {
    const db = await memoryStore();
    await labelled(db, [
      { hs: '8471300000', violation: 1, known: '2024-01-01' },
      { hs: '8471410000', violation: 0, known: '2024-01-01' },
      { hs: '8473000000', violation: 1, known: '2024-01-01' },
      { hs: '8501000000', violation: 0, known: '2024-01-01' },
    ]);
    await examples(db, [
      { id: 1, asOf: '2024-06-01', hs: '8471300000' },
      { id: 2, asOf: '2024-06-01', hs: '847130' },
    ]);
    const byId = await rates(db, spec(['hs2', 'hs4', 'hs6', 'hs10']));
    // Prior 2/4, m = 2; each prefix is smoothed towards the one above it: rate = (v + 2 · parent) / (n + 2).
    // hs2 84: n 3, v 2 -> (2 + 1) / 5 = 0.6; hs4 8471: n 2, v 1 -> (1 + 1.2) / 4 = 0.55;
    // hs6 847130: n 1, v 1 -> (1 + 1.1) / 3 = 0.7; hs10: n 1, v 1 -> (1 + 1.4) / 3 = 0.8.
    const r1 = rowOf(byId, 1);
    expect([r1['hist_hs2_n'], r1['hist_hs4_n'], r1['hist_hs6_n'], r1['hist_hs10_n']]).toEqual([3, 2, 1, 1]);
    expect(r1['hist_hs2_rate']).toBeCloseTo(0.6, 12);
    expect(r1['hist_hs4_rate']).toBeCloseTo(0.55, 12);
    expect(r1['hist_hs6_rate']).toBeCloseTo(0.7, 12);
    expect(r1['hist_hs10_rate']).toBeCloseTo(0.8, 12);
    // A 6-digit (generic) code has no 10-digit entity.
    expect(rowOf(byId, 2)).toMatchObject({ hist_hs6_n: 1, hist_hs10_n: null, hist_hs10_rate: null });
  });

  it('rates the HS6 × origin pair separately from its parts', async () => {
    const db = await memoryStore();
    await labelled(db, [
      { hs: '8471300000', origin: 'CN', violation: 1, known: '2024-01-01' },
      { hs: '8471300000', origin: 'DE', violation: 0, known: '2024-01-01' },
      { hs: '8471309000', origin: 'CN', violation: 0, known: '2024-01-01' },
      { hs: '8501000000', origin: 'CN', violation: 1, known: '2024-01-01' },
    ]);
    await examples(db, [
      { id: 1, asOf: '2024-06-01', hs: '8471301000', origin: 'CN' },
      { id: 2, asOf: '2024-06-01', hs: '8471301000', origin: 'DE' },
      { id: 3, asOf: '2024-06-01', hs: '8471301000', origin: 'US' },
      { id: 4, asOf: '2024-06-01', hs: '8471301000' },
    ]);
    const byId = await rates(db, spec(['hs6', 'origin_country', 'hs6_origin']));
    // Prior 2/4, m = 2. The pair is smoothed towards its HS6 rate: 847130 n 3, v 1 -> (1 + 1) / 5 = 0.4.
    // 847130 × CN: n 2, v 1 -> (1 + 0.8) / 4 = 0.45; × DE: n 1, v 0 -> 0.8 / 3; × US: none -> the HS6 rate 0.4, not the prior.
    expect(rowOf(byId, 1)['hist_hs6_origin_n']).toBe(2);
    expect(rowOf(byId, 1)['hist_hs6_origin_rate']).toBeCloseTo(0.45, 12);
    expect(rowOf(byId, 2)['hist_hs6_origin_n']).toBe(1);
    expect(rowOf(byId, 2)['hist_hs6_origin_rate']).toBeCloseTo(0.8 / 3, 12);
    expect(rowOf(byId, 3)['hist_hs6_origin_n']).toBe(0);
    expect(rowOf(byId, 3)['hist_hs6_origin_rate']).toBeCloseTo(0.4, 12);
    // Parts: 847130 n 3, v 1 -> 2/5; CN n 3, v 2 -> 3/5.
    expect(rowOf(byId, 1)['hist_hs6_rate']).toBeCloseTo(2 / 5, 12);
    expect(rowOf(byId, 1)['hist_origin_country_rate']).toBeCloseTo(3 / 5, 12);
    // Without an origin there is no pair.
    expect(rowOf(byId, 4)).toMatchObject({ hist_hs6_n: 3, hist_hs6_origin_n: null, hist_hs6_origin_rate: null });
  });

  it('rates an extra categorical column of the mapping from the extra_cat map', async () => {
    const db = await memoryStore();
    await labelled(db, [
      { extra: { seller: 'S1', mode: 'road' }, violation: 1, known: '2024-01-01' },
      { extra: { seller: 'S1' }, violation: 1, known: '2024-01-01' },
      { extra: { seller: 'S2' }, violation: 0, known: '2024-01-01' },
      { violation: 0, known: '2024-01-01' },
    ]);
    await examples(db, [
      { id: 1, asOf: '2024-06-01', extra: { seller: 'S1' } },
      { id: 2, asOf: '2024-06-01', extra: { seller: 'S3' } },
      { id: 3, asOf: '2024-06-01', extra: { mode: 'road' } },
      { id: 4, asOf: '2024-06-01' },
    ]);
    const s = defaultHistoryRateSpec(['seller']);
    const seller = s.entities.find((e) => e.id === 'extra_seller');
    expect(seller).toEqual({ id: 'extra_seller', parts: [{ kind: 'extra', name: 'seller' }] });
    // A seller column is also paired with the importer; another extra column is not.
    expect(s.entities.at(-1)).toEqual({ id: 'extra_seller_importer', parts: [{ kind: 'extra', name: 'seller' }, { kind: 'column', column: 'importer_inn' }], parent: 'extra_seller' });
    expect(defaultHistoryRateSpec(['mode']).entities.some((e) => e.id.startsWith('extra_') && e.id.endsWith('_importer'))).toBe(false);
    expect(historyRateFeatureNames(s).slice(-4)).toEqual(['hist_extra_seller_rate', 'hist_extra_seller_n', 'hist_extra_seller_importer_rate', 'hist_extra_seller_importer_n']);
    const byId = await rates(db, { entities: [seller as EntityDef], smoothing: 2 });
    // Prior 2/4, m = 2. S1: n 2, v 2 -> (2 + 1) / 4 = 3/4; S3: none -> 1/2; no seller -> NULL.
    expect(rowOf(byId, 1)).toMatchObject({ hist_extra_seller_n: 2, hist_extra_seller_rate: 0.75 });
    expect(rowOf(byId, 2)).toMatchObject({ hist_extra_seller_n: 0, hist_extra_seller_rate: 0.5 });
    expect(rowOf(byId, 3)).toMatchObject({ hist_extra_seller_n: null, hist_extra_seller_rate: null });
    expect(rowOf(byId, 4)).toMatchObject({ hist_extra_seller_n: null, hist_extra_seller_rate: null });
  });

  it('adds a mapping\'s pair smoothed towards its first part, and leaves out the pairs it removes', async () => {
    const pairs: EntityPairs = {
      add: [
        [{ kind: 'column', column: 'customs_office' }, { kind: 'column', column: 'importer_inn' }],
        [{ kind: 'extra', name: 'mode' }, { kind: 'hs', digits: 4 }],
        // An extra column the data does not have gives no entity.
        [{ kind: 'extra', name: 'absent' }, { kind: 'hs', digits: 4 }],
      ],
      remove: ['hs10_origin', 'extra_seller_importer'],
    };
    const s = defaultHistoryRateSpec(['mode', 'seller'], pairs);
    const ids = s.entities.map((e) => e.id);
    expect(ids).not.toContain('hs10_origin');
    expect(ids).not.toContain('extra_seller_importer');
    expect(ids.slice(-4)).toEqual(['extra_mode', 'extra_seller', 'pair_customs_office_importer_inn', 'pair_mode_hs4']);
    expect(s.entities.at(-2)).toEqual({ id: 'pair_customs_office_importer_inn', parts: pairs.add[0], parent: 'customs_office' });
    expect(s.entities.at(-1)).toMatchObject({ id: 'pair_mode_hs4', parent: 'extra_mode' });
    // Without a change, exactly the default entities.
    expect(defaultHistoryRateSpec(['mode', 'seller'], { add: [], remove: [] })).toEqual(defaultHistoryRateSpec(['mode', 'seller']));

    const db = await memoryStore();
    await labelled(db, [
      { importer: 'A', office: 'O1', violation: 1, known: '2024-01-01' },
      { importer: 'A', office: 'O1', violation: 1, known: '2024-01-01' },
      { importer: 'B', office: 'O1', violation: 0, known: '2024-01-01' },
      { importer: 'A', office: 'O2', violation: 0, known: '2024-01-01' },
    ]);
    await examples(db, [
      { id: 1, asOf: '2024-06-01', importer: 'A', office: 'O1' },
      { id: 2, asOf: '2024-06-01', importer: 'C', office: 'O1' },
      { id: 3, asOf: '2024-06-01', importer: 'A' },
    ]);
    const pair = s.entities.find((e) => e.id === 'pair_customs_office_importer_inn') as EntityDef;
    const byId = await rates(db, { entities: withListedParents([entity('customs_office'), pair]), smoothing: 2 });
    // Prior 2/4, m = 2. O1: n 3, v 2 -> (2 + 1) / 5 = 0.6. O1 × A: n 2, v 2 -> (2 + 2 · 0.6) / 4 = 0.8;
    // O1 × C, an unknown importer: n 0 -> the office's rate 0.6, not the prior; no office -> no pair.
    expect(rowOf(byId, 1)['hist_pair_customs_office_importer_inn_n']).toBe(2);
    expect(rowOf(byId, 1)['hist_pair_customs_office_importer_inn_rate']).toBeCloseTo(0.8, 12);
    expect(rowOf(byId, 2)['hist_pair_customs_office_importer_inn_n']).toBe(0);
    expect(rowOf(byId, 2)['hist_pair_customs_office_importer_inn_rate']).toBeCloseTo(0.6, 12);
    expect(rowOf(byId, 3)).toMatchObject({ hist_pair_customs_office_importer_inn_n: null, hist_pair_customs_office_importer_inn_rate: null });
  });

  it('has one entity per built-in pair a mapping may remove', () => {
    expect(DEFAULT_HISTORY_ENTITIES.filter((e) => e.parts.length > 1).map((e) => e.id).sort()).toEqual(Object.keys(BUILT_IN_PAIRS).sort());
  });

  it('returns the same rows, in example_id order, whatever the input order', async () => {
    const db = await memoryStore();
    const labels = [
      { importer: 'A', hs: '8471300000', origin: 'CN', office: 'O1', violation: 1 as const, known: '2024-01-05' },
      { importer: 'A', hs: '8471300000', origin: 'CN', office: 'O2', violation: 0 as const, known: '2024-01-05' },
      { importer: 'B', hs: '8501000000', origin: 'DE', office: 'O1', violation: 1 as const, known: '2024-02-05' },
      { importer: 'C', hs: '8501000000', origin: 'CN', office: 'O1', violation: 0 as const, known: '2024-03-05' },
    ];
    const exs = [
      { id: 3, asOf: '2024-02-06', importer: 'A', hs: '8471300000', origin: 'CN', office: 'O1' },
      { id: 1, asOf: '2024-04-01', importer: 'B', hs: '8501000000', origin: 'CN', office: 'O2' },
      { id: 2, asOf: '2024-01-05', importer: 'C', hs: '8471300000', origin: 'DE', office: 'O1' },
    ];
    const s = defaultHistoryRateSpec();
    await labelled(db, labels);
    await examples(db, exs);
    const first = await db.all(entityRatesSql('examples', 'labelled', s));
    await labelled(db, [...labels].reverse());
    await examples(db, [...exs].reverse());
    const second = await db.all(entityRatesSql('examples', 'labelled', s));
    expect(second).toEqual(first);
    expect(first.map((r) => r['example_id'])).toEqual([1, 2, 3]);
    expect(Object.keys(first[0]!)).toEqual(['example_id', ...historyRateFeatureNames(s)]);
  });

  it('gives a selection of entities the same values as the whole spec, parents computed but not output', async () => {
    const db = await memoryStore();
    await labelled(db, [
      { importer: 'A', hs: '8471300000', origin: 'CN', violation: 1, known: '2024-01-05' },
      { importer: 'A', hs: '8471300000', origin: 'DE', violation: 0, known: '2024-01-06' },
      { importer: 'B', hs: '8471500000', origin: 'CN', violation: 1, known: '2024-02-05' },
    ]);
    await examples(db, [
      { id: 1, asOf: '2024-03-01', importer: 'A', hs: '8471300000', origin: 'CN' },
      { id: 2, asOf: '2024-01-06', importer: 'B', hs: '8471500000', origin: 'DE' },
    ]);
    const s = defaultHistoryRateSpec();
    const whole = await db.all(entityRatesSql('examples', 'labelled', s));
    // hs10_origin alone: its parents hs10, hs6, hs4, hs2 are needed for its smoothing, and not output.
    const index = s.entities.findIndex((e) => e.id === 'hs10_origin');
    const part = await db.all(entityRatesSql('examples', 'labelled', s, { entities: [0, index] }));
    expect(Object.keys(part[0]!)).toEqual(['example_id', 'hist_importer_inn_rate', 'hist_importer_inn_n', 'hist_hs10_origin_rate', 'hist_hs10_origin_n']);
    expect(part).toEqual(whole.map((r) => Object.fromEntries(Object.keys(part[0]!).map((k) => [k, r[k]]))));
    expect(part[0]?.['hist_hs10_origin_n']).toBe(1);
  });

  it('refuses a spec it cannot compute, naming the value', () => {
    expect(() => entityRatesSql('examples', 'labelled', spec(['hs2'], 0))).toThrow('History rate smoothing must be a finite number > 0; got 0');
    expect(() => entityRatesSql('examples', 'labelled', { entities: [entity('hs4'), entity('hs2')], smoothing: 2 })).toThrow(
      'History rate entity "hs4": its parent "hs2" must be an entity listed before it',
    );
    // A parent left out of a list falls back to the prior.
    expect(withListedParents([entity('hs4')])).toEqual([{ id: 'hs4', parts: [{ kind: 'hs', digits: 4 }] }]);
    expect(() => entityRatesSql('examples', 'labelled', { entities: [entity('hs2'), entity('hs2')], smoothing: 20 })).toThrow(
      'History rate entity ids must be unique; "hs2" is given twice',
    );
    expect(() => entityRatesSql('examples', 'labelled', { entities: [{ id: 'hs11', parts: [{ kind: 'hs', digits: 11 }] }], smoothing: 20 })).toThrow(
      'History rate entity "hs11": HS digits must be a whole number from 1 to 10; got 11',
    );
  });
});

// --- labelledItemsSql, on stores built through ingest ---

const INN_A = VALID_ROWS.declarations['importer_inn']!;
const INN_B = innFromBody('770100037');

/** CSV of an extract: contract columns plus `extra` source columns; rows override the valid row. */
function csv(extract: ExtractId, rows: readonly Record<string, string>[], extra: readonly string[] = []): string {
  const columns = [...EXTRACTS[extract].columns.map((c) => c.name), ...extra];
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => row[c] ?? VALID_ROWS[extract][c] ?? '').join(','))];
  return `${lines.join('\n')}\n`;
}

/** A mapping whose declarations carry `viol` / `charges` labels known 30 days after release and a `seller` column. */
function labelMapping(): Mapping {
  const mapping = defaultMapping();
  mapping.extracts.declarations = {
    ...defaultExtractMapping(),
    labels: { violation: 'viol', additionalCharges: 'charges', lagDays: 30 },
    extraCategorical: ['seller'],
  };
  return mapping;
}

async function storeOf(
  files: Partial<Record<ExtractId, Record<string, string>[]>>,
  options: { mapping?: Mapping; extra?: readonly string[] } = {},
): Promise<Db> {
  const db = await memoryStore();
  const inputs: { extract: ExtractId; file: string }[] = [];
  for (const [extract, rows] of Object.entries(files) as [ExtractId, Record<string, string>[]][]) {
    const extra = extract === 'declarations' ? (options.extra ?? []) : [];
    inputs.push({ extract, file: await fixtureFile(`${extract}.csv`, csv(extract, rows, extra)) });
  }
  const result = await ingestInto(db, inputs, options.mapping === undefined ? {} : { mapping: options.mapping });
  if (result.rejects.length > 0) throw new Error(`fixture rows rejected: ${JSON.stringify(result.rejects.slice(0, 3))}`);
  return db;
}

async function labelledRows(db: Db): Promise<Row[]> {
  return db.all(`SELECT decl_id, item_no, importer_inn, hs_code, violation, charges_rub, known_date, source, extra_cat['seller'] AS seller
    FROM (${labelledItemsSql()}) ORDER BY known_date, decl_id, item_no`);
}

/** Inspections: I-1 completed 04-01, I-2 open, I-3 stored open and later completed 06-01. */
function inspectionStore(): Promise<Db> {
  const outcome = { inn: INN_A, started_date: '2024-03-01' };
  return storeOf({
    declarations: [
      { decl_id: 'D1', item_no: '1', importer_inn: INN_A, hs_code: '8471300000', release_date: '2024-01-15' },
      // A correction made after the inspection: the label keeps the keys of version 1.
      { decl_id: 'D1', item_no: '1', version: '2', version_date: '2024-05-01', importer_inn: INN_A, hs_code: '8501000000', release_date: '2024-01-15' },
      { decl_id: 'D1', item_no: '2', importer_inn: INN_A, hs_code: '8471300000', release_date: '2024-01-15' },
      { decl_id: 'D2', item_no: '1', importer_inn: INN_A, hs_code: '8471300000', release_date: '2024-02-01' },
      { decl_id: 'D3', item_no: '1', importer_inn: INN_A, hs_code: '8471300000', release_date: '2024-02-01' },
    ],
    outcomes: [
      { ...outcome, inspection_id: 'I-1', completed_date: '2024-04-01', violation: '1' },
      { ...outcome, inspection_id: 'I-2', completed_date: '', violation: '', additional_charges_rub: '' },
      { ...outcome, inspection_id: 'I-3', completed_date: '', violation: '', additional_charges_rub: '' },
      { ...outcome, inspection_id: 'I-3', completed_date: '2024-06-01', violation: '0', additional_charges_rub: '' },
    ],
    item_outcomes: [
      { inspection_id: 'I-1', decl_id: 'D1', item_no: '1', violation: '1', additional_charges_rub: '15000.00' },
      { inspection_id: 'I-1', decl_id: 'D1', item_no: '2', violation: '0', additional_charges_rub: '' },
      { inspection_id: 'I-2', decl_id: 'D2', item_no: '1', violation: '1', additional_charges_rub: '500.00' },
      { inspection_id: 'I-3', decl_id: 'D3', item_no: '1', violation: '0', additional_charges_rub: '' },
    ],
  });
}

describe('labelledItemsSql', () => {
  it('knows item findings at the completion date of their inspection; an open inspection gives nothing', async () => {
    const rows = await labelledRows(await inspectionStore());
    expect(rows).toEqual([
      { decl_id: 'D1', item_no: 1, importer_inn: INN_A, hs_code: '8471300000', violation: 1, charges_rub: '15000.00', known_date: '2024-04-01', source: 'item_outcomes', seller: null },
      { decl_id: 'D1', item_no: 2, importer_inn: INN_A, hs_code: '8471300000', violation: 0, charges_rub: null, known_date: '2024-04-01', source: 'item_outcomes', seller: null },
      // I-3 was stored open first and completed later: known at its completion.
      { decl_id: 'D3', item_no: 1, importer_inn: INN_A, hs_code: '8471300000', violation: 0, charges_rub: null, known_date: '2024-06-01', source: 'item_outcomes', seller: null },
    ]);
  });

  it('knows labels carried on declaration rows at label_known_date (release + lag)', async () => {
    const db = await storeOf(
      {
        declarations: [
          { decl_id: 'L1', item_no: '1', importer_inn: INN_B, release_date: '2024-03-15', viol: '1', charges: '200.00', seller: 'S1' },
          // Charges alone: a violation when > 0.
          { decl_id: 'L1', item_no: '2', importer_inn: INN_B, release_date: '2024-03-15', viol: '', charges: '50.00', seller: 'S2' },
          // No label: not a labelled item.
          { decl_id: 'L2', item_no: '1', importer_inn: INN_B, release_date: '2024-03-20', viol: '', charges: '', seller: 'S1' },
        ],
      },
      { mapping: labelMapping(), extra: ['viol', 'charges', 'seller'] },
    );
    const rows = await labelledRows(db);
    // 2024-03-15 + 30 days = 2024-04-14.
    expect(rows).toEqual([
      { decl_id: 'L1', item_no: 1, importer_inn: INN_B, hs_code: '8471300000', violation: 1, charges_rub: '200.00', known_date: '2024-04-14', source: 'declarations', seller: 'S1' },
      { decl_id: 'L1', item_no: 2, importer_inn: INN_B, hs_code: '8471300000', violation: 1, charges_rub: '50.00', known_date: '2024-04-14', source: 'declarations', seller: 'S2' },
    ]);
  });

  it('never uses an item example’s own label before it is known', async () => {
    const db = await inspectionStore();
    await db.run(`CREATE TEMP TABLE labelled AS ${labelledItemsSql()}`);
    // The examined item D1/1 as an example, scored on and after its label's known date 2024-04-01.
    await db.run(`CREATE TEMP TABLE examples AS
      SELECT * REPLACE (e.example_id::INTEGER AS example_id) FROM (
        SELECT 1 AS example_id, DATE '2024-04-01' AS as_of UNION ALL SELECT 2, DATE '2024-04-02') e,
        (SELECT importer_inn, customs_representative_inn, hs_code, origin_country, dispatch_country, customs_office, extra_cat
         FROM declarations WHERE decl_id = 'D1' AND item_no = 1 AND version = 1)`);
    const byId = await rates(db, { entities: withListedParents([entity('importer_inn'), entity('hs10')]), smoothing: 20 });
    // On 04-01 nothing is known yet (I-1 completes that day): no count, no prior.
    expect(rowOf(byId, 1)).toMatchObject({ hist_importer_inn_n: 0, hist_importer_inn_rate: null, hist_hs10_n: 0 });
    // On 04-02 both items of I-1 are known: n 2, v 1, prior 1/2: (1 + 20·0.5) / 22 = 0.5.
    expect(rowOf(byId, 2)).toMatchObject({ hist_importer_inn_n: 2, hist_importer_inn_rate: 0.5, hist_hs10_n: 2 });
  });

  it('keeps only labels known by knownBy', async () => {
    const db = await inspectionStore();
    const rows = await db.all(`SELECT decl_id, item_no FROM (${labelledItemsSql({ knownBy: '2024-05-31' })}) ORDER BY decl_id, item_no`);
    expect(rows).toEqual([
      { decl_id: 'D1', item_no: 1 },
      { decl_id: 'D1', item_no: 2 },
    ]);
    expect(() => labelledItemsSql({ knownBy: '31.05.2024' })).toThrow('knownBy must be a date YYYY-MM-DD; got "31.05.2024"');
  });
});
