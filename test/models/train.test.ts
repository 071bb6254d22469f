import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FEATURES } from '../../src/features/compute.js';
import { openDuckDb } from '../../src/io/db.js';
import { loadArtifact } from '../../src/models/artifact.js';
import { participantExamples } from '../../src/models/examples.js';
import { tempDir } from '../util/fixtures.js';
import { generatedStore } from '../score/helpers.js';

let dir: string;
let store: string;
let remove: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  ({ dir, store, remove } = await generatedStore({ participants: 1500, months: 24, seed: 31 }));
}, 120_000);
afterAll(() => remove());

async function train(args: string[]): Promise<number> {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return await main(['train', '--from', '2024-07', '--to', '2026-06', '--today', '2026-11-26', '--quiet', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
}

describe('ccrg train --level participant', () => {
  it('writes an artifact that loads for the participant risk level with the feature list, and its card', async () => {
    const out = join(await tempDir(), 'model');
    expect(await train(['--store', store, '--out', out])).toBe(0);
    const { artifact, models } = await loadArtifact(join(out, 'model.json'), { kind: 'risk', level: 'participant', features: FEATURES.map((f) => f.id) });
    expect(artifact.labelCount.examples).toBeGreaterThan(30);
    expect(typeof artifact.metrics['aucModel']).toBe('number');
    expect(models.kind).toBe('risk');
    expect(await readFile(join(out, 'model-card.md'), 'utf8')).toContain('participant');
    await expect(loadArtifact(join(out, 'model.json'), { level: 'item' })).rejects.toThrow('the model is of level "participant", expected "item"');
  });

  it('trains only on labels known before the validation part starts', async () => {
    const out = join(await tempDir(), 'model');
    expect(await train(['--store', store, '--out', out])).toBe(0);
    const { artifact } = await loadArtifact(join(out, 'model.json'));
    const validationStart = String(artifact.hyperparameters['split']?.['validationStart']);
    const db = await openDuckDb(store, { readOnly: true });
    try {
      const examples = await participantExamples(db, { from: '2024-07', to: '2026-06' });
      const usable = examples.filter((e) => e.asOf < validationStart && e.knownDate < validationStart);
      expect(artifact.labelCount.examples).toBe(usable.length);
      expect(artifact.labelCount.positives).toBe(usable.filter((e) => e.label === 1).length);
    } finally {
      db.close();
    }
  });

  it('never reads truth.csv: the same files give the same model without it', async () => {
    const data = join(dir, 'data');
    const first = join(await tempDir(), 'a');
    const second = join(await tempDir(), 'b');
    expect(await train(['--dir', data, '--out', first])).toBe(0);
    await rm(join(data, 'truth.csv'));
    expect(await train(['--dir', data, '--out', second])).toBe(0);
    expect(await readFile(join(second, 'model.json'), 'utf8')).toBe(await readFile(join(first, 'model.json'), 'utf8'));
  });
});
