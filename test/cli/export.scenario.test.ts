import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../util/cli.js';
import { buildWorld } from '../scenario/worlds.js';

let store: string;

beforeAll(async () => {
  ({ store } = await buildWorld('samples'));
});

const WINDOW = ['--from', '2025-10', '--to', '2026-06'];

// The matrix itself, cell for cell, is checked in export.quality.test.ts (about 30 s).
describe('ccrg export examples', () => {
  it('refuses a format it does not write, and a risk profile at item level', async () => {
    const bad = await runCli(['export', 'examples', '--store', store, ...WINDOW, '--format', 'xlsx']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('xlsx');
    const item = await runCli(['export', 'examples', '--store', store, ...WINDOW, '--level', 'item', '--risk-profile', 'profiles/default.yaml']);
    expect(item.code).toBe(2);
    expect(item.err).toContain('--risk-profile applies to --level participant only');
  });
});
