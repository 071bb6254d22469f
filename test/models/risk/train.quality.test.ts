import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { MODEL_INPUT_IDS } from '../../../src/models/risk/inputs.js';
import { openDuckDb } from '../../../src/io/db.js';
import { loadArtifact, type MetricTable } from '../../../src/models/risk/artifact.js';
import { participantExamples } from '../../../src/models/risk/examples.js';
import { tempDir } from '../../util/fixtures.js';
import { buildWorld, REPO_ROOT } from '../../scenario/worlds.js';
import { captureOutput } from '../../util/cli.js';

let store: string;
/** The shipped model: the output guard (test/e2e) trains it again on data-samples and finds the same bytes. */
const model = join(REPO_ROOT, 'models', 'default');

beforeAll(async () => {
  ({ store } = await buildWorld('samples'));
});

describe('ccrg train --level participant', () => {
  it('writes an artifact that loads for the participant risk level with the feature list, and its card (models/default)', async () => {
    const { artifact, models } = await loadArtifact(join(model, 'model.json'), { kind: 'risk', level: 'participant', features: MODEL_INPUT_IDS });
    expect(artifact.labelCount.examples).toBeGreaterThan(30);
    expect(typeof artifact.metrics['aucModel']).toBe('number');
    expect(models.kind).toBe('risk');
    expect(await readFile(join(model, 'model-card.md'), 'utf8')).toContain('participant');
    await expect(loadArtifact(join(model, 'model.json'), { level: 'item' })).rejects.toThrow('the model is of level "participant", expected "item"');
  });

  it('starts from the risk profile\'s points as log-odds and never splits on them, so no reason restates them (models/default)', async () => {
    const { models } = await loadArtifact(join(model, 'model.json'));
    if (models.kind !== 'risk') throw new Error('expected a risk model');
    const margin = models.profileMargin;
    expect(margin?.columns).toEqual(['profile_customs_points', 'profile_tax_points']);
    expect(margin?.slope).toBeGreaterThan(0);
    const columns = margin!.columns.map((c) => models.classifier.featureNames.indexOf(c));
    for (const tree of [...models.classifier.trees, ...(models.amount?.trees ?? [])]) {
      for (const j of columns) expect(tree.feature.includes(j)).toBe(false);
    }
    // The card says so, with the profile's share of the margin.
    const { artifact } = await loadArtifact(join(model, 'model.json'));
    const share = artifact.metrics['profileShareOfMargin'] as number;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThanOrEqual(1);
    expect(await readFile(join(model, 'model-card.md'), 'utf8')).toContain("- starting margin: the risk profile's points as log-odds");
  });

  it('trains only on labels known before the validation part starts (models/default on data-samples)', async () => {
    const { artifact } = await loadArtifact(join(model, 'model.json'));
    const validationStart = String(artifact.hyperparameters['split']?.['validationStart']);
    const db = await openDuckDb(store, { readOnly: true });
    try {
      const examples = await participantExamples(db, { from: '2024-07', to: '2025-12' });
      const usable = examples.filter((e) => e.asOf < validationStart && e.knownDate < validationStart);
      // The model that chose the tree count grew and stopped on the usable examples only ...
      const counts = new Map((artifact.metrics['labelCounts'] as MetricTable).rows.map((r) => [String(r[0]), Number(r[1])]));
      // Grown on the fit part, the early-stopping months beside it (stopped on, or not when too few).
    const stopping = [...counts].find(([k]) => k.startsWith('chose the tree count') || k.startsWith('the early-stopping months'))?.[1] ?? 0;
    expect((counts.get('grew the trees of the model that chose the tree count') ?? 0) + stopping).toBe(usable.length);
      // ... and the shipped model is refitted on every label of the window.
      expect(artifact.labelCount.examples).toBe(examples.length);
      expect(artifact.labelCount.positives).toBe(examples.filter((e) => e.label === 1).length);
    } finally {
      db.close();
    }
  });
});

