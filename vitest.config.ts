import { defineConfig } from 'vitest/config';

// Dates in fixtures and outputs are compared as text: pin the zone.
process.env.TZ = 'UTC';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
