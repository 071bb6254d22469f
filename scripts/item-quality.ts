// Quality of the item model on the item world (docs/quality.md, "Quality of
// the item model on the item world"): generates the world
// (scripts/make-item-world.ts) into a temporary folder and runs the CLI
// path a user would run on labelled declarations:
//
//   ccrg ingest   --declarations declarations.csv --mapping docs/examples/mapping-generic.yaml
//   ccrg train    --level item --from <month 1> --to <month 15>
//   ccrg score    --level item --period <month>   (each of the last 3 months)
//   ccrg evaluate --from <month 16> --to <month 18> --scores scores.csv
//
// then prints, on every item of the last 3 months, precision in the top 5%
// and 10% and AUC of the model (from the items.csv files of `score`, checked
// against `evaluate`) beside plain rate tables computed here from the
// training labels only, a random ranking and the generator's latent logit
// (the ceiling no ranking can pass on average).
//
//   npm run quality:items -- [--seed 7] [--items 54000] [--months 18] [--test-months 3] [--threads 2] [--keep DIR]
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { loadMapping } from '../src/config/load-mapping.js';
import { readItems } from '../src/run-folder/items.js';
import { periodsBetween } from '../src/util/period.js';
import { ITEM_WORLD_DEFAULTS, ITEM_WORLD_HEADER, itemWorldCsv, makeItemWorld, type Scheme, type WorldItem } from './make-item-world.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(ITEM_WORLD_DEFAULTS.seed) },
    items: { type: 'string', default: String(ITEM_WORLD_DEFAULTS.items) },
    months: { type: 'string', default: String(ITEM_WORLD_DEFAULTS.months) },
    start: { type: 'string', default: ITEM_WORLD_DEFAULTS.start },
    'test-months': { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    mapping: { type: 'string', default: 'docs/examples/mapping-generic.yaml' },
    keep: { type: 'string' },
  },
});
const months = Number(values.months);
const testMonths = Number(values['test-months']);
const addMonths = (period: string, n: number): string => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
};
const first = values.start;
const last = addMonths(first, months - 1);
const trainTo = addMonths(first, months - testMonths - 1);
const testFrom = addMonths(trainTo, 1);
const today = `${addMonths(last, 1)}-01`;

const times: [string, number][] = [];
async function timed<T>(step: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await f();
  times.push([step, (performance.now() - t0) / 1000]);
  return result;
}
async function ccrg(args: string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, ['bin/ccrg.js', ...args, '--today', today], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; code?: number };
    throw new Error(`ccrg ${args.join(' ')} failed (exit ${err.code}):\n${err.stderr ?? ''}${err.stdout ?? ''}`);
  }
}

/** A ranking's figures on the test items: ties are broken at random in expectation. */
interface Figures {
  p5: number;
  p10: number;
  auc: number;
}

/** Expected precision of the top floor(n q) (at least 1) items, ties shared in proportion. */
function precisionAt(scores: readonly number[], labels: readonly number[], q: number): number {
  const order = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const k = Math.max(1, Math.floor(scores.length * q));
  let taken = 0;
  let hits = 0;
  for (let i = 0; i < order.length && taken < k; ) {
    let j = i;
    let pos = 0;
    while (j < order.length && scores[order[j] as number] === scores[order[i] as number]) pos += labels[order[j++] as number] as number;
    const size = j - i;
    const take = Math.min(size, k - taken);
    hits += (pos * take) / size;
    taken += take;
    i = j;
  }
  return hits / k;
}

/** AUC with mid-ranks for ties. */
function auc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && scores[order[j] as number] === scores[order[i] as number]) j++;
    const mid = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) if (labels[order[t] as number] === 1) {
      rankSum += mid;
      pos++;
    }
    i = j;
  }
  const neg = scores.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

const figures = (scores: readonly number[], labels: readonly number[]): Figures => ({
  p5: precisionAt(scores, labels, 0.05),
  p10: precisionAt(scores, labels, 0.1),
  auc: auc(scores, labels),
});

