import { cp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildWorld } from '../scenario/worlds.js';
import { runCli } from '../util/cli.js';
import { tempDir } from '../util/fixtures.js';

// Four trainings: in the quality tier to keep npm test under 4 minutes (docs/testing.md).

/** Trains from a folder of extracts into a fresh folder; returns the artifact's text. */
async function trainFrom(data: string, level: 'participant' | 'item'): Promise<string> {
  const out = join(await tempDir(), 'model');
  const result = await runCli(['train', '--level', level, '--dir', data, '--from', '2025-01', '--to', '2026-06', '--out', out, '--quiet', '--today', '2026-11-26']);
  expect(result.code, result.err).toBe(0);
  return readFile(join(out, 'model.json'), 'utf8');
}

describe('training never reads truth.csv: the same files give the same model without it', () => {
  for (const level of ['participant', 'item'] as const) {
    it(`at ${level} level`, async () => {
      const world = await buildWorld('items');
      const withTruth = await trainFrom(world.data, level);
      const data = join(await tempDir(), 'data');
      await cp(world.data, data, { recursive: true });
      await rm(join(data, 'truth.csv'));
      expect(await trainFrom(data, level)).toBe(withTruth);
    }, 180_000);
  }
});
