import { describe, expect, it } from 'vitest';
import { MODEL_INPUT_IDS } from '../../src/models/risk/inputs.js';
import { loadArtifact } from '../../src/models/risk/artifact.js';

describe('models/default (npm run train:sample)', () => {
  it('loads as a participant risk model over the current feature list', async () => {
    const { artifact } = await loadArtifact(new URL('../../models/default/model.json', import.meta.url).pathname, {
      kind: 'risk',
      level: 'participant',
      features: MODEL_INPUT_IDS,
    });
    expect(artifact.window).toEqual({ from: '2024-07', to: '2025-12' });
  });
});
