import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../../src/features/compute.js';
import { MODEL_INPUTS, PROFILE_INPUTS, modelInputValues, modelMatrix, profileFromSnapshot, profileSnapshot } from '../../../src/models/risk/inputs.js';
import { contributionOf, DEFAULT_PROFILE_PATH, loadRiskProfile } from '../../../src/rules/index.js';
import { tempDir } from '../../util/fixtures.js';

const profile = await loadRiskProfile(null);

/** One row of catalogue features, NaN except the given ones. */
function featureRow(values: Record<string, number>): Float64Array {
  return Float64Array.from(FEATURES, (f) => values[f.id] ?? Number.NaN);
}

describe('participant model inputs', () => {
  it('are the catalogue features followed by the risk profile points per authority', () => {
    expect(MODEL_INPUTS.map((f) => f.id)).toEqual([...FEATURES.map((f) => f.id), 'profile_customs_points', 'profile_tax_points']);
    expect(PROFILE_INPUTS.every((f) => f.unit === 'points')).toBe(true);
  });

  it('add the contributions of the fired customs and tax indicators, features unchanged', () => {
    // VAT excess (tax, weight 30) and a quantity per kg off the code (customs, weight 30).
    const row = featureRow({
      vat_import_deduction_ratio: 3,
      vat_import_deduction_excess_rub: 900_000,
      qty_per_kg_off_code_items: 3,
      qty_per_kg_off_code_at_stake_rub: 400_000,
    });
    const empty = featureRow({});
    const x = modelInputValues(Float64Array.from([...row, ...empty]), 2, profile);
    const m = MODEL_INPUTS.length;
    const n = FEATURES.length;
    expect(Array.from(x.subarray(0, n))).toEqual(Array.from(row));
    expect(x[n]).toBe(Number(contributionOf(30, 400_000).toFixed(4)));
    expect(x[n + 1]).toBe(Number(contributionOf(30, 900_000).toFixed(4)));
    // Nothing fires on a row of unknowns: 0 points, not unknown.
    expect([x[m + n], x[m + n + 1]]).toEqual([0, 0]);
  });

  it('survive the artifact: the snapshot of the profile gives the same points', () => {
    const row = featureRow({ vat_import_deduction_ratio: 3, vat_import_deduction_excess_rub: 900_000 });
    const restored = profileFromSnapshot(JSON.parse(JSON.stringify(profileSnapshot(profile))), 'model.json');
    expect(Array.from(modelMatrix({ profile: restored }, row, 1).values)).toEqual(Array.from(modelInputValues(row, 1, profile)));
  });

  it('keep no file position in the snapshot: the same profile read from two folders gives the same bytes', async () => {
    const snapshots: string[] = [];
    for (const folder of [await tempDir(), await tempDir()]) {
      const copy = join(folder, 'default.yaml');
      await copyFile(DEFAULT_PROFILE_PATH, copy);
      const loaded = await loadRiskProfile(copy);
      expect(loaded.indicators[0]?.refs[0]?.at).toMatch(/default\.yaml:\d+:\d+$/);
      const text = JSON.stringify(profileSnapshot(loaded));
      expect(text).not.toContain(folder);
      expect(text).not.toContain('default.yaml');
      snapshots.push(text);
    }
    expect(snapshots[1]).toBe(snapshots[0]);
    // Loaded back, every reference points at the artifact it came from.
    const restored = profileFromSnapshot(JSON.parse(snapshots[0] as string), 'model.json');
    expect(new Set(restored.indicators.flatMap((i) => i.refs.map((r) => r.at)))).toEqual(new Set(['model.json']));
  });
});
