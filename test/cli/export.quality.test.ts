import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCORE_DEFAULTS, TRAIN_DEFAULTS } from '../../src/config/defaults.js';
import { openDuckDb } from '../../src/io/db.js';
import { participantTrainingMatrix } from '../../src/models/risk/train.js';
import { loadRiskProfile } from '../../src/rules/index.js';
import { memoryLogger } from '../../src/util/logger.js';
import { runCli } from '../util/cli.js';
import { tempDir } from '../util/fixtures.js';
import { buildWorld } from '../scenario/worlds.js';
import { expectPseudonymisedCopy } from './pseudonymised.js';

let store: string;

beforeAll(async () => {
  ({ store } = await buildWorld('samples'));
});

const WINDOW = ['--from', '2025-04', '--to', '2026-06'];

// Quality tier: three feature computations over nine as-of months, about 30 s.
describe('ccrg export examples', () => {
  it('writes the training matrix train fits, cell for cell, as CSV and as Parquet', async () => {
    const dir = await tempDir();
    const csv = join(dir, 'examples.csv');
    const parquet = join(dir, 'examples.parquet');
    const done = await runCli(['export', 'examples', '--store', store, ...WINDOW, '--format', 'csv', '--out', csv, '--quiet']);
    expect(done.code, done.err).toBe(0);
    expect(done.out).toMatch(/wrote \d+ participant examples x \d+ model inputs/);
    expect((await runCli(['export', 'examples', '--store', store, ...WINDOW, '--out', parquet, '--quiet'])).code).toBe(0);
    // Pseudonymised: the same matrix, row by row, with the inspections' and participants' ids replaced.
    const key = randomBytes(32);
    const keyFile = join(dir, 'pseudonym.key');
    await writeFile(keyFile, key);
    const pseudonymised = join(dir, 'examples-p.csv');
    const p = await runCli(['export', 'examples', '--store', store, ...WINDOW, '--format', 'csv', '--out', pseudonymised, '--quiet', '--pseudonymise', '--key-file', keyFile]);
    expect(p.code, p.err).toBe(0);

    const db = await openDuckDb(store, { readOnly: true });
    const realIds = [
      ...(await db.all('SELECT DISTINCT inn FROM participants')).map((r) => String(r['inn'])),
      ...(await db.all('SELECT DISTINCT inspection_id FROM outcomes')).map((r) => String(r['inspection_id'])),
    ];
    await expectPseudonymisedCopy(csv, pseudonymised, key, { example_id: 'inspection', inn: 'inn' }, [], realIds);
    const config = { from: '2025-04', to: '2026-06', validationShare: TRAIN_DEFAULTS.validationShare, stoppingShare: TRAIN_DEFAULTS.stoppingShare, features: SCORE_DEFAULTS };
    const matrix = await participantTrainingMatrix(db, { ...config, profile: await loadRiskProfile(null) }, memoryLogger());
    db.close();
    const files = await openDuckDb(':memory:');
    try {
      for (const read of [`read_csv('${csv}')`, `read_parquet('${parquet}')`]) {
        const rows = await files.all(`SELECT * FROM ${read}`);
        expect(rows).toHaveLength(matrix.all.length);
        const n = matrix.names.length;
        rows.forEach((row, r) => {
          const e = matrix.all[r]!;
          expect(row['example_id']).toBe(e.exampleId);
          expect(Number(row['label'])).toBe(e.label);
          expect(row['inclusion_probability'] === null ? null : Number(row['inclusion_probability'])).toBe(e.propensity);
          matrix.names.forEach((name, c) => {
            const v = matrix.values[r * n + c]!;
            if (Number.isNaN(v)) expect(row[name], `${name} of row ${r}`).toBeNull();
            else expect(Number(row[name]), `${name} of row ${r}`).toBe(v);
          });
        });
        const count = (part: string): number => rows.filter((row) => row['part'] === part).length;
        expect([count('fit'), count('stopping'), count('validation')]).toEqual([matrix.split.fit.length, matrix.split.stopping.length, matrix.split.validation.length]);
      }
    } finally {
      files.close();
    }
  });
});
