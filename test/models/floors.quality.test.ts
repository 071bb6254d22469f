import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SCORE_DEFAULTS, TRAIN_DEFAULTS } from '../../src/config/defaults.js';
import { readTruth } from '../../src/models/evaluation/truth.js';
import { MODEL_INPUT_IDS } from '../../src/models/risk/inputs.js';
import { openDuckDb } from '../../src/io/db.js';
import { loadArtifact, serializeArtifact } from '../../src/models/risk/artifact.js';
import { evaluatePopulation } from '../../src/models/evaluation/evaluate-population.js';
import { populationRanking } from '../../src/app/evaluate.js';
import { trainParticipantModel } from '../../src/models/risk/train.js';
import { loadRiskProfile } from '../../src/rules/index.js';
import { memoryLogger } from '../../src/util/logger.js';
import { tempDir } from '../util/fixtures.js';
import { defaultTrainConfig } from './train-config.js';
import { buildWorld } from '../scenario/worlds.js';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// Seed 31337 was never used while tuning the features, the risk profile or the
// learner's defaults. docs/quality.md reports these figures.
describe('quality of the participant model on a larger generated set (seed 31337)', () => {
  it('recovers more charges in the top 5% than the shipped risk profile, and 20% more than risk profile 1.3.0, on months after training', async () => {
    const { data, store } = await buildWorld('large');
    const db = await openDuckDb(store, { readOnly: true });
    onTestFinished(() => db.close());
    const profile = await loadRiskProfile(null);
    // Trained as on 2026-03-31: examples with as-of months in 2025 whose inspection was completed by then.
    const trained = await trainParticipantModel(db, defaultTrainConfig({ from: '2025-01', to: '2025-12', knownBy: '2026-03-31' }, profile), memoryLogger());
    const path = join(await tempDir(), 'model.json');
    await writeFile(path, serializeArtifact(trained.artifact));
    const loaded = await loadArtifact(path, { kind: 'risk', level: 'participant', features: MODEL_INPUT_IDS });
    // Scored as of 2026-06-30, three months after the last label the model saw.
    const truthFile = join(data, 'truth.csv');
    const config = { from: '2026-06', to: '2026-06', capacity: null, features: SCORE_DEFAULTS, profile, seed: TRAIN_DEFAULTS.seed };
    const report = await evaluatePopulation(config, await readTruth(truthFile), truthFile, populationRanking(db, loaded, config, memoryLogger()), memoryLogger());
    // The same population ranked by risk profile 1.3.0, the shipped profile when the trained-models issue set
    // its 20% margin (kept as a fixture; the model still reads the points of the profile it was trained with).
    const earlier = await loadRiskProfile(fileURLToPath(new URL('../fixtures/profiles/default-1.3.0.yaml', import.meta.url)));
    const earlierConfig = { ...config, profile: earlier };
    const before = await evaluatePopulation(earlierConfig, await readTruth(truthFile), truthFile, populationRanking(db, loaded, earlierConfig, memoryLogger()), memoryLogger());
    // Risk profile 1.4.0, the baseline of the participant-model issue whatever later profiles do (kept as a fixture).
    const baseline = await loadRiskProfile(fileURLToPath(new URL('../fixtures/profiles/default-1.4.0.yaml', import.meta.url)));
    const baselineConfig = { ...config, profile: baseline };
    const base = await evaluatePopulation(baselineConfig, await readTruth(truthFile), truthFile, populationRanking(db, loaded, baselineConfig, memoryLogger()), memoryLogger());
    const at5 = (which: 'model' | 'profile' | 'random', r = report): number => r.mean[which].find((x) => x.share === 0.05)?.revenue ?? Number.NaN;
    console.log(
      `seed 31337: revenue@5% model ${at5('model').toFixed(3)}, profile ${profile.version} ${at5('profile').toFixed(3)}, ` +
        `profile ${baseline.version} ${at5('profile', base).toFixed(3)}, profile ${earlier.version} ${at5('profile', before).toFixed(3)}, random ${at5('random').toFixed(3)}; ` +
        `validation AUC model ${String(trained.artifact.metrics['aucModel'])}, profile ${String(trained.artifact.metrics['aucProfile'])}`,
    );
    expect(report.months[0]?.participants).toBeGreaterThan(15_000);
    expect(at5('model', before)).toBe(at5('model'));
    expect(at5('model', base)).toBe(at5('model'));
    // Risk profile 1.4.0 lifted the rules by half (docs/quality.md): the model, which reads the points of the shipped
    // profile, stays at least level with it, short of the 20% it had over 1.3.0.
    expect(at5('model')).toBeGreaterThanOrEqual(at5('profile', base));
    expect(at5('model')).toBeGreaterThanOrEqual(1.2 * at5('profile', before));
    expect(at5('profile')).toBeGreaterThan(2 * at5('random'));
  }, 900_000);
});
