import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/features/compute.js';
import { loadArtifact } from '../../src/models/artifact.js';

describe('models/default (npm run train:sample)', () => {
  it('loads as a participant risk model over the current feature list', async () => {
    const { artifact } = await loadArtifact(new URL('../../models/default/model.json', import.meta.url).pathname, {
      kind: 'risk',
      level: 'participant',
      features: FEATURES.map((f) => f.id),
    });
    expect(artifact.window).toEqual({ from: '2024-07', to: '2026-06' });
  });
});