/** A smoothed past fraud rate per key, from the training items only: (v + m prior) / (n + m). */
function rateTable(train: readonly WorldItem[], key: (w: WorldItem) => string, m = 20): (w: WorldItem) => number {
  const prior = train.filter((w) => w.label).length / train.length;
  const counts = new Map<string, [number, number]>();
  for (const w of train) {
    const c = counts.get(key(w)) ?? [0, 0];
    c[0] += w.label ? 1 : 0;
    c[1] += 1;
    counts.set(key(w), c);
  }
  return (w) => {
    const c = counts.get(key(w));
    return c === undefined ? prior : (c[0] + m * prior) / (c[1] + m);
  };
}

/**
 * The importer table as the model's history rates see it: per test item, only
 * the training labels known before its release date (release + `lagDays`).
 */
function laggedImporterRates(train: readonly WorldItem[], test: readonly WorldItem[], lagDays: number, m = 20): number[] {
  const known = (w: WorldItem): string => new Date(Date.parse(w.date) + lagDays * 86_400_000).toISOString().slice(0, 10);
  const byKnown = [...train].sort((a, b) => (known(a) < known(b) ? -1 : known(a) > known(b) ? 1 : 0));
  const order = test.map((_, i) => i).sort((a, b) => ((test[a] as WorldItem).date < (test[b] as WorldItem).date ? -1 : 1));
  const counts = new Map<string, [number, number]>();
  let v = 0;
  let n = 0;
  let next = 0;
  const out = new Array<number>(test.length);
  for (const i of order) {
    const w = test[i] as WorldItem;
    for (; next < byKnown.length && known(byKnown[next] as WorldItem) < w.date; next++) {
      const t = byKnown[next] as WorldItem;
      const c = counts.get(cell(t, 'Importer ID')) ?? [0, 0];
      c[0] += t.label ? 1 : 0;
      c[1] += 1;
      counts.set(cell(t, 'Importer ID'), c);
      v += t.label ? 1 : 0;
      n += 1;
    }
    const prior = v / n;
    const c = counts.get(cell(w, 'Importer ID'));
    out[i] = c === undefined ? prior : (c[0] + m * prior) / (c[1] + m);
  }
  return out;
}

const cell = (w: WorldItem, column: (typeof ITEM_WORLD_HEADER)[number]): string => w.cells[ITEM_WORLD_HEADER.indexOf(column)] as string;