describe('ccrg score --model', () => {
  // models/default learnt no tree from the samples' few labels (it is the risk profile): a model with trees is
  // grown on the items world (half its importers inspected a year), every tree kept (earlyStoppingRounds 0).
  let grown: string;
  let itemsStore: string;
  beforeAll(async () => {
    ({ store: itemsStore } = await buildWorld('items'));
    const dir = await tempDir();
    const params = join(dir, 'params.yaml');
    await writeFile(params, 'classifier:\n  nTrees: 60\n  earlyStoppingRounds: 0\n');
    grown = join(dir, 'grown');
    const { err } = captureOutput();
    try {
      const code = await main(['train', '--store', itemsStore, '--from', '2025-04', '--to', '2026-06', '--params', params, '--out', grown, '--quiet']);
      expect(code, err.join('')).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
  }, 120_000);

  it('ranks by the model (its expected charges, or its probability without an amount model), fills its columns, and refuses a model with other features', async () => {
    const out = join(await tempDir(), 'run');
    const store = itemsStore;
    const model = grown;
    const { err } = captureOutput();
    try {
      expect(await main(['score', '--period', '2026-06', '--store', store, '--model', join(model, 'model.json'), '--rank-by', 'model', '--out', out, '--quiet'])).toBe(0);
      const csv = await openDuckDb(':memory:');
      const top = await csv.all(`SELECT score_source, probability::DOUBLE AS p, expected_charges_rub::DOUBLE AS e
        FROM read_csv('${join(out, 'ranked.csv')}', all_varchar = true) ORDER BY rank::INTEGER LIMIT 10`);
      csv.close();
      expect(top.every((r) => r['score_source'] === 'model')).toBe(true);
      expect(top.every((r) => Number(r['p']) > 0 && Number(r['p']) <= 1)).toBe(true);
      const byAmount = top.every((r) => r['e'] !== null);
      const keys = top.map((r) => Number(byAmount ? r['e'] : r['p']));
      expect([...keys].sort((a, b) => b - a)).toEqual(keys);
      const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
      expect(manifest.result.model).toMatchObject({ kind: 'risk', level: 'participant', window: { from: '2025-04', to: '2026-06' } });
      const drift = manifest.result.drift;
      expect(drift.features.map((f: { name: string }) => f.name)).toEqual(MODEL_INPUT_IDS);
      for (const f of [...drift.features, drift.score]) expect(f.psi).toBeGreaterThanOrEqual(0);
      expect(drift.flagged).toEqual([...drift.features, drift.score].filter((f: { psi: number }) => f.psi > 0.2).map((f: { name: string }) => f.name));

      // Every model-ranked row is explained by the model's own contributions, which reasons.csv lists with their authority.
      const reasonsDb = await openDuckDb(':memory:');
      const first = await reasonsDb.all(`SELECT reason_1 FROM read_csv('${join(out, 'ranked.csv')}', all_varchar = true) WHERE reason_1 IS NOT NULL LIMIT 5`);
      const modelRows = await reasonsDb.all(`SELECT indicator_id, contribution::DOUBLE AS c, recovering_authority AS a
        FROM read_csv('${join(out, 'reasons.csv')}', all_varchar = true) WHERE indicator_id LIKE 'model:%'`);
      reasonsDb.close();
      expect(first.length).toBeGreaterThan(0);
      expect(first.every((r) => String(r['reason_1']).startsWith('Model: '))).toBe(true);
      expect(modelRows.length).toBeGreaterThan(0);
      expect(modelRows.every((r) => Number(r['c']) > 0 && ['customs', 'tax'].includes(String(r['a'])))).toBe(true);

      // --rank-by auto (the default) decides on the model's validation evidence and records the decision.
      const auto = join(await tempDir(), 'auto');
      expect(await main(['score', '--period', '2026-06', '--store', store, '--model', join(model, 'model.json'), '--capacity', '20', '--out', auto, '--quiet'])).toBe(0);
      const autoManifest = JSON.parse(await readFile(join(auto, 'manifest.json'), 'utf8'));
      const decision = autoManifest.result.ranking_decision;
      expect(autoManifest.result.parameters).toMatchObject({ rank_by: 'auto', capacity: 20, score_source: decision.rankBy });
      expect(decision.share).toBeCloseTo(20 / autoManifest.result.counts.participants, 6);
      expect(decision.examples).toBeGreaterThan(0);
      expect(decision.reason).toMatch(/risk profile ranks$|the model ranks$/);

      // --rank-by rules keeps the risk profile's order and still fills the model's columns.
      const byRules = join(await tempDir(), 'rules');
      expect(await main(['score', '--period', '2026-06', '--store', store, '--model', join(model, 'model.json'), '--rank-by', 'rules', '--out', byRules, '--quiet'])).toBe(0);
      const plain = join(await tempDir(), 'plain');
      expect(await main(['score', '--period', '2026-06', '--store', store, '--out', plain, '--quiet'])).toBe(0);
      const rulesDb = await openDuckDb(':memory:');
      const pair = await rulesDb.all(`SELECT a.inn AS a, b.inn AS b, a.score_source AS src, a.probability AS p
        FROM read_csv('${join(byRules, 'ranked.csv')}', all_varchar = true) a
        JOIN read_csv('${join(plain, 'ranked.csv')}', all_varchar = true) b USING (rank) ORDER BY rank::INTEGER`);
      rulesDb.close();
      expect(pair.every((r) => r['a'] === r['b'] && r['src'] === 'rules' && r['p'] !== null)).toBe(true);
      // Ranking by a model that was not given is an error before any work.
      expect(await main(['score', '--period', '2026-06', '--store', store, '--rank-by', 'model', '--out', plain, '--quiet'])).toBe(1);
      expect(err.join('')).toContain('--rank-by model) needs a model');

      const artifact = JSON.parse(await readFile(join(model, 'model.json'), 'utf8'));
      [artifact.features[0], artifact.features[1]] = [artifact.features[1], artifact.features[0]];
      const bad = join(await tempDir(), 'swapped.json');
      await writeFile(bad, JSON.stringify(artifact));
      expect(await main(['score', '--period', '2026-06', '--store', store, '--model', bad, '--out', out, '--quiet'])).toBe(1);
      expect(err.join('')).toContain(`${bad}: features differ at position 1: the model has "${String(artifact.features[0])}", the data has "${String(artifact.features[1])}"`);
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('ccrg evaluate', () => {
  it('writes evaluation.json with the model, the risk profile and random on the same labelled examples', async () => {
    const out = join(await tempDir(), 'run');
    const { err } = captureOutput();
    try {
      // The folder stands for its model.json, as in score (it used to fail with EISDIR).
      expect(await main(['evaluate', '--model', model, '--from', '2025-08', '--to', '2025-12', '--capacity', '15', '--store', store, '--out', out, '--quiet'])).toBe(0);
      expect(await main(['evaluate', '--model', join(model, 'model.json'), '--from', '2025-12', '--to', '2025-08', '--store', store])).toBe(2);
    } finally {
      vi.restoreAllMocks();
    }
    const report = JSON.parse(await readFile(join(out, 'evaluation.json'), 'utf8'));
    expect(report.model).toBe(join(model, 'model.json'));
    // models/default learnt from 2024-07..2025-12: these months are in-sample, and it says so.
    expect(report.inSample).toMatchObject({ from: '2025-08', to: '2025-12', training: { from: '2024-07', to: '2025-12' } });
    expect(err.join('')).toContain("the evaluated months 2025-08..2025-12 lie in the model's training window 2024-07..2025-12");
    const db = await openDuckDb(store, { readOnly: true });
    try {
      const examples = await participantExamples(db, { from: '2025-08', to: '2025-12' });
      expect(report.examples).toBe(examples.length);
      expect(report.positives).toBe(examples.filter((e) => e.label === 1).length);
      expect(report.randomSlice?.examples ?? 0).toBe(examples.filter((e) => e.selection === 'random').length);
    } finally {
      db.close();
    }
    for (const ranker of ['model', 'profile', 'random']) {
      expect(report.all[ranker].topK.rows.map((r: { k: object }) => r.k)).toEqual([{ share: 0.01 }, { share: 0.02 }, { share: 0.05 }, { share: 0.1 }, { count: 15 }]);
    }
    expect(report.reliability).toHaveLength(10);
    // Which figures are unbiased, said in the file itself.
    expect(report.bias.all).toMatch(/^selection-biased/);
    if (report.randomSlice !== null) expect(report.bias.randomSlice).toMatch(/^unbiased/);
    expect(report.bias.population).toBeUndefined();
  });
});

describe('ccrg models', () => {
  it('lists trained models and compares two with paired bootstrap intervals (a model against itself differs by exactly 0)', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const artifact = join(model, 'model.json');
    const run = join(await tempDir(), 'run');
    try {
      expect(await main(['models', 'list', '--dir', join(REPO_ROOT, 'models')])).toBe(0);
      expect(await main(['models', 'compare', artifact, model, '--from', '2026-01', '--to', '2026-05', '--iterations', '50', '--store', store, '--out', run, '--quiet'])).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
    expect(out.join('')).toContain(`${artifact}`);
    expect(out.join('')).toMatch(/risk\s+participant\s+2024-07\.\.2025-12/);
    const report = JSON.parse(await readFile(join(run, 'comparison.json'), 'utf8'));
    expect([report.a, report.b]).toEqual([artifact, artifact]);
    // models/default learnt up to 2025-12: 2026-01..05 lies after its window.
    expect(report.inSample.a ?? null).toBeNull();
    const self = report.metrics.filter((m: { pair: string }) => m.pair === 'A-B');
    expect(self.map((m: { metric: string }) => m.metric)).toEqual(['AUC', 'precision@5%', 'revenue@5%', 'revenue@10%']);
    for (const m of self) expect([m.result.difference.lower, m.result.difference.upper]).toEqual([0, 0]);
    expect(report.riskProfile.name).toBe('default');
  });
});
