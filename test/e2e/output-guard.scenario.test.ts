/**
 * The output guard: the main job on data-samples/ as `npm start` runs it
 * (ingest, score with models/default, plan --report), into a temporary
 * folder, compared by sha256 with the committed list in output-guard.sha256.
 * A change that alters an output on purpose updates the list in the same
 * commit and says why (UPDATE_GUARD=1 rewrites it; docs/testing.md).
 * `npm run train:sample`'s model is guarded in the quality tier
 * (model-guard.quality.test.ts).
 */

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { normaliseReport } from '../util/golden.js';
import { expectGuarded, runGuardSteps, sha256 } from './guard-list.js';

const PERIOD = '2026-06';
const RUN_KEY = `out/${PERIOD}`;

/** The files of a run folder the guard hashes as they are. */
const RUN_FILES = ['ranked.csv', 'reasons.csv', 'evidence.csv', 'trace-evidence.csv', 'plan.csv', 'plan.xlsx', 'eligible.csv', 'excluded.csv', 'referrals.csv', 'outcomes-template.csv', 'plan-summary.json'];

/** One hash over a folder: each file's name and sha256, in name order. */
async function folderHash(dir: string): Promise<string> {
  const lines: string[] = [];
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const bytes = await readFile(join(dir, name)).catch(() => null);
    if (bytes !== null) lines.push(`${name}\t${sha256(bytes)}`);
  }
  return sha256(lines.join('\n'));
}

/** The guarded hashes of a run folder, keyed as in the committed list. */
async function guardedHashes(run: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const name of RUN_FILES) hashes.set(`${RUN_KEY}/${name}`, sha256(await readFile(join(run, name))));
  const manifest = JSON.parse(await readFile(join(run, 'manifest.json'), 'utf8')) as { result: unknown };
  hashes.set(`${RUN_KEY}/manifest.json#result`, sha256(JSON.stringify(manifest.result)));
  hashes.set(`${RUN_KEY}/report.html#normalised`, sha256(normaliseReport(await readFile(join(run, 'report.html'), 'utf8'))));
  hashes.set(`${RUN_KEY}/dossiers/`, await folderHash(join(run, 'dossiers')));
  return hashes;
}

let root: string;
let run: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccrg-guard-'));
  run = join(root, 'out', PERIOD);
  const store = join(root, 'out', 'ccrg.duckdb');
  // As npm start.
  await runGuardSteps([
    ['ingest', '--dir', 'data-samples', '--store', store, '--rejects', join(root, 'out', 'rejects.csv')],
    ['score', '--period', 'latest', '--store', store, '--model', 'models/default', '--out', run],
    ['plan', '--period', 'latest', '--store', store, '--out', run, '--report'],
  ]);
}, 240_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('output guard (test/e2e/output-guard.sha256)', () => {
  it('gives the committed hashes for the main job on data-samples', async () => {
    await expectGuarded('out/', await guardedHashes(run));
  });
});
