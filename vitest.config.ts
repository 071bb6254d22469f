import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Dates in fixtures and outputs are compared as text: pin the zone.
process.env.TZ = 'UTC';

/**
 * Three tiers (docs/testing.md):
 * - unit: inline fixtures and tiny stores, `test/**\/*.test.ts`;
 * - scenario: generated worlds built once per run by the global setup and
 *   cached outside git, `test/**\/*.scenario.test.ts`;
 * - quality: the 20,000-participant floors and other slow checks,
 *   `test/**\/*.quality.test.ts`.
 * `npm test` runs unit and scenario; `npm run test:quality` runs quality.
 */
const SCENARIO = 'test/**/*.scenario.test.ts';
const QUALITY = 'test/**/*.quality.test.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    setupFiles: ['test/util/setup.ts'],
    // One worker per core (vitest's default leaves one core idle: on 2 cores, one worker).
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      // Unit files share their worker's module cache (no fresh import of DuckDB and src per file: 69 s -> 45 s);
      // per-file hooks belong in test/util/setup.ts, not at the top of a helper module.
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [SCENARIO, QUALITY], isolate: false } },
      // Scenario files share it too (93 s -> 74 s): a test that makes src fail spies on a shared object (vi.spyOn), never vi.mock,
      // which a file that loaded the module first would defeat.
      { extends: true, test: { name: 'scenario', include: [SCENARIO], globalSetup: ['test/scenario/global-setup.ts'], isolate: false } },
      { extends: true, test: { name: 'quality', include: [QUALITY], globalSetup: ['test/scenario/global-setup.ts'], testTimeout: 900_000, hookTimeout: 900_000 } },
    ],
  },
});
