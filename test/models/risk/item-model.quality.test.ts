import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_DEFAULTS, TRAIN_DEFAULTS } from '../../../src/config/defaults.js';
import { openDuckDb, type Db } from '../../../src/io/db.js';
import { artifactFromJson, contentHash, loadArtifact, serializeArtifact, type MetricTable } from '../../../src/models/risk/artifact.js';
import { evaluateItemModel, loadItemModel } from '../../../src/models/evaluation/evaluate-item-model.js';
import { participantExamples } from '../../../src/models/risk/examples.js';
import { itemScoreAggregates } from '../../../src/models/risk/item-aggregates.js';
import { itemExampleFeatures, itemExamples, itemFeatureSet } from '../../../src/models/risk/item-examples.js';
import { predictRisk } from '../../../src/models/risk/predict.js';
import { trainItemModel } from '../../../src/models/risk/train-item.js';
import { codeVersion } from '../../../src/util/version.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { buildWorld, type World } from '../../scenario/worlds.js';
import { runCli } from '../../util/cli.js';
import { csvRecordsOf } from '../../../src/io/csv-read.js';
import { readItems } from '../../../src/run-folder/items.js';
import { escapeHtml } from '../../../src/plan/dossier.js';
import { sha256Hex } from '../../../src/util/hash.js';

const FIXTURE = new URL('../../fixtures/generic', import.meta.url).pathname;
const MAPPING = new URL('../../../docs/examples/mapping-generic.yaml', import.meta.url).pathname;

let dir: string;
let generic: string;
let model: string;

/** Runs the CLI quietly; returns the exit code, stdout and stderr. */
const run = (args: string[]) => runCli([...args, '--today', '2026-11-26']);

