import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FEATURES, featureById } from '../../src/features/compute.js';
import { withFeatureTables } from '../../src/features/features-doc.js';

describe('docs/features.md', () => {
  it('has a catalogue matching the feature definitions (regenerate with scripts/write-features-doc.ts)', async () => {
    const doc = await readFile(new URL('../../docs/features.md', import.meta.url), 'utf8');
    expect(withFeatureTables(doc)).toBe(doc);
  });

  it('lists each feature once, snake_case, findable by id', () => {
    const ids = FEATURES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(featureById(id)?.id).toBe(id);
    }
    expect(featureById('no_such_feature')).toBeUndefined();
  });
});
