import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/io/db.js';
import { Workspace } from '../../src/io/workspace.js';

const tables = async (db: Awaited<ReturnType<typeof openDuckDb>>): Promise<string[]> =>
  (await db.all(`SELECT table_name FROM duckdb_tables() WHERE temporary UNION ALL SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal ORDER BY 1`)).map((r) => String(r['table_name']));

describe('Workspace: the TEMP relations of one computation', () => {
  it('drops what it created, views before the tables they read', async () => {
    const db = await openDuckDb(':memory:');
    try {
      const ws = await Workspace.open(db, 'features', 'features as of 2026-06-30');
      ws.claim('t_base');
      await db.run(`CREATE TEMP TABLE t_base AS SELECT 1 AS x`);
      ws.claim('t_view', 'VIEW');
      await db.run(`CREATE TEMP VIEW t_view AS SELECT * FROM t_base`);
      expect(await tables(db)).toEqual(['t_base', 't_view']);
      await ws.drop();
      expect(await tables(db)).toEqual([]);
      expect(ws.live).toBe(false);
    } finally {
      db.close();
    }
  });

  it('a new computation of the same kind supersedes the last; another kind may not take its names', async () => {
    const db = await openDuckDb(':memory:');
    try {
      const june = await Workspace.open(db, 'features', 'features as of 2026-06-30');
      june.claim('t_asof');
      await db.run(`CREATE TEMP TABLE t_asof AS SELECT 6 AS month`);
      const items = await Workspace.open(db, 'item examples', 'item examples as of 2026-05-31');
      expect(() => items.claim('t_asof')).toThrow('the TEMP relation t_asof belongs to features as of 2026-06-30, still in use; item examples as of 2026-05-31 cannot take it');
      const july = await Workspace.open(db, 'features', 'features as of 2026-07-31');
      expect(june.live).toBe(false);
      expect(await tables(db)).toEqual([]);
      july.claim('t_asof');
      await db.run(`CREATE TEMP TABLE t_asof AS SELECT 7 AS month`);
      expect(await db.all(`SELECT month FROM t_asof`)).toEqual([{ month: 7 }]);
      expect(() => june.claim('t_other')).toThrow('the workspace of features as of 2026-06-30 was dropped');
    } finally {
      db.close();
    }
  });
});
