import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/io/db.js';
import { runScore } from '../../src/app/score.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { extractCsv, fixtureFile, ingestInto, tempDir } from '../util/fixtures.js';
import { buildWorld, copyWorld } from '../scenario/worlds.js';
import { scoreConfig } from './helpers.js';

const clock = fixedClock('2026-11-26');

describe('score as of a date', () => {
  it('does not change when a correction, a declaration version or an outcome dated after the as-of date arrives', async () => {
    // A private copy: the test ingests late rows into the store.
    const { store } = await copyWorld(await buildWorld('small'), await tempDir());
    const first = join(await tempDir(), 'first');
    const result = await runScore(scoreConfig(store, '2026-03', first), clock, memoryLogger());
    const top = result.ranked[0]?.inn ?? '';
    const last = result.ranked[result.ranked.length - 1]?.inn ?? '';

    const db = await openDuckDb(store);
    try {
      const item = (await db.all(`SELECT * FROM declarations WHERE importer_inn = '${last}' AND release_date <= DATE '2026-03-31' ORDER BY release_date DESC, decl_id, item_no LIMIT 1`))[0] ?? {};
      const ret = (await db.all(`SELECT * FROM tax_returns WHERE inn = '${last}' AND filed_date <= DATE '2026-03-31' ORDER BY tax_period DESC, correction_no DESC LIMIT 1`))[0];
      const dir = await tempDir();
      const inputs = [
        {
          extract: 'declarations' as const,
          file: await fixtureFile(
            'd.csv',
            extractCsv('declarations', [
              {
                ...Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v === null ? '' : String(v)])),
                version: '9',
                version_date: '2026-05-01',
                customs_value_rub: '1.00',
                duty_rub: '0.00',
                import_vat_rub: '0.00',
              },
            ]),
            dir,
          ),
        },
        {
          extract: 'outcomes' as const,
          file: await fixtureFile(
            'o.csv',
            extractCsv('outcomes', [
              { inspection_id: 'LATE-1', inn: top, started_date: '2026-03-01', completed_date: '2026-05-20', violation: '1', additional_charges_rub: '99999999.00' },
              { inspection_id: 'LATE-2', inn: last, started_date: '2026-04-15', completed_date: '', violation: '', additional_charges_rub: '' },
            ]),
            dir,
          ),
        },
      ];
      if (ret !== undefined) {
        inputs.push({
          extract: 'tax_returns' as const,
          file: await fixtureFile(
            't.csv',
            extractCsv('tax_returns', [
              {
                ...Object.fromEntries(Object.entries(ret).map(([k, v]) => [k, v === null ? '' : String(v)])),
                correction_no: '7',
                filed_date: '2026-05-10',
                vat_deductions_import_rub: '999999999.00',
                vat_deductions_rub: '999999999.00',
              },
            ]),
            dir,
          ),
        } as never);
      }
      const added = await ingestInto(db, inputs);
      expect(added.rejects).toEqual([]);
      expect(added.files.reduce((n, f) => n + f.inserted, 0)).toBe(inputs.length + 1);
    } finally {
      db.close();
    }
    const second = join(await tempDir(), 'second');
    await runScore(scoreConfig(store, '2026-03', second), clock, memoryLogger());
    for (const name of ['ranked.csv', 'reasons.csv', 'evidence.csv']) {
      expect(await readFile(join(second, name), 'utf8')).toBe(await readFile(join(first, name), 'utf8'));
    }
  });
});
