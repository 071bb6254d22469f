/**
 * Global setup of the scenario and quality tiers: builds (or finds in the
 * cache) the worlds the tier's tests read, before any test starts, and checks
 * after the run that no test changed one.
 */

import type { TestProject } from 'vitest/node';
import { buildWorld, checkWorldUnchanged, type WorldName } from './worlds.js';

/** The worlds of each tier, keyed by project name, largest first. */
export const TIER_WORLDS: Record<string, readonly WorldName[]> = {
  scenario: ['items', 'score', 'plan', 'small'],
  quality: ['large', 'unseen', 'unseen2', 'unseen3', 'samples', 'items', 'small'],
};

/** Two builds at a time: one generates (JavaScript) while the other ingests (DuckDB's threads); 19 s -> 15 s cold. */
const BUILDS_AT_ONCE = 2;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const names = TIER_WORLDS[project.name] ?? [];
  const queue = [...names];
  const builder = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const world = await buildWorld(name);
      if (world.built) process.stdout.write(`world "${name}" built in ${world.seconds.toFixed(1)} s (${world.dir})\n`);
    }
  };
  await Promise.all(Array.from({ length: BUILDS_AT_ONCE }, builder));
  return async () => {
    for (const name of names) await checkWorldUnchanged(name);
  };
}
