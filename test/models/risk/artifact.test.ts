import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsotonicCalibrator } from '../../../src/models/learners/calibration.js';
import {
  artifactFromJson,
  binProportions,
  distributionOf,
  featureMismatch,
  fingerprintOf,
  importanceTable,
  loadArtifact,
  populationStabilityIndex,
  saveArtifact,
  serializeArtifact,
  type AnomalyModelArtifact,
  type ArtifactExpectation,
  type ModelArtifact,
  type RiskModelArtifact,
  inSampleOverlap,
} from '../../../src/models/risk/artifact.js';
import { modelCardMarkdown } from '../../../src/models/monitoring/model-card.js';
import { trainGbdt, type FeatureMatrix } from '../../../src/models/learners/gbdt/index.js';
import { trainIsolationForest } from '../../../src/models/learners/isolation-forest/index.js';
import { ConfigError } from '../../../src/util/errors.js';
import { riskProblem } from '../learners/gbdt/helpers.js';
import { expectGolden } from '../../util/golden.js';

const FEATURES = ['uv_log_dev_mean', 'duty_rate_gap', 'ct_revenue_rub', 'pref_dispatch_mismatch_share', 'noise_a', 'noise_b'];
const SOURCE = 'models/x/model.json';

function column(x: FeatureMatrix, c: number): Float64Array {
  return Float64Array.from({ length: x.nRows }, (_, r) => x.values[r * x.nCols + c]!);
}

/** Fixed scores for the card's score distribution, so the golden file does not move with the learner. */
const CARD_SCORES = Array.from({ length: 200 }, (_, i) => ((i * 37) % 200) / 400 + (i % 3 === 0 ? 0.3 : 0));

function riskArtifact(): RiskModelArtifact {
  const data = riskProblem(400, 5);
  const classifierParams = { nTrees: 5, maxDepth: 3, seed: 7 };
  const classifier = trainGbdt(data, { featureNames: FEATURES, params: classifierParams });
  const amountY = Float64Array.from({ length: data.x.nRows }, (_, i) => 1000 + ((i * 7919) % 5000) * (data.x.values[i * 6]! > 0 ? 2 : 1));
  const amountParams = { objective: 'gamma' as const, nTrees: 3, maxDepth: 2, seed: 7 };
  const amount = trainGbdt({ x: data.x, y: amountY }, { featureNames: FEATURES, params: amountParams });
  const calibrator = new IsotonicCalibrator([0, 0.3, 0.6], [0.05, 0.2, 0.5]);
  const positives = data.y.reduce((s, v) => s + v, 0);
  return {
    format: 'ccrg-model',
    formatVersion: 1,
    kind: 'risk',
    level: 'participant',
    features: [...FEATURES],
    hyperparameters: { classifier: { ...classifier.params }, amount: { ...amount.params }, calibrator: { method: 'isotonic' } },
    seed: 7,
    window: { from: '2023-01', to: '2024-06' },
    dataFingerprint: fingerprintOf(Array.from(data.y, (y, i) => `${i},${y}`)),
    labelCount: { examples: data.x.nRows, positives },
    metrics: {
      auc: 0.81234567,
      brier: 0.1523,
      precisionAt5pct: NaN,
      evaluatedOn: '2024-05..2024-06',
      topK: { columns: ['k', 'precision', 'recall'], rows: [['1%', 0.75, 0.05], ['5%', 0.5, 0.167], ['10%', 0.41, 0.27]] },
      featureImportance: importanceTable([
        { feature: 'noise_a', gain: 2.5, splits: 3 },
        { feature: 'uv_log_dev_mean', gain: 120.25, splits: 9 },
        { feature: 'duty_rate_gap', gain: 60, splits: 7 },
        { feature: 'ct_revenue_rub', gain: 17.25, splits: 4 },
      ]),
    },
    featureDistributions: Object.fromEntries(FEATURES.map((f, c) => [f, distributionOf(column(data.x, c))])),
    scoreDistribution: distributionOf(CARD_SCORES),
    createdWith: { codeVersion: '0.1.0' },
    body: { classifier: classifier.toJSON(), amount: amount.toJSON(), calibrator: calibrator.toJSON() },
  };
}

