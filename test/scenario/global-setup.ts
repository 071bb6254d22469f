/**
 * Global setup of the scenario and quality tiers: builds (or finds in the
 * cache) the worlds the tier's tests read, before any test starts, and checks
 * after the run that no test changed one.
 */

import type { TestProject } from 'vitest/node';
import { buildWorld, checkWorldUnchanged, type WorldName } from './worlds.js';

/** The worlds of each tier, keyed by project name. */
export const TIER_WORLDS: Record<string, readonly WorldName[]> = {
  scenario: ['samples', 'small', 'score', 'plan', 'items', 'unseen'],
  quality: ['large'],
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const names = TIER_WORLDS[project.name] ?? [];
  for (const name of names) {
    const world = await buildWorld(name);
    if (world.built) process.stdout.write(`world "${name}" built in ${world.seconds.toFixed(1)} s (${world.dir})\n`);
  }
  return async () => {
    for (const name of names) await checkWorldUnchanged(name);
  };
}
