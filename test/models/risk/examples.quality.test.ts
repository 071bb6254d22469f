import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_DEFAULTS } from '../../../src/config/defaults.js';
import { computeFeatures, FEATURES } from '../../../src/features/compute.js';
import { openDuckDb, type Db } from '../../../src/io/db.js';
import { exampleFeatures, participantExamples } from '../../../src/models/risk/examples.js';
import { buildWorld } from '../../scenario/worlds.js';

let db: Db;

beforeAll(async () => {
  db = await openDuckDb((await buildWorld('items')).store, { readOnly: true });
});
afterAll(() => db.close());

describe('participantExamples', () => {
  it('takes every completed inspection whose as-of month is in the window, as of the month end before it started', async () => {
    const examples = await participantExamples(db, { from: '2025-01', to: '2026-06' });
    expect(examples.length).toBeGreaterThan(5);
    const stored = await db.all(`SELECT inspection_id, strftime(started_date, '%Y-%m-%d') AS started, violation FROM outcomes
      WHERE completed_date IS NOT NULL AND violation IS NOT NULL
        AND strftime(CAST(date_trunc('month', started_date) - INTERVAL 1 DAY AS DATE), '%Y-%m') BETWEEN '2025-01' AND '2026-06'`);
    expect(examples.map((e) => e.exampleId).sort()).toEqual(stored.map((r) => String(r['inspection_id'])).sort());
    for (const e of examples) {
      const started = String(stored.find((r) => r['inspection_id'] === e.exampleId)?.['started']);
      // The as-of date is the last day of the month before the start.
      const firstOfMonth = new Date(`${started.slice(0, 7)}-01T00:00:00Z`);
      expect(e.asOf).toBe(new Date(firstOfMonth.getTime() - 86_400_000).toISOString().slice(0, 10));
      expect(e.knownDate > e.asOf).toBe(true);
    }
  });

  it('leaves out inspections completed after knownBy', async () => {
    const all = await participantExamples(db, { from: '2025-01', to: '2026-06' });
    const cut = all[Math.floor(all.length / 2)]?.knownDate ?? '2026-01-01';
    const known = await participantExamples(db, { from: '2025-01', to: '2026-06', knownBy: cut });
    expect(known.length).toBeLessThan(all.length);
    expect(known.every((e) => e.knownDate <= cut)).toBe(true);
  });
});

describe('exampleFeatures', () => {
  it('gives each example the features score computes at its as-of date, without its own inspection', async () => {
    const examples = await participantExamples(db, { from: '2025-01', to: '2026-06' });
    const { values, features } = await exampleFeatures(db, examples, SCORE_DEFAULTS);
    const e = examples[examples.length - 1];
    if (e === undefined) throw new Error('no example');
    const i = examples.length - 1;
    const direct = await computeFeatures(db, { ...SCORE_DEFAULTS, asOf: e.asOf });
    const row = (await db.all(`SELECT * FROM ${direct.table} WHERE inn = '${e.inn}'`))[0];
    if (row === undefined) throw new Error(`${e.inn} not in the universe at ${e.asOf}`);
    features.forEach((f, j) => {
      const expected = row[f.id] === null ? Number.NaN : Number(row[f.id]);
      expect(values[i * features.length + j], f.id).toEqual(expected);
    });
    // Only inspections completed by the as-of date count in the history features: never the example's own.
    const before = await db.all(`SELECT count(*)::INTEGER AS n FROM outcomes WHERE inn = '${e.inn}' AND completed_date <= DATE '${e.asOf}'`);
    expect(values[i * features.length + FEATURES.findIndex((f) => f.id === 'insp_count')]).toBe(Number(before[0]?.['n']));
  });
});