/** ln unit value against the median of the same code in the same month (all items, no labels): the lower, the riskier. */
function priceScores(world: readonly WorldItem[], items: readonly WorldItem[]): number[] {
  const logUnit = (w: WorldItem): number => Math.log(Number(cell(w, 'Item Price')) / Number(cell(w, 'Net Mass')));
  const groups = new Map<string, number[]>();
  for (const w of world) {
    const k = `${cell(w, 'HS10 Code')}|${w.date.slice(0, 7)}`;
    groups.set(k, [...(groups.get(k) ?? []), logUnit(w)]);
  }
  const medians = new Map([...groups].map(([k, xs]) => [k, [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number]));
  return items.map((w) => (medians.get(`${cell(w, 'HS10 Code')}|${w.date.slice(0, 7)}`) as number) - logUnit(w));
}

/** The mean of two rankings' ranks (ties get their mean rank): two signals combined without any parameter. */
function meanRank(a: readonly number[], b: readonly number[]): number[] {
  const ranks = (xs: readonly number[]): number[] => {
    const order = xs.map((_, i) => i).sort((i, j) => (xs[i] as number) - (xs[j] as number));
    const r = new Array<number>(xs.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j < order.length && xs[order[j] as number] === xs[order[i] as number]) j++;
      for (let t = i; t < j; t++) r[order[t] as number] = (i + j - 1) / 2;
      i = j;
    }
    return r;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  return ra.map((x, i) => x + (rb[i] as number));
}

const lagDays = (await loadMapping(values.mapping)).extracts.declarations.labels?.lagDays ?? 0;
const dir = values.keep ?? (await mkdtemp(join(tmpdir(), 'ccrg-item-quality-')));
const t0 = performance.now();
try {
  await mkdir(dir, { recursive: true });
  const world = await timed('generate', async () => {
    const w = makeItemWorld({ items: Number(values.items), months, start: first, seed: Number(values.seed), rate: ITEM_WORLD_DEFAULTS.rate });
    await writeFile(join(dir, 'declarations.csv'), itemWorldCsv(w));
    return w;
  });
  const store = join(dir, 'store.duckdb');
  const model = join(dir, 'model');
  const threads = ['--threads', values.threads];
  await timed('ingest', () => ccrg(['ingest', '--declarations', join(dir, 'declarations.csv'), '--mapping', values.mapping, '--store', store, '--rejects', join(dir, 'rejects.csv'), '--quiet', ...threads]));
  const trained = await timed('train', () => ccrg(['train', '--level', 'item', '--store', store, '--from', first, '--to', trainTo, '--out', model, '--quiet', ...threads]));
  const testPeriods = periodsBetween(testFrom, last);
  for (const p of testPeriods) {
    await timed(`score ${p}`, () => ccrg(['score', '--level', 'item', '--model', model, '--period', p, '--store', store, '--out', join(dir, 'runs', p), '--quiet', ...threads]));
  }
  const evaluated = await timed('evaluate', () =>
    ccrg(['evaluate', '--model', model, '--store', store, '--from', testFrom, '--to', last, '--scores', join(dir, 'scores.csv'), '--out', join(dir, 'eval'), '--quiet', ...threads]),
  );

  // The test items, with the margins `score` gave them.
  const key = (decl: string, item: number | string): string => `${decl}/${item}`;
  const margin = new Map<string, number>();
  for (const p of testPeriods) {
    for (const it of await readItems(join(dir, 'runs', p, 'items.csv'))) margin.set(key(it.declId, it.itemNo), it.margin);
  }
  const train = world.filter((w) => w.date.slice(0, 7) <= trainTo);
  const test = world.filter((w) => w.date.slice(0, 7) >= testFrom);
  const missing = test.filter((w) => !margin.has(key(w.declId, w.itemNo))).length;
  if (missing > 0 || margin.size !== test.length) throw new Error(`score wrote ${margin.size} items for ${test.length} test items (${missing} missing)`);
  const labels: number[] = test.map((w) => (w.label ? 1 : 0));
  const baseRate = labels.reduce((a, b) => a + b, 0) / labels.length;
  const modelScores = test.map((w) => margin.get(key(w.declId, w.itemNo)) as number);
  const evaluation = JSON.parse(await readFile(join(dir, 'eval', 'evaluation.json'), 'utf8')) as {
    examples: number;
    all: { model: { auc: number; topK: { rows: { k: { share?: number }; precision: number }[] } } };
  };
  const evalAt = (q: number): number => evaluation.all.model.topK.rows.find((r) => r.k.share === q)?.precision ?? NaN;

  const importer = rateTable(train, (w) => cell(w, 'Importer ID'));
  const pair = (a: (typeof ITEM_WORLD_HEADER)[number], b: (typeof ITEM_WORLD_HEADER)[number]): ((w: WorldItem) => number) => rateTable(train, (w) => `${cell(w, a)}|${cell(w, b)}`);
  const declarantImporter = pair('Declarant ID', 'Importer ID');
  const hsOrigin = pair('HS10 Code', 'Country of Origin');
  const price = priceScores(world, test);
  const rows: [string, Figures][] = [
    ['model (`score --level item`, items.csv margin)', figures(modelScores, labels)],
    ['importer rate table (training labels, m = 20)', figures(test.map(importer), labels)],
    [`importer rate table, only labels known before each item (lag ${lagDays} days)`, figures(laggedImporterRates(train, test, lagDays), labels)],
    ['declarant × importer rate table', figures(test.map(declarantImporter), labels)],
    ['HS10 × origin rate table', figures(test.map(hsOrigin), labels)],
    ['unit value below the month median of its HS10 code', figures(price, labels)],
    ['mean rank of the importer table and the unit value', figures(meanRank(test.map(importer), price), labels)],
    ['random (the base rate)', { p5: baseRate, p10: baseRate, auc: 0.5 }],
    ['latent logit of the generator (ceiling)', figures(test.map((w) => w.logit), labels)],
  ];

  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const positives = labels.reduce((a, b) => a + b, 0);
  const seenImporters = new Set(train.map((w) => cell(w, 'Importer ID')));
  const unseen = test.filter((w) => !seenImporters.has(cell(w, 'Importer ID'))).length;
  console.log(
    `item world seed ${values.seed}: ${world.length} items, ${first}..${last}; trained on ${first}..${trainTo} (${train.length} items), ` +
      `tested on ${testFrom}..${last}: ${test.length} items, ${positives} labelled Fraud (${pct(positives / test.length)}), ` +
      `${unseen} (${pct(unseen / test.length)}) of importers with no training item`,
  );
  console.log(trained.trim().split('\n').at(-1));
  console.log('\n| ranking | precision top 5% | precision top 10% | AUC |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, f] of rows) console.log(`| ${name} | ${pct(f.p5)} | ${pct(f.p10)} | ${f.auc.toFixed(3)} |`);
  const scored = rows[0]?.[1] as Figures;
  const agree =
    evaluation.examples === test.length && Math.abs(evalAt(0.05) - scored.p5) < 1e-9 && Math.abs(evalAt(0.1) - scored.p10) < 1e-9 && Math.abs(evaluation.all.model.auc - scored.auc) < 5e-4;
  console.log(
    `\n\`evaluate\` on ${evaluation.examples} items: precision top 5% ${pct(evalAt(0.05))}, top 10% ${pct(evalAt(0.1))}, AUC ${evaluation.all.model.auc.toFixed(3)}` +
      (agree ? ' (as from the items.csv files of `score`)' : ' -- DIFFERENT from the items.csv files of `score`'),
  );

  // Which planted schemes each ranking finds: recall of the labelled frauds of a scheme in the top 10%.
  const schemes: Scheme[] = ['undervaluation', 'misclassification', 'transshipment', 'hidden', 'none'];
  // Each item's chance to be in the top 10%: items tied at the cut share the places left.
  const inTop = (scores: readonly number[]): number[] => {
    const k = Math.max(1, Math.floor(scores.length * 0.1));
    const cut = [...scores].sort((a, b) => b - a)[k - 1] as number;
    const above = scores.filter((s) => s > cut).length;
    const tied = scores.filter((s) => s === cut).length;
    return scores.map((s) => (s > cut ? 1 : s === cut ? (k - above) / tied : 0));
  };
  const topModel = inTop(modelScores);
  const topImporter = inTop(test.map(importer));
  console.log('\n| labelled frauds by planted scheme | items | in the model\'s top 10% | in the importer table\'s top 10% |');
  console.log('| --- | --- | --- | --- |');
  for (const s of schemes) {
    const idx = test.map((w, i) => (w.label && w.scheme === s ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    const share = (top: number[]): string => pct(idx.reduce((a, i) => a + (top[i] as number), 0) / idx.length);
    console.log(`| ${s === 'none' ? 'label noise (honest item labelled Fraud)' : s} | ${idx.length} | ${share(topModel)} | ${share(topImporter)} |`);
  }
  const newIdx = test.map((w, i) => (w.label && !seenImporters.has(cell(w, 'Importer ID')) ? i : -1)).filter((i) => i >= 0);
  const recall = (top: number[]): string => pct(newIdx.reduce((a, i) => a + (top[i] as number), 0) / newIdx.length);
  console.log(`| (frauds of importers with no training item) | ${newIdx.length} | ${recall(topModel)} | ${recall(topImporter)} |`);

  console.log(`\n\`evaluate\` printed:\n${evaluated.trim().split('\n').slice(0, 3).join('\n')}`);
  console.log(`\ntimes (${values.threads} threads): ${times.map(([s, t]) => `${s} ${t.toFixed(1)} s`).join(', ')}; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (values.keep !== undefined) console.log(`kept in ${dir}: ${(await readdir(dir)).join(', ')}`);
} finally {
  if (values.keep === undefined) await rm(dir, { recursive: true, force: true });
}
