/**
 * The output guard: the main job on data-samples/ (as `npm start` runs it)
 * and `npm run train:sample`'s training, into a temporary folder, compared
 * by sha256 with the committed list in output-guard.sha256. A change that
 * alters an output on purpose updates the list in the same commit and says
 * why (UPDATE_GUARD=1 rewrites it; docs/testing.md).
 */

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../scenario/worlds.js';
import { runCli } from '../util/cli.js';
import { normaliseReport } from '../util/golden.js';

const LIST = join(REPO_ROOT, 'test', 'e2e', 'output-guard.sha256');
const PERIOD = '2026-06';
/** A fixed date, so that the guard does not depend on the day it runs (the samples end in 2026-06). */
const TODAY = '2026-11-26';

/** The files of a run folder the guard hashes as they are. */
const RUN_FILES = ['ranked.csv', 'reasons.csv', 'evidence.csv', 'plan.csv', 'plan.xlsx', 'eligible.csv', 'excluded.csv', 'referrals.csv', 'plan-summary.json'];
const MODEL_FILES = ['model.json', 'model-card.md'];

const sha256 = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** One hash over a folder: each file's name and sha256, in name order. */
async function folderHash(dir: string): Promise<string> {
  const lines: string[] = [];
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const bytes = await readFile(join(dir, name)).catch(() => null);
    if (bytes !== null) lines.push(`${name}\t${sha256(bytes)}`);
  }
  return sha256(lines.join('\n'));
}

/** The guarded hashes of a run folder and a model folder, keyed as in the committed list. */
async function guardedHashes(run: string, model: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const runKey = `out/${PERIOD}`;
  for (const name of RUN_FILES) hashes.set(`${runKey}/${name}`, sha256(await readFile(join(run, name))));
  const manifest = JSON.parse(await readFile(join(run, 'manifest.json'), 'utf8')) as { result: unknown };
  hashes.set(`${runKey}/manifest.json#result`, sha256(JSON.stringify(manifest.result)));
  hashes.set(`${runKey}/report.html#normalised`, sha256(normaliseReport(await readFile(join(run, 'report.html'), 'utf8'))));
  hashes.set(`${runKey}/dossiers/`, await folderHash(join(run, 'dossiers')));
  for (const name of MODEL_FILES) hashes.set(`models/default/${name}`, sha256(await readFile(join(model, name))));
  return hashes;
}

function parseList(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match === null) throw new Error(`${LIST}: not "<sha256>  <name>": ${line}`);
    entries.set(match[2] as string, match[1] as string);
  }
  return entries;
}

function listText(hashes: Map<string, string>): string {
  const header = [
    '# sha256 of the main job on data-samples/ (npm start: ingest, score, plan --report) and of',
    "# npm run train:sample's model, checked by test/e2e/output-guard.scenario.test.ts.",
    '# A change that alters them on purpose updates this list in the same commit and says why:',
    '#   UPDATE_GUARD=1 npx vitest run --project scenario test/e2e/output-guard.scenario.test.ts',
    '# manifest.json#result: the result part as JSON; report.html#normalised: the generated-at time',
    '# fixed; dossiers/: one hash of the names and hashes of its files.',
  ];
  return `${[...header, ...[...hashes].map(([name, hash]) => `${hash}  ${name}`)].join('\n')}\n`;
}

let root: string;
let run: string;
let model: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccrg-guard-'));
  run = join(root, 'out', PERIOD);
  model = join(root, 'model');
  const store = join(root, 'out', 'ccrg.duckdb');
  // As npm start: the extracts named relative to the repository (their paths appear in the outputs).
  const cwd = process.cwd();
  process.chdir(REPO_ROOT);
  try {
    const steps = [
      ['ingest', '--dir', 'data-samples', '--store', store, '--rejects', join(root, 'out', 'rejects.csv')],
      ['score', '--period', 'latest', '--store', store, '--model', 'models/default', '--out', run],
      ['plan', '--period', 'latest', '--store', store, '--out', run, '--report'],
      ['train', '--store', store, '--from', '2024-07', '--to', '2025-12', '--out', model],
    ];
    for (const step of steps) {
      const result = await runCli([...step, '--quiet', '--today', TODAY]);
      if (result.code !== 0) throw new Error(`ccrg ${step.join(' ')} exited ${result.code}: ${result.err}`);
    }
  } finally {
    process.chdir(cwd);
  }
}, 240_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('output guard (test/e2e/output-guard.sha256)', () => {
  it('gives the committed hashes for the main job on data-samples and for the sample model', async () => {
    const actual = await guardedHashes(run, model);
    if (process.env['UPDATE_GUARD'] === '1') await writeFile(LIST, listText(actual));
    const expected = parseList(await readFile(LIST, 'utf8'));
    const changed = [...new Set([...expected.keys(), ...actual.keys()])].filter((name) => expected.get(name) !== actual.get(name));
    expect(
      changed,
      `outputs changed: ${changed.join(', ')}. If on purpose, rerun with UPDATE_GUARD=1 and commit the list with the reason`,
    ).toEqual([]);
  });

  it('reproduces the committed models/default byte for byte (npm run train:sample)', async () => {
    for (const name of MODEL_FILES) {
      expect(sha256(await readFile(join(model, name))), `models/default/${name}`).toBe(sha256(await readFile(join(REPO_ROOT, 'models', 'default', name))));
    }
  });
});
