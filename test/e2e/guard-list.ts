/**
 * The committed list of guarded hashes (output-guard.sha256), shared by the
 * output guard (the main job's run folder, scenario tier) and the model
 * guard (`npm run train:sample`'s model, quality tier). Each guard owns the
 * entries under its own prefix; UPDATE_GUARD=1 rewrites only those.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from '../scenario/worlds.js';
import { runCli } from '../util/cli.js';

const LIST = join(REPO_ROOT, 'test', 'e2e', 'output-guard.sha256');

/** A fixed date, so that the guards do not depend on the day they run (the samples end in 2026-06). */
const GUARD_TODAY = '2026-11-26';

export const sha256 = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');

function parseList(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match === null) throw new Error(`${LIST}: not "<sha256>  <name>": ${line}`);
    entries.set(match[2] as string, match[1] as string);
  }
  return entries;
}

function listText(hashes: Map<string, string>): string {
  const header = [
    '# sha256 of the main job on data-samples/ (npm start: ingest, score with models/default, plan --report),',
    '# checked by test/e2e/output-guard.scenario.test.ts, and of npm run train:sample\'s model (models/),',
    '# checked by test/e2e/model-guard.quality.test.ts.',
    '# A change that alters them on purpose updates this list in the same commit and says why:',
    '#   UPDATE_GUARD=1 npx vitest run --project scenario test/e2e/output-guard.scenario.test.ts',
    '#   UPDATE_GUARD=1 npx vitest run --project quality test/e2e/model-guard.quality.test.ts',
    '# manifest.json#result: the result part as JSON; report.html#normalised: the generated-at time',
    '# fixed; dossiers/: one hash of the names and hashes of its files.',
  ];
  return `${[...header, ...[...hashes].map(([name, hash]) => `${hash}  ${name}`)].join('\n')}\n`;
}

/**
 * Compares `actual` with the committed entries whose names start with
 * `prefix`; with UPDATE_GUARD=1 first rewrites those entries (the others
 * are kept as they are).
 */
export async function expectGuarded(prefix: string, actual: Map<string, string>): Promise<void> {
  const committed = parseList(await readFile(LIST, 'utf8'));
  if (process.env['UPDATE_GUARD'] === '1') {
    const merged = new Map([...committed].filter(([name]) => !name.startsWith(prefix)));
    for (const [name, hash] of actual) merged.set(name, hash);
    await writeFile(LIST, listText(new Map([...merged].sort(([a], [b]) => (a.startsWith('out/') === b.startsWith('out/') ? 0 : a.startsWith('out/') ? -1 : 1)))));
  }
  const expected = new Map([...parseList(await readFile(LIST, 'utf8'))].filter(([name]) => name.startsWith(prefix)));
  const changed = [...new Set([...expected.keys(), ...actual.keys()])].filter((name) => expected.get(name) !== actual.get(name));
  expect(changed, `outputs changed: ${changed.join(', ')}. If on purpose, rerun with UPDATE_GUARD=1 and commit the list with the reason`).toEqual([]);
}

/**
 * Runs ccrg commands one after the other from the repository root, as npm
 * scripts do (the extracts named relative to it: their paths appear in the
 * outputs), at the guards' fixed date; throws on the first that fails.
 */
export async function runGuardSteps(steps: readonly string[][]): Promise<void> {
  const cwd = process.cwd();
  process.chdir(REPO_ROOT);
  try {
    for (const step of steps) {
      const result = await runCli([...step, '--quiet', '--today', GUARD_TODAY]);
      if (result.code !== 0) throw new Error(`ccrg ${step.join(' ')} exited ${result.code}: ${result.err}`);
    }
  } finally {
    process.chdir(cwd);
  }
}
