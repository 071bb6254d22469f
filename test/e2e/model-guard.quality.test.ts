/**
 * The model guard: `npm run train:sample`'s training (ingest data-samples/,
 * train 2024-07..2025-12) into a temporary folder gives the committed
 * models/default byte for byte, and the hashes in output-guard.sha256.
 * In the quality tier: the training takes half a minute (docs/testing.md).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../scenario/worlds.js';
import { expectGuarded, runGuardSteps, sha256 } from './guard-list.js';

const MODEL_FILES = ['model.json', 'model-card.md'];

let root: string;
let model: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccrg-model-guard-'));
  model = join(root, 'model');
  const store = join(root, 'out', 'ccrg.duckdb');
  // As npm run train:sample.
  await runGuardSteps([
    ['ingest', '--dir', 'data-samples', '--store', store, '--rejects', join(root, 'out', 'rejects.csv')],
    ['train', '--store', store, '--from', '2024-07', '--to', '2025-12', '--out', model],
  ]);
}, 240_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('model guard (npm run train:sample)', () => {
  it('gives the committed hashes for the sample model', async () => {
    const hashes = new Map<string, string>();
    for (const name of MODEL_FILES) hashes.set(`models/default/${name}`, sha256(await readFile(join(model, name))));
    await expectGuarded('models/', hashes);
  });

  it('reproduces the committed models/default byte for byte', async () => {
    for (const name of MODEL_FILES) {
      expect(sha256(await readFile(join(model, name))), `models/default/${name}`).toBe(sha256(await readFile(join(REPO_ROOT, 'models', 'default', name))));
    }
  });
});
