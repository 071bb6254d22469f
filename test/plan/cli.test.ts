import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureOutput } from '../util/cli.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ccrg plan flags', () => {
  it.each([
    [['--capacity-desk', '5'], 'Give both --capacity-desk and --capacity-field'],
    [['--capacity', '5', '--capacity-desk', '5', '--capacity-field', '1'], 'not both'],
    [['--quota-by', 'office'], '--quota-by and --quotas go together'],
    [['--explore', '1.5'], '--explore must be a share from 0 to 1'],
    [['--capacity', '2.5'], '--capacity must be a whole number'],
    [['--dominance-share', '0.4'], '--dominance-share must be above 0.5'],
    [['--explore-weighting', 'size'], 'Invalid values'],
    [['--rank-by', 'items', '--rescore'], '--rescore replaces the run folder, the item scores with it, so it cannot go with --rank-by items'],
    [['--drift-months', '3'], "--drift-months sets the batch report's drift watch: give --report with it"],
    [['--report', '--drift-months', '-1'], '--drift-months must be a whole number >= 0, got -1'],
  ])('exits 2 on %j', async (flags, message) => {
    const { err } = captureOutput();
    const code = await main(['plan', '--period', '2026-06', '--store', '/nonexistent/store.duckdb', ...flags]);
    expect(code).toBe(2);
    expect(err.join('')).toContain(message);
  });
});

describe('ccrg score --drift-months', () => {
  it.each([
    [['--drift-months', '3'], "--drift-months sets the batch report's drift watch: give --report with it"],
    [['--report', '--drift-months', '1.5'], '--drift-months must be a whole number >= 0, got 1.5'],
  ])('exits 2 on %j', async (flags, message) => {
    const { err } = captureOutput();
    expect(await main(['score', '--period', '2026-06', '--store', '/nonexistent/store.duckdb', ...flags])).toBe(2);
    expect(err.join('')).toContain(message);
  });
});

describe('--rank-by items', () => {
  it('is a ranking of the plan only: score refuses it', async () => {
    const { err } = captureOutput();
    const code = await main(['score', '--period', '2026-06', '--store', '/nonexistent/store.duckdb', '--rank-by', 'items']);
    expect(code).toBe(2);
    expect(err.join('')).toContain('Invalid values');
    expect(err.join('')).toContain('Argument: rank-by, Given: "items", Choices: "auto", "rules", "model"');
  });
});
