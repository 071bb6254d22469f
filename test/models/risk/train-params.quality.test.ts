import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact } from '../../../src/models/risk/artifact.js';
import { runCli } from '../../util/cli.js';
import { tempDir } from '../../util/fixtures.js';
import { buildWorld } from '../../scenario/worlds.js';

let store: string;

beforeAll(async () => {
  ({ store } = await buildWorld('samples'));
});

// Quality tier: a training of about 8 s (npm test keeps its margin to 4 minutes); each mistake's
// message is checked in the unit tier (train-params.test.ts).
describe('ccrg train --params', () => {
  it('grows the models with the file\'s hyperparameters, and refuses a wrong file before writing anything', async () => {
    const dir = await tempDir();
    const params = join(dir, 'params.yaml');
    await writeFile(params, 'classifier:\n  nTrees: 4\n  maxDepth: 2\n  earlyStoppingRounds: 0\namount:\n  nTrees: 3\n');
    const run = (out: string): Promise<{ code: number; err: string }> =>
      runCli(['train', '--store', store, '--from', '2025-04', '--to', '2026-06', '--refit', 'none', '--out', out, '--params', params, '--quiet']);
    const out = join(dir, 'model');
    expect((await run(out)).code).toBe(0);
    const { models } = await loadArtifact(join(out, 'model.json'));
    if (models.kind !== 'risk') throw new Error('expected a risk model');
    expect(models.classifier.params).toMatchObject({ nTrees: 4, maxDepth: 2, earlyStoppingRounds: 0 });
    expect(models.classifier.trees).toHaveLength(4);
    if (models.amount !== null) expect(models.amount.params.nTrees).toBe(3);

    await writeFile(params, 'classifier:\n  nTrees: 0\n');
    const refused = await run(join(dir, 'refused'));
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`${params}:2:11: classifier.nTrees: must be an integer >= 1, got 0`);
    await expect(readFile(join(dir, 'refused', 'model.json'))).rejects.toThrow();
  });
});
