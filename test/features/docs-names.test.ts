import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/features/compute.js';
import { MODEL_INPUT_IDS } from '../../src/models/risk/inputs.js';
import { checkProfileFeatures, riskProfileFromText } from '../../src/rules/index.js';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const CATALOGUE = new Map(FEATURES.map((f) => [f.id, f]));
const KNOWN = new Set([...FEATURES.map((f) => f.id), ...MODEL_INPUT_IDS]);

async function docs(): Promise<{ name: string; text: string }[]> {
  const names = (await readdir(DOCS)).filter((n) => n.endsWith('.md')).sort();
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(DOCS, name), 'utf8') })));
}

/**
 * The places where docs name a feature: a condition's `feature: X`, a reason
 * placeholder `{X}` or `{X:format}`, `amount_at_stake: X`, and the feature
 * lists of quoted messages ("did you mean X, Y?", "provides no X, Y;").
 */
function featureNames(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/\{\s*feature:\s+([a-z][a-z0-9_]*)/g)) names.push(m[1] as string);
  for (const m of text.matchAll(/\{([a-z][a-z0-9]*_[a-z0-9_]*)(?::[a-z]+)?\}/g)) names.push(m[1] as string);
  for (const m of text.matchAll(/amount_at_stake: "?([a-z][a-z0-9]*_[a-z0-9_]*)/g)) names.push(m[1] as string);
  for (const m of text.matchAll(/(?:did you mean|provides no) ([a-z0-9_]+(?:, [a-z0-9_]+)*)/g)) names.push(...(m[1] as string).split(', '));
  return names;
}

describe('docs/', () => {
  it('name only features that exist', async () => {
    const unknown: string[] = [];
    for (const { name, text } of await docs()) for (const feature of featureNames(text)) if (!KNOWN.has(feature)) unknown.push(`${name}: ${feature}`);
    expect(unknown).toEqual([]);
  });

  it('show risk profiles that load and name catalogue features only', async () => {
    let profiles = 0;
    for (const { name, text } of await docs()) {
      for (const block of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
        if (!/^indicators:/m.test(block[1] as string)) continue;
        profiles++;
        expect(() => checkProfileFeatures(riskProfileFromText(block[1] as string, name), CATALOGUE), name).not.toThrow();
      }
    }
    expect(profiles).toBeGreaterThan(0);
  });

  it('find a misnamed feature (the check is not empty)', () => {
    expect(featureNames('- { feature: vat_deduction_ratio_12q, op: ">", value: 1 }\n{import_vat_paid_12q_rub:money}').filter((f) => !KNOWN.has(f))).toEqual([
      'vat_deduction_ratio_12q',
      'import_vat_paid_12q_rub',
    ]);
  });
});
