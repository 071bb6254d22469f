import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/features/compute.js';
import { openDuckDb } from '../../src/io/db.js';
import { tempDir } from '../util/fixtures.js';
import { runCli } from '../util/cli.js';
import { buildWorld } from '../scenario/worlds.js';
import { expectPseudonymisedCopy } from './pseudonymised.js';

let store: string;

beforeAll(async () => {
  ({ store } = await buildWorld('score'));
});

const WINDOW = ['--from', '2025-10', '--to', '2026-06'];

// The matrix itself, cell for cell, is checked in export.quality.test.ts (about 30 s).
describe('ccrg export examples', () => {
  it('refuses a format it does not write, and a risk profile at item level', async () => {
    const bad = await runCli(['export', 'examples', '--store', store, ...WINDOW, '--format', 'xlsx']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('xlsx');
    const item = await runCli(['export', 'examples', '--store', store, ...WINDOW, '--level', 'item', '--risk-profile', 'profiles/default.yaml']);
    expect(item.code).toBe(2);
    expect(item.err).toContain('--risk-profile applies to --level participant only');
  });
});

describe('ccrg export features', () => {
  it("writes the month's feature table, the same rows as ranked.csv, as CSV", async () => {
    const dir = await tempDir();
    const file = join(dir, 'features.csv');
    const done = await runCli(['export', 'features', '--store', store, '--period', '2026-06', '--format', 'csv', '--out', file, '--quiet']);
    expect(done.code, done.err).toBe(0);
    const scored = await runCli(['score', '--store', store, '--period', '2026-06', '--out', join(dir, 'run'), '--quiet']);
    expect(scored.code, scored.err).toBe(0);
    const db = await openDuckDb(':memory:');
    try {
      const rows = await db.all(`SELECT * FROM read_csv('${file}', all_varchar = true) ORDER BY inn`);
      const ranked = await db.all(`SELECT inn, customs_value_window_rub FROM read_csv('${join(dir, 'run', 'ranked.csv')}', all_varchar = true) ORDER BY inn`);
      expect(rows.map((r) => r['inn'])).toEqual(ranked.map((r) => r['inn']));
      expect(rows.map((r) => Number(r['customs_value_window_rub']))).toEqual(ranked.map((r) => Number(r['customs_value_window_rub'])));
      for (const f of FEATURES) expect(Object.keys(rows[0] ?? {})).toContain(f.id);
      expect(done.out).toContain(`wrote the features of ${rows.length} participants as of 2026-06-30`);
    } finally {
      db.close();
    }
    const late = await runCli(['export', 'features', '--store', store, '--period', '2031-01', '--out', join(dir, 'late.csv')]);
    expect(late.code).toBe(2);
    expect(late.err).toContain('--period 2031-01 has no data: the store holds declarations released in');
  });
});

describe('ccrg export --pseudonymise --key-file', () => {
  it('writes the plain feature table row by row with keyed pseudonyms for INNs, without names, real ids or the key', async () => {
    const dir = await tempDir();
    const key = Buffer.from(randomBytes(32).toString('hex'));
    const keyFile = join(dir, 'pseudonym.key');
    // A line break after a text key, as an editor or a shell leaves it, is not part of it.
    await writeFile(keyFile, Buffer.concat([key, Buffer.from('\n')]));
    const files = (period: string, pseudonymised: boolean): string[] => [
      'export', 'features', '--store', store, '--period', period, '--format', 'csv', '--quiet',
      '--out', join(dir, `${period}${pseudonymised ? '-p' : ''}.csv`),
      ...(pseudonymised ? ['--pseudonymise', '--key-file', keyFile] : []),
    ];
    const plain = await runCli(files('2026-06', false));
    expect(plain.code, plain.err).toBe(0);
    const done = await runCli(files('2026-06', true));
    expect(done.code, done.err).toBe(0);
    expect(done.out).toContain(`pseudonymised: inn replaced by HMAC-SHA256 pseudonyms under the key of ${keyFile}; dropped: name`);
    const db = await openDuckDb(store, { readOnly: true });
    let realIds: string[];
    try {
      realIds = (await db.all('SELECT DISTINCT inn FROM participants')).map((r) => String(r['inn']));
    } finally {
      db.close();
    }
    expect(realIds.length).toBeGreaterThan(200);
    // The expected pseudonym is recomputed from the key for every cell: a function of the key and the INN
    // alone, so the same in every month and export (the quality tier checks the training matrix too).
    await expectPseudonymisedCopy(join(dir, '2026-06.csv'), join(dir, '2026-06-p.csv'), key, { inn: 'inn' }, ['name'], realIds);
  });

  it('refuses a missing key file, a key under 32 bytes, and a key without --pseudonymise, writing nothing', async () => {
    const dir = await tempDir();
    const out = join(dir, 'features.csv');
    const short = join(dir, 'short.key');
    await writeFile(short, randomBytes(31));
    const base = ['export', 'features', '--store', store, '--period', '2026-06', '--out', out];
    const noKey = await runCli([...base, '--pseudonymise']);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('--pseudonymise needs --key-file');
    const missing = await runCli([...base, '--pseudonymise', '--key-file', join(dir, 'none.key')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`--key-file ${join(dir, 'none.key')} cannot be read: no such file`);
    const tooShort = await runCli([...base, '--pseudonymise', '--key-file', short]);
    expect(tooShort.code).toBe(2);
    expect(tooShort.err).toContain(`--key-file ${short} holds 31 bytes: a pseudonym key needs at least 32`);
    const keyAlone = await runCli([...base, '--key-file', short]);
    expect(keyAlone.code).toBe(2);
    expect(keyAlone.err).toContain('--key-file is the key of --pseudonymise');
    const examples = await runCli(['export', 'examples', '--store', store, ...WINDOW, '--out', out, '--pseudonymise', '--key-file', short]);
    expect(examples.code).toBe(2);
    expect(examples.err).toContain('holds 31 bytes');
    expect(existsSync(out)).toBe(false);
  });
});