/** What `ccrg train --level item --from 2023-01 --to 2024-12` passes to the trainer. */
const itemConfig = {
  from: '2023-01',
  to: '2024-12',
  seed: TRAIN_DEFAULTS.seed,
  classifier: TRAIN_DEFAULTS.item.classifier,
  amount: TRAIN_DEFAULTS.item.amount,
  validationShare: TRAIN_DEFAULTS.validationShare,
  stoppingShare: TRAIN_DEFAULTS.stoppingShare,
  refit: { mode: TRAIN_DEFAULTS.refit, folds: TRAIN_DEFAULTS.crossFitFolds },
  features: SCORE_DEFAULTS,
  codeVersion: codeVersion(),
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccrg-item-'));
  generic = join(dir, 'generic.duckdb');
  const ingest = await run(['ingest', '--dir', FIXTURE, '--mapping', MAPPING, '--store', generic, '--rejects', join(dir, 'rejects.csv'), '--quiet']);
  expect(ingest.code).toBe(0);
  model = join(dir, 'item');
  expect((await run(['train', '--level', 'item', '--store', generic, '--from', '2023-01', '--to', '2024-12', '--out', model, '--quiet'])).code).toBe(0);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

async function withStore<T>(path: string, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDuckDb(path, { readOnly: true });
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

describe('item-level model on generic labelled declarations (docs/examples/mapping-generic.yaml)', () => {
  it('scores every item released in a month, labelled or not, into items.csv beside the participant files (score --level item), and plans by them (plan --rank-by items)', async () => {
    const out = join(dir, 'runs', '2024-12');
    expect((await run(['score', '--period', '2024-12', '--store', generic, '--out', out, '--quiet'])).code).toBe(0);
    const ranked = await readFile(join(out, 'ranked.csv'), 'utf8');
    // Labels are not read: the month's items are scored whatever they carry.
    const scored = await run(['score', '--level', 'item', '--model', model, '--period', '2024-12', '--store', generic, '--out', out, '--lang', 'ru', '--quiet']);
    expect(scored.code).toBe(0);
    expect(await readFile(join(out, 'ranked.csv'), 'utf8')).toBe(ranked);
    const released = await withStore(generic, async (db) =>
      Number((await db.all(`SELECT count(DISTINCT (decl_id, item_no))::INTEGER AS n FROM declarations WHERE strftime(release_date, '%Y-%m') = '2024-12'`))[0]?.['n']),
    );
    const { header, records } = csvRecordsOf(await readFile(join(out, 'items.csv'), 'utf8'), 'items.csv', []);
    expect(header).toEqual(['rank', 'decl_id', 'item_no', 'importer_inn', 'hs_code', 'origin_country', 'customs_value', 'margin', 'probability', 'expected_charges', 'reason_1', 'reason_2', 'reason_3']);
    expect(records.length).toBe(released);
    const items = await readItems(join(out, 'items.csv'));
    const margins = items.map((it) => it.margin);
    expect(margins.every((m, i) => i === 0 || m <= (margins[i - 1] as number))).toBe(true);
    expect(items.every((it) => it.probability >= 0 && it.probability <= 1)).toBe(true);
    expect(records.map((r) => Number(r.values['rank']))).toEqual(records.map((_, i) => i + 1));
    expect(new Set(records.map((r) => `${r.values['decl_id']}/${r.values['item_no']}`)).size).toBe(released);
    expect(records[0]?.values['reason_1']).toMatch(/^Модель: .+; это повышает шансы нарушения в [\d,]+ раза$/);
    // The roll-up: every importer of the month once, its items adding up to the month's, its worst item first on items.csv.
    const rollUp = csvRecordsOf(await readFile(join(out, 'items-by-participant.csv'), 'utf8'), 'items-by-participant.csv', ['importer_inn', 'items', 'worst_items']).records;
    expect(rollUp.reduce((sum, r) => sum + Number(r.values['items']), 0)).toBe(released);
    expect(new Set(rollUp.map((r) => r.values['importer_inn'])).size).toBe(rollUp.length);
    const first = records[0]?.values;
    expect(rollUp[0]?.values['importer_inn']).toBe(first?.['importer_inn']);
    expect(rollUp[0]?.values['worst_items']?.split(' | ')[0]).toBe(`${first?.['decl_id']}/${first?.['item_no']}`);
    const manifest = JSON.parse(await readFile(join(out, 'items-manifest.json'), 'utf8')) as { counts: { items: number }; outputs: Record<string, string> };
    expect(manifest.counts.items).toBe(released);
    expect(manifest.outputs['items.csv']).toBe(sha256Hex(await readFile(join(out, 'items.csv'))));
    // Items need an item model.
    expect((await run(['score', '--level', 'item', '--period', '2024-12', '--store', generic, '--out', out])).err).toContain('--level item needs an item model');

    // The plan ranks by the roll-up: its risk picks walk down items-by-participant.csv (docs/plan.md#ranking-by-items).
    const planned = await run(['plan', '--period', '2024-12', '--store', generic, '--out', out, '--rank-by', 'items', '--capacity', '5', '--explore', '0', '--quiet']);
    expect(planned.code, planned.err).toBe(0);
    const eligible = new Set(csvRecordsOf(await readFile(join(out, 'eligible.csv'), 'utf8'), 'eligible.csv', ['inn', 'recommended_form']).records.filter((r) => r.values['recommended_form'] !== 'refer_to_tax').map((r) => r.values['inn']));
    const picks = csvRecordsOf(await readFile(join(out, 'plan.csv'), 'utf8'), 'plan.csv', ['inn']).records.map((r) => r.values['inn']);
    expect(picks.length).toBeGreaterThan(0);
    expect(picks).toEqual(rollUp.map((r) => r.values['importer_inn']).filter((inn) => eligible.has(inn)).slice(0, 5));
    const summary = JSON.parse(await readFile(join(out, 'plan-summary.json'), 'utf8')) as { score_source: string; item_set: { ranking: { not_in_score_run: string[] } } };
    expect(summary.score_source).toBe('items');
    expect(summary.item_set.ranking.not_in_score_run).toEqual([]);
    // Each dossier (in the language of the participant scores) lists the participant's riskiest items, with the reasons of items.csv.
    const page = await readFile(join(out, 'dossiers', `${picks[0]}.html`), 'utf8');
    expect(page).toContain('<h2>Riskiest items</h2>');
    const worst = items.find((it) => it.importer === picks[0]);
    expect(page).toContain(`<td>${worst?.declId}</td><td class="n">${worst?.itemNo}</td>`);
    expect(worst?.reasons.length).toBeGreaterThan(0);
    expect(page).toContain(escapeHtml(worst?.reasons.join(' | ')));
  });

  it('trains, writes an item-level artifact and card, and evaluates with an item-level AUC well above random', async () => {
    const { artifact } = await loadArtifact(join(model, 'model.json'), { kind: 'risk', level: 'item' });
    expect(await readFile(join(model, 'model-card.md'), 'utf8')).toContain('item: one row per declared item');
    expect(artifact.labelCount.examples).toBeGreaterThan(1000);
    expect(Number(artifact.metrics['aucModel'])).toBeGreaterThan(0.75);

    const out = join(dir, 'run');
    const scoresFile = join(out, 'item-scores.csv');
    const evaluated = await run(['evaluate', '--model', join(model, 'model.json'), '--store', generic, '--from', '2024-07', '--to', '2024-12', '--capacity', '50', '--out', out, '--scores', scoresFile]);
    expect(evaluated.code).toBe(0);
    expect(evaluated.out).toContain('item-level AUC: model');
    expect(evaluated.out).toContain('a top share q of n items is floor(n × q) items, at least 1');
    // What ingest refused in the window is named (nothing, in this fixture).
    expect(evaluated.out).toContain('ingest refused no declaration record released in 2024-07..2024-12');
    const report = JSON.parse(await readFile(join(out, 'evaluation.json'), 'utf8'));
    // k = floor(n q) at each share; the scores file holds every evaluated item, by margin.
    expect(report.all.model.topK.rows.slice(0, 4).map((r: { selected: number }) => r.selected)).toEqual([0.01, 0.02, 0.05, 0.1].map((q) => Math.max(1, Math.floor(report.examples * q))));
    const scored = csvRecordsOf(await readFile(scoresFile, 'utf8'), 'item-scores.csv', ['example_id', 'label', 'margin', 'probability']).records;
    expect(scored.length).toBe(report.examples);
    const margins = scored.map((r) => Number(r.values['margin']));
    expect(margins.every((m, i) => i === 0 || m <= (margins[i - 1] as number))).toBe(true);
    expect(scored.reduce((sum, r) => sum + Number(r.values['label']), 0)).toBe(report.positives);
    expect(report.level).toBe('item');
    expect(report.rejectedAtIngest).toEqual({ window: { from: '2024-07', to: '2024-12' }, inWindow: 0, monthUnknown: 0, rows: [] });
    expect(report.sources).toEqual({ item_outcomes: 0, declarations: report.examples });
    expect(report.all.model.auc).toBeGreaterThan(0.75);
    expect(report.all.model.auc).toBeGreaterThan(report.all.random.auc + 0.2);
    expect(report.all.model.topK.rows[2].precision).toBeGreaterThan(2 * report.all.model.topK.baseRate);
    // The shipped model was refitted on every label of the window, the validation months included:
    // evaluating it there is in-sample, said so, and scores above the chosen model's held-out figure.
    expect(report.inSample).toMatchObject({ from: '2024-07', to: '2024-12' });
    expect(evaluated.err).toContain('in-sample');
    expect(report.all.model.auc).toBeGreaterThan(Number(artifact.metrics['aucModel']));
  });

  it('points to --level item when a participant model is asked of a store with labelled items but no inspections', async () => {
    const result = await run(['train', '--store', generic, '--from', '2023-01', '--to', '2024-12', '--out', join(dir, 'p')]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('Too few labelled examples to train: 0 completed inspections');
    expect(result.err).toContain('The store holds 4000 labelled declaration items: to train on them, use --level item');
  });

  it('refuses --risk-profile with --level item', async () => {
    const result = await run(['train', '--level', 'item', '--store', generic, '--from', '2023-01', '--to', '2024-12', '--risk-profile', 'profiles/default.yaml', '--out', join(dir, 'x')]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--risk-profile applies to --level participant only');
  });

  it('gives each item its declaration’s context, its route and its importer’s volume in the 90 days before its release', async () => {
    await withStore(generic, async (db) => {
      const set = await itemFeatureSet(db);
      for (const f of ['item_dispatch_differs', 'decl_items', 'decl_value_share', 'decl_min_unit_value_log_dev', 'importer_recent_items', 'importer_recent_log_value', 'hist_dispatch_country_rate', 'hist_origin_dispatch_n']) {
        expect(set.features).toContain(f);
      }
      const examples = (await itemExamples(db, { from: '2024-11', to: '2024-11' })).slice(0, 200);
      const { values } = await itemExampleFeatures(db, examples, set, SCORE_DEFAULTS);
      const col = (f: string): number => set.features.indexOf(f);
      const n = set.features.length;
      let differs = 0;
      let several = 0;
      for (const [i, e] of examples.entries()) {
        // Computed here from the store directly: one version per item in this fixture.
        const [truth] = await db.all(
          `WITH me AS (SELECT * FROM declarations WHERE decl_id = $decl AND item_no = $item)
           SELECT (SELECT count(*) FROM declarations WHERE decl_id = $decl)::INTEGER AS items,
             (SELECT CAST(customs_value_rub AS DOUBLE) FROM me) / (SELECT CAST(sum(customs_value_rub) AS DOUBLE) FROM declarations WHERE decl_id = $decl) AS share,
             (SELECT CAST(origin_country <> dispatch_country AS INTEGER) FROM me) AS differs,
             (SELECT count(*) FROM declarations d, me WHERE d.importer_inn = me.importer_inn
                AND d.release_date < me.release_date AND d.release_date >= me.release_date - INTERVAL 90 DAY)::INTEGER AS recent`,
          { decl: e.declId, item: e.itemNo },
        );
        const at = (f: string): number => values[i * n + col(f)] as number;
        expect(at('decl_items')).toBe(truth?.['items']);
        expect(at('decl_value_share')).toBeCloseTo(Number(truth?.['share']), 5);
        expect(at('item_dispatch_differs')).toBe(truth?.['differs']);
        expect(at('importer_recent_items')).toBe(truth?.['recent']);
        expect(at('decl_min_unit_value_log_dev')).toBeLessThanOrEqual(at('item_unit_value_log_dev'));
        differs += at('item_dispatch_differs');
        if (at('decl_items') > 1) several++;
      }
      // The sample holds both kinds of route and of declaration.
      expect(differs).toBeGreaterThan(0);
      expect(several).toBeGreaterThan(0);
    });
  });

  it('leaves out features the data cannot provide and keeps the extra columns', async () => {
    const { artifact } = await loadArtifact(join(model, 'model.json'));
    // No duty column; HS codes up to 10 digits; extra columns under their source names.
    expect(artifact.features).not.toContain('item_duty_rate');
    expect(artifact.features).not.toContain('item_duty_rate_gap');
    expect(artifact.features.slice(0, 12)).toEqual([
      'item_log_customs_value',
      'item_log_net_weight',
      'item_log_unit_value',
      'item_unit_value_log_dev',
      'item_unit_value_log_dev_code',
      'item_dispatch_differs',
      'decl_items',
      'decl_value_share',
      'decl_min_unit_value_log_dev',
      'importer_recent_items',
      'importer_recent_log_value',
      'extra_Tax Rate',
    ]);
    for (const f of ['hist_importer_inn_rate', 'hist_customs_representative_inn_rate', 'hist_hs10_origin_rate', 'hist_extra_Seller ID_rate', 'hist_extra_Tax Type_n']) {
      expect(artifact.features).toContain(f);
    }
    expect(artifact.features.some((f) => f.includes('Fraud'))).toBe(false);
  });

  it('trains only on labels known before the validation part starts', async () => {
    const { artifact } = await loadArtifact(join(model, 'model.json'));
    const validationStart = String(artifact.hyperparameters['split']?.['validationStart']);
    const examples = await withStore(generic, (db) => itemExamples(db, { from: '2023-01', to: '2024-12' }));
    const released = await withStore(generic, async (db) =>
      new Map((await db.all(`SELECT decl_id || '|' || item_no AS k, strftime(last_day(release_date), '%Y-%m-%d') AS as_of,
        strftime(release_date + INTERVAL 90 DAY, '%Y-%m-%d') AS known FROM declarations`)).map((r) => [String(r['k']), r])),
    );
    expect(examples).toHaveLength(4000);
    for (const e of examples) {
      const row = released.get(`${e.declId}|${e.itemNo}`);
      // As of the end of the release month; known 90 days after release (lag_days of the mapping).
      expect([e.source, e.asOf, e.knownDate, e.selection]).toEqual(['declarations', row?.['as_of'], row?.['known'], null]);
    }
    // Labels arrive 90 days after release: the last training months lose theirs.
    const usable = examples.filter((e) => e.asOf < validationStart && e.knownDate < validationStart);
    expect(usable.length).toBeLessThan(examples.filter((e) => e.asOf < validationStart).length);
    const counts = new Map((artifact.metrics['labelCounts'] as MetricTable).rows.map((r) => [String(r[0]), Number(r[1])]));
    // Grown on the fit part, the early-stopping months beside it (stopped on, or not when too few).
    const stopping = [...counts].find(([k]) => k.startsWith('chose the tree count') || k.startsWith('the early-stopping months'))?.[1] ?? 0;
    expect((counts.get('grew the trees of the model that chose the tree count') ?? 0) + stopping).toBe(usable.length);
    // The shipped model is refitted on every label, those known only in the validation months included.
    expect(counts.get('grew the trees of the shipped model (every label of the window)')).toBe(examples.length);
    expect(artifact.labelCount).toEqual({ examples: examples.length, positives: examples.filter((e) => e.label === 1).length });
  });

  it('gives the same bytes for the same seed, and save -> load gives identical predictions', async () => {
    await withStore(generic, async (db) => {
      // Trained again with the settings the CLI used for `model`: the same bytes.
      const { artifact } = await trainItemModel(db, itemConfig, memoryLogger());
      expect(serializeArtifact(artifact)).toBe(await readFile(join(model, 'model.json'), 'utf8'));
      const set = await itemFeatureSet(db);
      const examples = await itemExamples(db, { from: '2024-10', to: '2024-12' });
      const { values } = await itemExampleFeatures(db, examples, set, SCORE_DEFAULTS);
      const x = { values, nRows: examples.length, nCols: set.features.length, layout: 'row-major' as const };
      const before = predictRisk(artifactFromJson({ ...artifact, contentSha256: contentHash(artifact) }, 'memory').models, x);
      const after = predictRisk(artifactFromJson(JSON.parse(serializeArtifact(artifact)), 'saved').models, x);
      expect(after.probability).toEqual(before.probability);
      expect(new Set(before.probability).size).toBeGreaterThan(5);
    });
  }, 60_000);

  it('computes an example\'s features from labels known strictly before its as-of date only', async () => {
    const copy = join(dir, 'flipped.duckdb');
    const asOf = '2024-03-31';
    const featuresAt = async (path: string): Promise<Float64Array> =>
      withStore(path, async (db) => {
        const examples = await itemExamples(db, { from: '2024-03', to: '2024-03' });
        return (await itemExampleFeatures(db, examples, await itemFeatureSet(db), SCORE_DEFAULTS)).values;
      });
    const before = await featuresAt(generic);
    const flip = async (where: string): Promise<void> => {
      const db = await openDuckDb(copy);
      try {
        await db.run(`UPDATE declarations SET label_violation = 1 - label_violation WHERE ${where}`);
      } finally {
        db.close();
      }
    };
    await writeFile(copy, await readFile(generic));
    // Every label known on or after the as-of date, the examples' own included, flipped: nothing changes.
    await flip(`label_known_date >= DATE '${asOf}'`);
    expect(await featuresAt(copy)).toEqual(before);
    // Labels known in the days before are used.
    await flip(`label_known_date BETWEEN DATE '2024-03-20' AND DATE '2024-03-30'`);
    expect(await featuresAt(copy)).not.toEqual(before);
  }, 60_000);
});

/**
 * Flips the item findings of the inspections completed on or after (`>=`) or before (`<`)
 * a date in the store at `path`, and with `outcomes` the inspections' own results too.
 */
async function flipFindings(path: string, op: '>=' | '<', date: string, { outcomes }: { outcomes: boolean }): Promise<void> {
  const db = await openDuckDb(path);
  try {
    await db.run(`UPDATE item_outcomes SET violation = 1 - violation WHERE inspection_id IN (SELECT inspection_id FROM outcomes WHERE completed_date ${op} DATE '${date}')`);
    if (outcomes) await db.run(`UPDATE outcomes SET violation = 1 - violation WHERE completed_date ${op} DATE '${date}'`);
  } finally {
    db.close();
  }
}

describe('item-level model on generated data with item outcomes', () => {
  // The cached world is read, never changed: whatever a test writes goes to its own folder (`mine`).
  let sim: World;
  let mine: string;
  beforeAll(async () => {
    sim = await buildWorld('items');
    mine = await mkdtemp(join(tmpdir(), 'ccrg-item-sim-'));
  });
  afterAll(() => rm(mine, { recursive: true, force: true }));

  it('takes each examined item as of the month end before its inspection started, and never its own inspection\'s findings', async () => {
    const copy = join(mine, 'flipped.duckdb');
    const pick = await withStore(sim.store, async (db) => {
      const examples = (await itemExamples(db, { from: '2025-01', to: '2026-06' })).filter((e) => e.source === 'item_outcomes');
      expect(examples.length).toBeGreaterThan(50);
      const rows = await db.all(`SELECT inspection_id, strftime(CAST(date_trunc('month', min(started_date)) - INTERVAL 1 DAY AS DATE), '%Y-%m-%d') AS as_of FROM outcomes GROUP BY ALL`);
      const asOf = new Map(rows.map((r) => [String(r['inspection_id']), String(r['as_of'])]));
      for (const e of examples) {
        expect(e.asOf).toBe(asOf.get(String(e.inspectionId)));
        expect(e.knownDate > e.asOf).toBe(true);
      }
      // The as-of month with the most examined items.
      const counts = new Map<string, number>();
      for (const e of examples) counts.set(e.asOf, (counts.get(e.asOf) ?? 0) + 1);
      return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    });
    const featuresAt = async (path: string) =>
      withStore(path, async (db) => {
        const examples = (await itemExamples(db, { from: pick.slice(0, 7), to: pick.slice(0, 7) })).filter((e) => e.source === 'item_outcomes');
        const set = await itemFeatureSet(db);
        return { examples, set, values: (await itemExampleFeatures(db, examples, set, SCORE_DEFAULTS)).values };
      });
    const before = await featuresAt(sim.store);
    expect(before.set.features).toContain('item_duty_rate');
    expect(before.set.features).toContain('hist_importer_inn_rate');
    await writeFile(copy, await readFile(sim.store));
    // Every finding completed on or after the as-of date flipped: the examples' own inspections' and later ones.
    await flipFindings(copy, '>=', pick, { outcomes: true });
    const after = await featuresAt(copy);
    expect(after.examples.map((e) => e.exampleId)).toEqual(before.examples.map((e) => e.exampleId));
    expect(after.values).toEqual(before.values);
    // Findings completed before the as-of date are used.
    await flipFindings(copy, '<', pick, { outcomes: false });
    expect((await featuresAt(copy)).values).not.toEqual(before.values);
  }, 120_000);

  it('aggregates item scores per participant from item models that never saw findings known on or after the date', async () => {
    const config = { seed: 3, classifier: TRAIN_DEFAULTS.item.classifier, amount: TRAIN_DEFAULTS.item.amount, stoppingShare: 0.2, minExamples: 100, features: SCORE_DEFAULTS };
    const copy = join(mine, 'aggregates.duckdb');
    const { targets, asOf } = await withStore(sim.store, async (db) => {
      const examples = await participantExamples(db, { from: '2025-07', to: '2026-06' });
      const asOf = examples[Math.floor(examples.length / 2)]!.asOf;
      return { targets: examples.filter((e) => e.asOf === asOf).map((e) => ({ inn: e.inn, asOf })), asOf };
    });
    expect(targets.length).toBeGreaterThan(2);
    const before = await withStore(sim.store, (db) => itemScoreAggregates(db, targets, config));
    expect(before.trainedOn[asOf]).toBeGreaterThan(100);
    for (let i = 0; i < targets.length; i++) {
      expect(before.values[i * 3]).toBeGreaterThanOrEqual(before.values[i * 3 + 1]!);
      expect(before.values[i * 3 + 1]).toBeGreaterThan(0);
    }
    await writeFile(copy, await readFile(sim.store));
    // The targets' own inspections (started after the date) and everything completed since, flipped.
    await flipFindings(copy, '>=', asOf, { outcomes: true });
    // Same values: the own inspections and later findings were not seen (and the run is deterministic).
    expect(await withStore(copy, (db) => itemScoreAggregates(db, targets, config))).toEqual(before);
  }, 120_000);

  it('refuses a participant model where an item model is needed, and an item model where a participant model is', async () => {
    // The shipped participant model (any store gives its inputs).
    const participantModel = fileURLToPath(new URL('../../../models/default/model.json', import.meta.url));
    const itemModel = join(model, 'model.json');
    await withStore(sim.store, async (db) => {
      await expect(loadItemModel(db, participantModel)).rejects.toThrow(`${participantModel}: the model is of level "participant", expected "item"`);
      await expect(evaluateItemModel(db, await loadArtifact(participantModel), await itemFeatureSet(db), { from: '2025-01', to: '2025-06', capacity: null, features: SCORE_DEFAULTS, seed: 1 })).rejects.toThrow(
        'evaluateItemModel needs an item-level risk model; this one is a risk model of level "participant"',
      );
      // The generic model's features are not those this store provides.
      await expect(loadItemModel(db, itemModel)).rejects.toThrow(`${itemModel}: features differ at position 6: the model has "item_dispatch_differs", the data has "item_duty_rate"`);
    });
    const scored = await run(['score', '--period', '2026-06', '--store', sim.store, '--model', itemModel, '--out', join(mine, 'run'), '--quiet']);
    expect(scored.code).toBe(1);
    expect(scored.err).toContain(`${itemModel}: the model is of level "item", expected "participant"`);
    const compared = await run(['models', 'compare', participantModel, itemModel, '--store', sim.store, '--from', '2026-01', '--to', '2026-06', '--quiet']);
    expect(compared.code).toBe(1);
    expect(compared.err).toContain(`${itemModel}: the model is of level "item", expected "participant"`);
  }, 120_000);
});