function anomalyArtifact(): AnomalyModelArtifact {
  const data = riskProblem(300, 9);
  const forest = trainIsolationForest({ x: data.x }, { featureNames: FEATURES, params: { nTrees: 4, sampleSize: 32, seed: 3 } });
  return {
    format: 'ccrg-model',
    formatVersion: 1,
    kind: 'anomaly',
    level: 'item',
    features: [...FEATURES],
    hyperparameters: { forest: { ...forest.params } },
    seed: 3,
    window: { from: '2024-01', to: '2024-03' },
    dataFingerprint: fingerprintOf(Array.from({ length: data.x.nRows }, (_, i) => `item-${i}`)),
    labelCount: { examples: data.x.nRows, positives: null },
    metrics: {},
    featureDistributions: Object.fromEntries(FEATURES.map((f, c) => [f, distributionOf(column(data.x, c))])),
    scoreDistribution: distributionOf(CARD_SCORES),
    createdWith: { codeVersion: '0.1.0' },
    body: { forest: forest.toJSON() },
  };
}

/** The artifact as parsed JSON, for tampering. */
function asJson(artifact: ModelArtifact): Record<string, any> {
  return JSON.parse(serializeArtifact(artifact)) as Record<string, any>;
}

function refusal(json: unknown, expectation: ArtifactExpectation = {}): string {
  try {
    artifactFromJson(json, SOURCE, expectation);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the artifact was accepted');
}

describe('distributionOf', () => {
  it('cuts 1..10 at the type-7 deciles 1.9, 2.8, …, 9.1 with a tenth in each right-closed bin', () => {
    const d = distributionOf([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(d.edges).toEqual([1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1]);
    expect(d.proportions).toEqual(Array(10).fill(0.1));
    expect(d).toMatchObject({ count: 10, missing: 0 });
  });

  it('counts NaN in its own missing bin, as a share of all values', () => {
    const d = distributionOf([1, 2, NaN, 3, 4, 5, 6, 7, 8, 9, NaN, 10]);
    expect(d.edges).toEqual([1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1]);
    expect(d.proportions).toEqual(Array(10).fill(1 / 12));
    expect(d.missing).toBe(2 / 12);
    expect(d.count).toBe(12);
  });

  it('collapses equal deciles into one edge and keeps the repeated value in the bin it closes', () => {
    const d = distributionOf([0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    expect(d.edges.length).toBe(5);
    expect(d.edges[0]).toBe(0);
    [0.4, 1.3, 2.2, 3.1].forEach((e, i) => expect(d.edges[i + 1]).toBeCloseTo(e, 12));
    expect(d.proportions).toEqual([0.6, 0, 0.1, 0.1, 0.1, 0.1]);
  });

  it('gives one edge for a constant feature and no edge when every value is missing', () => {
    expect(distributionOf([5, 5, NaN, 5])).toEqual({ edges: [5], proportions: [0.75, 0], missing: 0.25, count: 4 });
    expect(distributionOf([NaN, NaN])).toEqual({ edges: [], proportions: [0], missing: 1, count: 2 });
  });

  it('does not depend on the order of the values', () => {
    const values = Array.from({ length: 97 }, (_, i) => ((i * 31) % 97) / 7);
    expect(distributionOf(values)).toEqual(distributionOf([...values].reverse()));
  });

  it('refuses infinite values, naming the position', () => {
    expect(() => distributionOf([1, 2, Infinity])).toThrow('Value 2 is Infinity: a training distribution needs finite values or NaN for missing');
  });
});

describe('binProportions', () => {
  it('puts a value equal to an edge in the bin below it, beyond the edges in the outer bins, NaN in the missing bin', () => {
    const shares = binProportions([0.5, 1, 1.5, 2, 2.5, NaN, -Infinity, Infinity], [1, 2]);
    expect(shares).toEqual({ count: 8, proportions: [3 / 8, 2 / 8, 2 / 8], missing: 1 / 8 });
  });

  it('counts new values in the training bins', () => {
    const training = distributionOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const shares = binProportions([0, 1, 1.95, 10, 11, NaN], training.edges);
    expect(shares.proportions).toEqual([2 / 6, 1 / 6, 0, 0, 0, 0, 0, 0, 0, 2 / 6]);
    expect(shares.missing).toBe(1 / 6);
  });

  it('gives zero shares for no values and refuses edges that do not increase', () => {
    expect(binProportions([], [1])).toEqual({ count: 0, proportions: [0, 0], missing: 0 });
    expect(() => binProportions([1], [1, 1])).toThrow('Bin edges must be strictly increasing: edge 1 is 1 after 1');
  });
});

describe('populationStabilityIndex', () => {
  const shares = (proportions: number[], missing = 0) => ({ count: 100, proportions, missing });

  it('is 0 for identical distributions', () => {
    expect(populationStabilityIndex(shares([0.2, 0.3, 0.5], 0), shares([0.2, 0.3, 0.5], 0))).toBe(0);
  });

  it('is 0.25 ln 3 for halves moving to a quarter and three quarters', () => {
    // (0.25 − 0.5) ln(0.5) + (0.75 − 0.5) ln(1.5) = 0.25 (ln 2 + ln 1.5)
    expect(populationStabilityIndex(shares([0.5, 0.5]), shares([0.25, 0.75]))).toBeCloseTo(0.25 * Math.log(3), 12);
  });

  it('counts the missing bin like any other', () => {
    // bin 2: (0.2 − 0.4) ln(0.5); missing: (0.4 − 0.2) ln 2
    expect(populationStabilityIndex(shares([0.4, 0.4], 0.2), shares([0.4, 0.2], 0.4))).toBeCloseTo(0.4 * Math.log(2), 12);
  });

  it('floors empty bins at 1e-4 on either side', () => {
    // bin 2: (0.4 − 0.5) ln(0.8); bin 3: (0.1 − 1e-4) ln(0.1 / 1e-4); missing: both floored, 0
    expect(populationStabilityIndex(shares([0.5, 0.5, 0]), shares([0.5, 0.4, 0.1]))).toBeCloseTo(0.1 * Math.log(1.25) + 0.0999 * Math.log(1000), 12);
    // bin 1: (1 − 0.5) ln 2; bin 2: (1e-4 − 0.5) ln(1e-4 / 0.5)
    expect(populationStabilityIndex(shares([0.5, 0.5]), shares([1, 0]))).toBeCloseTo(0.5 * Math.log(2) + 0.4999 * Math.log(5000), 12);
  });

  it('matches a month binned with the training edges', () => {
    const training = distributionOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const month = binProportions([1, 1, 2, 3, 4, 5, 6, 7, 8, NaN], training.edges);
    // bin 1: 0.2 vs 0.1; bins 9 and 10: 0 (floored) vs 0.1; missing: 0.1 vs 0 (floored); others equal
    const expected = 0.1 * Math.log(2) + 2 * (1e-4 - 0.1) * Math.log(1e-4 / 0.1) + (0.1 - 1e-4) * Math.log(0.1 / 1e-4);
    expect(populationStabilityIndex(training, month)).toBeCloseTo(expected, 12);
  });

  it('refuses different bins and shares that do not sum to 1', () => {
    expect(() => populationStabilityIndex(shares([0.5, 0.5]), shares([0.2, 0.3, 0.5]))).toThrow(
      'PSI needs the same bins: the expected distribution has 2 bins, the actual one 3 (missing bin not counted)',
    );
    expect(() => populationStabilityIndex(shares([0.5, 0.5]), binProportions([], [1]))).toThrow('PSI needs shares that sum to 1: the actual ones sum to 0 (no values)');
  });
});

describe('fingerprintOf', () => {
  it('is the sha256 of the rows sorted by code units, one per line, whatever their order', () => {
    const hex = createHash('sha256').update('1,0\n10,1\n2,1\n').digest('hex');
    expect(fingerprintOf(['2,1', '10,1', '1,0'])).toBe(hex);
    expect(fingerprintOf(new Set(['10,1', '1,0', '2,1']))).toBe(hex);
    expect(fingerprintOf([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('refuses a row with a line break', () => {
    expect(() => fingerprintOf(['a\nb'])).toThrow('A fingerprinted row must not contain a line break: "a\\nb"');
  });
});

describe('saveArtifact and loadArtifact', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccrg-artifact-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a risk model: identical scores, and the same bytes when saved again', async () => {
    const artifact = riskArtifact();
    const path = join(dir, 'risk', 'model.json');
    await saveArtifact(path, artifact);
    const text = await readFile(path, 'utf8');
    const { artifact: loaded, models } = await loadArtifact(path, { kind: 'risk', level: 'participant', features: FEATURES });
    expect(serializeArtifact(loaded)).toBe(text);
    const again = join(dir, 'risk', 'again.json');
    await saveArtifact(again, loaded);
    expect(await readFile(again, 'utf8')).toBe(text);

    if (models.kind !== 'risk') throw new Error('expected a risk model');
    const x = riskProblem(200, 6).x;
    const fresh = artifactFromJson(JSON.parse(serializeArtifact(artifact)), 'memory').models;
    if (fresh.kind !== 'risk') throw new Error('expected a risk model');
    expect(models.classifier.predictProbability(x)).toEqual(fresh.classifier.predictProbability(x));
    expect(models.amount!.predict(x)).toEqual(fresh.amount!.predict(x));
    expect(models.calibrator!.applyAll([0.1, 0.45, 0.9])).toEqual(Float64Array.from([0.05, 0.2, 0.5]));
    expect(loaded.metrics['precisionAt5pct']).toBeNull();
  });

  it('round-trips the population reference of the drift watch, and refuses an incomplete one', async () => {
    const base = riskArtifact();
    const reference = {
      asOf: '2026-06-30',
      rows: 4,
      features: Object.fromEntries(FEATURES.map((f) => [f, distributionOf(Float64Array.from([1, 2, Number.NaN, 4]))])),
      score: distributionOf(Float64Array.from([0.1, 0.2, 0.3, 0.4])),
    };
    const artifact = { ...base, referenceDistributions: reference };
    const path = join(dir, 'risk', 'reference.json');
    await saveArtifact(path, artifact);
    const { artifact: loaded } = await loadArtifact(path);
    expect(loaded.referenceDistributions).toEqual(reference);
    expect(serializeArtifact(loaded)).toBe(await readFile(path, 'utf8'));
    const missing = asJson(artifact);
    delete missing['referenceDistributions'].features[FEATURES[1] as string];
    expect(refusal(missing)).toBe(`${SOURCE}: referenceDistributions.features has no entry for feature ${JSON.stringify(FEATURES[1])}`);
    const badDate = asJson(artifact);
    badDate['referenceDistributions'].asOf = '30.06.2026';
    expect(refusal(badDate)).toBe(`${SOURCE}: referenceDistributions.asOf must be a date YYYY-MM-DD, got "30.06.2026"`);
  });

  it('round-trips the ranking evidence of --rank-by auto, and refuses arrays of other lengths or values out of range', async () => {
    const evidence = { from: '2025-09-30', model: [0.1, 0.8, 0.3], profile: [10, 40, 0], label: [0, 1, 0], chargesRub: [0, 125000.5, 0], propensity: [1, 0.00025, null] };
    const artifact = { ...riskArtifact(), rankingEvidence: evidence };
    const path = join(dir, 'risk', 'evidence.json');
    await saveArtifact(path, artifact);
    const { artifact: loaded } = await loadArtifact(path);
    expect(loaded.rankingEvidence).toEqual(evidence);
    expect(serializeArtifact(loaded)).toBe(await readFile(path, 'utf8'));
    const short = asJson(artifact);
    short['rankingEvidence'].profile.pop();
    expect(refusal(short)).toBe(`${SOURCE}: rankingEvidence.profile must have one entry per label (3), got 2`);
    const zero = asJson(artifact);
    zero['rankingEvidence'].propensity[0] = 0;
    expect(refusal(zero)).toContain('rankingEvidence.propensity[0] must be a number in (0, 1] or null, got 0');
  });

  it('round-trips an anomaly model with identical scores', async () => {
    const artifact = anomalyArtifact();
    const path = join(dir, 'anomaly.json');
    await saveArtifact(path, artifact);
    const { artifact: loaded, models } = await loadArtifact(path, { kind: 'anomaly', level: 'item', features: FEATURES });
    expect(serializeArtifact(loaded)).toBe(await readFile(path, 'utf8'));
    if (models.kind !== 'anomaly') throw new Error('expected an anomaly model');
    const fresh = artifactFromJson(JSON.parse(serializeArtifact(artifact)), 'memory').models;
    if (fresh.kind !== 'anomaly') throw new Error('expected an anomaly model');
    const x = riskProblem(100, 10).x;
    expect(models.forest.score(x)).toEqual(fresh.forest.score(x));
  });

  it('writes the envelope in a fixed order whatever the key order in memory', () => {
    const artifact = riskArtifact();
    const reversed = Object.fromEntries(Object.entries(artifact).reverse()) as unknown as ModelArtifact;
    reversed.metrics = Object.fromEntries(Object.entries(artifact.metrics).reverse());
    reversed.featureDistributions = Object.fromEntries(Object.entries(artifact.featureDistributions).reverse());
    const text = serializeArtifact(artifact);
    expect(serializeArtifact(reversed)).toBe(text);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'format', 'formatVersion', 'contentSha256', 'kind', 'level', 'features', 'hyperparameters', 'seed', 'window', 'dataFingerprint',
      'labelCount', 'metrics', 'featureDistributions', 'scoreDistribution', 'createdWith', 'body',
    ]);
    expect(Object.keys(JSON.parse(text).featureDistributions)).toEqual(FEATURES);
    expect(text).toContain('\n  "features": ["uv_log_dev_mean", "duty_rate_gap", "ct_revenue_rub", "pref_dispatch_mismatch_share", "noise_a", "noise_b"],\n');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('refuses a file that cannot be read or is not JSON, naming the path', async () => {
    const missing = join(dir, 'none.json');
    await expect(loadArtifact(missing)).rejects.toThrow(`${missing}: cannot read the model: ENOENT`);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"format": ');
    await expect(loadArtifact(bad)).rejects.toThrow(`${bad}: the model is not valid JSON: `);
    await expect(loadArtifact(bad)).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('artifactFromJson refusals', () => {
  const risk = riskArtifact();

  it('refuses a model that reads risk-profile points without the profile to compute them', () => {
    const json = asJson(risk);
    const renamed = (names: string[]) => names.map((f) => (f === 'noise_b' ? 'profile_customs_points' : f));
    json['features'] = renamed(json['features']);
    json['featureDistributions'] = Object.fromEntries(Object.entries(json['featureDistributions']).map(([k, v]) => [k === 'noise_b' ? 'profile_customs_points' : k, v]));
    for (const model of ['classifier', 'amount']) json['body'][model]['featureNames'] = renamed(json['body'][model]['featureNames']);
    expect(refusal(json)).toBe(`${SOURCE}: the model reads profile_customs_points and profile_tax_points but carries no riskProfile with indicators to compute them; retrain it`);
  });

  it('refuses another kind', () => {
    expect(refusal(asJson(anomalyArtifact()), { kind: 'risk' })).toBe(`${SOURCE}: the model is of kind "anomaly", expected "risk"`);
  });

  it('refuses another level', () => {
    expect(refusal(asJson(anomalyArtifact()), { level: 'participant' })).toBe(`${SOURCE}: the model is of level "item", expected "participant"`);
  });

  it('refuses another format version before anything else', () => {
    const json = { ...asJson(risk), formatVersion: 2, kind: 'nonsense' };
    expect(refusal(json, { kind: 'risk' })).toBe(`${SOURCE}: the model has format version 2; this ccrg reads version 1`);
  });

  it('refuses a one-byte edit of the model, or a model without its content hash', async () => {
    const risk = riskArtifact();
    const text = serializeArtifact(risk);
    const path = join(await mkdtemp(join(tmpdir(), 'ccrg-artifact-')), 'model.json');
    // One digit of the calibrator (0.05 -> 0.06), which would move every probability.
    const at = text.indexOf('0.05', text.lastIndexOf('"calibrator"'));
    const edited = `${text.slice(0, at)}0.06${text.slice(at + 4)}`;
    expect(edited).not.toBe(text);
    expect(edited.length).toBe(text.length);
    await writeFile(path, edited);
    await expect(loadArtifact(path)).rejects.toThrow(`${path}: the model's content does not match its contentSha256`);
    const json = asJson(risk);
    delete json['contentSha256'];
    expect(refusal(json)).toBe(`${SOURCE}: the model carries no contentSha256 (written by an older ccrg, or removed): retrain it with this ccrg`);
    expect(refusal({ ...asJson(risk), contentSha256: 'abc' })).toBe(`${SOURCE}: contentSha256 must be a sha256 in 64 lower-case hex digits, got "abc"`);
    // Layout alone (the same content re-indented) is no edit.
    await writeFile(path, JSON.stringify(JSON.parse(text)));
    expect((await loadArtifact(path)).artifact.contentSha256).toBe(JSON.parse(text).contentSha256);
  });

  it('refuses a file of another format', () => {
    expect(refusal({ format: 'ccrg-gbdt', formatVersion: 1 })).toBe(`${SOURCE}: not a ccrg model: format is "ccrg-gbdt", expected "ccrg-model"`);
    expect(refusal([1, 2])).toBe(`${SOURCE}: a model must be a JSON object, got an array`);
  });

  it('refuses an unknown kind or level', () => {
    expect(refusal({ ...asJson(risk), kind: 'forest' })).toBe(`${SOURCE}: the model kind "forest" is unknown: expected one of "risk", "anomaly"`);
    expect(refusal({ ...asJson(risk), level: 'declaration' })).toBe(`${SOURCE}: the model level "declaration" is unknown: expected one of "participant", "item"`);
  });

  it('refuses a different feature list, naming the first differing position from 1 and both counts', () => {
    const data = [...FEATURES.slice(0, 2), 'uv_abs_log_dev_mean', ...FEATURES.slice(2)];
    expect(refusal(asJson(risk), { features: data })).toBe(
      `${SOURCE}: features differ at position 3: the model has "ct_revenue_rub", the data has "uv_abs_log_dev_mean" (model 6 features, data 7)`,
    );
    expect(refusal(asJson(risk), { features: FEATURES.slice(0, 5) })).toBe(
      `${SOURCE}: features differ at position 6: the model has "noise_b", the data has no feature (model 6 features, data 5)`,
    );
    expect(refusal(asJson(risk), { features: [...FEATURES].reverse() })).toMatch(/position 1: the model has "uv_log_dev_mean", the data has "noise_b"/);
  });

  it('words a mismatch of long feature lists like the issue example', () => {
    const model = Array.from({ length: 31 }, (_, i) => `f${i}`);
    const data = Array.from({ length: 33 }, (_, i) => `f${i}`);
    model[2] = 'uv_log_dev_mean';
    data[2] = 'uv_abs_log_dev_mean';
    expect(featureMismatch(model, data)).toBe(
      'features differ at position 3: the model has "uv_log_dev_mean", the data has "uv_abs_log_dev_mean" (model 31 features, data 33)',
    );
    expect(featureMismatch(FEATURES, [...FEATURES])).toBeNull();
  });

  it('refuses a corrupt body through the component loaders', () => {
    const json = asJson(risk);
    const tree = json['body'].classifier.trees[0];
    expect(tree.feature[0]).not.toBe(-1);
    tree.left[0] = 0;
    expect(refusal(json)).toBe(`${SOURCE}: the model body is corrupt: classifier: GBDT model tree 0 is corrupt: node 0 links to node 0`);

    const forest = asJson(anomalyArtifact());
    forest['body'].forest.trees.pop();
    expect(refusal(forest)).toBe(`${SOURCE}: the model body is corrupt: forest: Isolation forest has 3 trees but params.nTrees is 4`);

    const calibrated = asJson(risk);
    calibrated['body'].calibrator.values = [0.5, 0.2, 0.1];
    expect(refusal(calibrated)).toBe(
      `${SOURCE}: the model body is corrupt: calibrator: IsotonicCalibrator: values must be within [0, 1] and non-decreasing; value 1 is 0.2`,
    );
  });

  it('refuses a body whose feature list differs from the envelope', () => {
    const json = asJson(risk);
    json['body'].amount.featureNames[5] = 'other';
    expect(refusal(json)).toBe(
      `${SOURCE}: the model body is corrupt: amount: GBDT model features differ from the expected ones at position 5: model has "other", expected "noise_b" (model has 6 features, expected 6)`,
    );
  });

  it('refuses a body that does not fit the kind', () => {
    const json = asJson(risk);
    delete json['body'].classifier;
    expect(refusal(json)).toBe(`${SOURCE}: a model of kind "risk" needs body.classifier`);
    expect(refusal({ ...asJson(risk), body: { ...asJson(risk)['body'], forest: {} } })).toBe(
      `${SOURCE}: a model of kind "risk" has no body part "forest" (expected classifier, amount, calibrator, profileMargin)`,
    );
    const swapped = asJson(risk);
    swapped['body'].classifier = swapped['body'].amount;
    expect(refusal(swapped)).toBe(`${SOURCE}: body.classifier has objective "gamma", expected "logistic"`);
    // A profile margin must name model inputs, and comes with a classifier grown from offsets (and only then).
    const margin = { intercept: -1, slope: 0.03, columns: ['nope'] };
    expect(refusal({ ...asJson(risk), body: { ...asJson(risk)['body'], profileMargin: margin } })).toContain('profileMargin: columns must be a list of the model\'s inputs');
    const first = asJson(risk)['features'][0] as string;
    expect(refusal({ ...asJson(risk), body: { ...asJson(risk)['body'], profileMargin: { ...margin, columns: [first] } } })).toBe(
      `${SOURCE}: body.profileMargin needs a classifier grown from offsets`,
    );
  });

  it('refuses broken envelope fields with what was expected', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ seed: 1.5 }, 'seed must be an integer, got 1.5'],
      [{ window: { from: '2024-13', to: '2024-06' } }, 'window.from must be a month YYYY-MM, got "2024-13"'],
      [{ window: { from: '2024-07', to: '2024-06' } }, 'window.from 2024-07 is after window.to 2024-06'],
      [{ dataFingerprint: 'abc' }, 'dataFingerprint must be a sha256 in 64 lower-case hex digits, got "abc"'],
      [{ labelCount: { examples: 10, positives: 11 } }, 'labelCount.positives must be null or an integer in 0..10, got 11'],
      [{ features: [...FEATURES, 'noise_a'] }, 'feature "noise_a" is listed twice'],
      [{ metrics: { topK: { columns: ['k'], rows: [[1, 2]] } } }, 'metrics.topK.rows[0] must be an array of 1 cells'],
      [{ hyperparameters: { classifier: { nTrees: [1] } } }, 'hyperparameters.classifier.nTrees must be a number, text, true/false or null, got an array'],
      [{ createdWith: {} }, 'createdWith.codeVersion must be a text, got missing'],
      [{ labelCount: { examples: 10 } }, 'labelCount.positives must be null or an integer >= 0, got missing'],
      [{ metrics: { auc: [0.7] } }, 'metrics.auc must be a number, null, a text or a table, got an array'],
      [{ featureDistributions: { [FEATURES[0] as string]: { count: 1, edges: [], proportions: [2], missing: 0 } } }, `featureDistributions.${FEATURES[0] as string}.proportions[0] must be a number in [0, 1], got 2`],
    ];
    for (const [patch, message] of cases) expect(refusal({ ...asJson(risk), ...patch })).toBe(`${SOURCE}: ${message}`);
  });

  it('refuses feature distributions that do not match the features or do not add up', () => {
    const json = asJson(risk);
    delete json['featureDistributions'].noise_b;
    expect(refusal(json)).toBe(`${SOURCE}: featureDistributions has no entry for feature "noise_b"`);
    const extra = asJson(risk);
    extra['featureDistributions'].other = extra['featureDistributions'].noise_b;
    expect(refusal(extra)).toBe(`${SOURCE}: featureDistributions has an entry for "other", which is not a feature of the model`);
    const sums = asJson(risk);
    sums['scoreDistribution'].missing = 0.5;
    expect(refusal(sums)).toMatch(/^models\/x\/model\.json: scoreDistribution: proportions and missing sum to 1\.5\d*, expected 1$/);
    const short = asJson(risk);
    short['featureDistributions'].noise_a.proportions.pop();
    expect(refusal(short)).toBe(`${SOURCE}: featureDistributions["noise_a"].proportions must have 10 entries (one more than the edges)`);
  });
});

describe('modelCardMarkdown', () => {
  for (const [name, build] of [['risk', riskArtifact], ['anomaly', anomalyArtifact]] as const) {
    it(`renders the ${name} model card as in test/fixtures/golden/model-card.${name}.md`, async () => {
      const text = modelCardMarkdown(build());
      await expectGolden(`model-card.${name}.md`, text);
    });
  }

  it('gives the same card before and after save -> load', () => {
    const artifact = riskArtifact();
    const loaded = artifactFromJson(JSON.parse(serializeArtifact(artifact)), 'memory').artifact;
    expect(modelCardMarkdown(loaded)).toBe(modelCardMarkdown(artifact));
  });
});

describe('inSampleOverlap', () => {
  const model = { window: { from: '2024-07', to: '2025-12' } };
  it('is null for months after training, and the shared months otherwise', () => {
    expect(inSampleOverlap(model, '2026-01', '2026-06')).toBeNull();
    expect(inSampleOverlap(model, '2024-01', '2024-06')).toBeNull();
    expect(inSampleOverlap(model, '2025-10', '2026-03')).toMatchObject({ from: '2025-10', to: '2025-12', training: model.window });
    expect(inSampleOverlap(model, '2024-01', '2026-03')).toMatchObject({ from: '2024-07', to: '2025-12' });
  });
});
