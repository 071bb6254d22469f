/**
 * `ccrg plan` on a run folder that holds an item set (`score --level item`):
 * the dossiers list the riskiest items, and `--rank-by items` ranks the plan
 * by items-by-participant.csv. The item set is written by hand
 * through the run folder's own writers (test/util/item-set.ts), so that the
 * test chooses whose items are risky; `score --level item` itself is tested
 * in test/models/risk/item-model.quality.test.ts.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvRecordsOf } from '../../src/io/csv-read.js';
import type { ItemRow } from '../../src/run-folder/items.js';
import type { PlanSummary } from '../../src/run-folder/plan-summary.js';
import { sha256Hex } from '../../src/util/hash.js';
import { buildWorld } from '../scenario/worlds.js';
import { runCli } from '../util/cli.js';
import { tempDir } from '../util/fixtures.js';
import { item, writeItemSet } from '../util/item-set.js';

const PERIOD = '2026-06';
let store: string;
/** A folder holding the period's participant score run only. */
let scored: string;
/** INNs of ranked.csv, in its order. */
let ranked: string[];

/** Runs the CLI with the date fixed and quiet. */
const run = (args: string[]) => runCli([...args, '--quiet', '--today', '2026-11-26']);
const plan = (dir: string, ...flags: string[]) => run(['plan', '--period', PERIOD, '--store', store, '--out', dir, '--capacity', '20', ...flags]);

beforeAll(async () => {
  ({ store } = await buildWorld('plan'));
  scored = join(await mkdtemp(join(tmpdir(), 'ccrg-plan-items-')), PERIOD);
  const result = await run(['score', '--period', PERIOD, '--store', store, '--out', scored]);
  expect(result.code, result.err).toBe(0);
  ranked = csvRecordsOf(await readFile(join(scored, 'ranked.csv'), 'utf8'), 'ranked.csv', ['inn']).records.map((r) => r.values['inn'] as string);
}, 180_000);
afterAll(() => rm(dirname(scored), { recursive: true, force: true }));

/** A copy of the scored folder to plan in. */
async function copyScored(): Promise<string> {
  const dir = join(await tempDir(), PERIOD);
  await cp(scored, dir, { recursive: true });
  return dir;
}

const read = async (dir: string, name: string): Promise<Record<string, string>[]> => csvRecordsOf(await readFile(join(dir, name), 'utf8'), name, []).records.map((r) => r.values);
const summaryOf = async (dir: string): Promise<PlanSummary> => JSON.parse(await readFile(join(dir, 'plan-summary.json'), 'utf8')) as PlanSummary;
const dossier = (dir: string, inn: string): Promise<string> => readFile(join(dir, 'dossiers', `${inn}.html`), 'utf8');

/** `count` items of `inn` with margins from `top` down by 0.1; ids `<inn>-<k>`. */
function itemsOf(inn: string, count: number, top: number): ItemRow[] {
  return Array.from({ length: count }, (_, k) => item(inn, `${inn}-${String(k + 1).padStart(2, '0')}`, 1, Number((top - k * 0.1).toFixed(6))));
}

describe('dossiers with an item set in the run folder', () => {
  it("list each selected participant's riskiest items from items.csv, at most 10, and leave the plan itself as it was", async () => {
    const without = await copyScored();
    expect((await plan(without)).code).toBe(0);
    const picks = (await read(without, 'plan.csv')).map((r) => r['inn'] as string);
    const [many, few, none] = picks as [string, string, string];

    const dir = await copyScored();
    // 12 items of the first pick, 2 of the second, none of the third; an importer outside the plan too.
    const outsider = ranked.find((inn) => !picks.includes(inn)) as string;
    await writeItemSet(dir, [...itemsOf(many, 12, 1.5), ...itemsOf(few, 2, 3), ...itemsOf(outsider, 1, 4)], { period: PERIOD, asOf: '2026-06-30' });
    const result = await plan(dir);
    expect(result.code, result.err).toBe(0);

    // Ranked by the scores as before: the items change the dossiers only.
    for (const name of ['plan.csv', 'eligible.csv', 'excluded.csv', 'referrals.csv']) expect(await readFile(join(dir, name), 'utf8'), name).toBe(await readFile(join(without, name), 'utf8'));
    const html = await dossier(dir, many);
    expect(html).toContain('<h2>Riskiest items</h2>');
    expect(html).toContain('its 10 riskiest of 12 items released in the period, riskiest first; 12 with probability at least 0.5');
    expect(html).toContain('rank 3 of 3 in items-by-participant.csv');
    const listed = [...html.matchAll(new RegExp(`<td>(${many}-\\d\\d)</td>`, 'g'))].map((m) => m[1]);
    expect(listed).toEqual(Array.from({ length: 10 }, (_, k) => `${many}-${String(k + 1).padStart(2, '0')}`));
    expect(html).toContain(`<td>reason of ${many}-01/1</td>`);
    expect(html).toContain('<td class="n">1.500000</td>');
    expect(await dossier(dir, few)).toContain('its 2 riskiest of 2 items');
    expect(await dossier(dir, none)).toContain('No item of this participant released in the period was scored (items.csv, item model models/item).');
    // The page is the one without an item set, plus the items section before the evidence.
    const plain = await dossier(without, many);
    const section = /<h2>Riskiest items<\/h2>\n[\s\S]*?(?=<h2>Evidence items<\/h2>)/.exec(html)?.[0] ?? '';
    expect(section).not.toBe('');
    expect(html.replace(section, '').replaceAll((await summaryOf(dir)).plan_id, 'ID')).toBe(plain.replaceAll((await summaryOf(without)).plan_id, 'ID'));

    const summary = await summaryOf(dir);
    expect(summary.item_set).toEqual({
      period: PERIOD,
      model: { path: 'models/item', sha256: 'f'.repeat(64) },
      items_sha256: sha256Hex(await readFile(join(dir, 'items.csv'))),
      items_by_participant_sha256: sha256Hex(await readFile(join(dir, 'items-by-participant.csv'))),
      dossier_items: 10,
      ranking: null,
    });
    expect((await summaryOf(without)).item_set).toBeUndefined();
    // The item set is carried over with the score files.
    expect(existsSync(join(dir, 'items-manifest.json'))).toBe(true);
  });

  it('refuses an item file edited after scoring, naming it, and leaves the folder as it was', async () => {
    const dir = await copyScored();
    await writeItemSet(dir, itemsOf(ranked[0] as string, 3, 2), { period: PERIOD, asOf: '2026-06-30' });
    const path = join(dir, 'items.csv');
    await writeFile(path, (await readFile(path, 'utf8')).replace('2.000000', '9.000000'));
    const before = (await readdir(dir)).sort();
    const result = await plan(dir);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${path} was changed after ccrg score --level item wrote it (its sha256 differs from items-manifest.json): score the items again (ccrg score --level item --model PATH --period ${PERIOD} --out ${dir})`);
    expect((await readdir(dir)).sort()).toEqual(before);
  });

  it('refuses an item set of another period', async () => {
    const dir = await copyScored();
    await writeItemSet(dir, itemsOf(ranked[0] as string, 1, 2), { period: '2026-05', asOf: '2026-05-31' });
    const result = await plan(dir);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${join(dir, 'items-manifest.json')} holds the item scores of period 2026-05, not ${PERIOD}`);
  });
});

describe('ccrg plan --rank-by items', () => {
  /** 40 participants from the middle of ranked.csv, their items making the roll-up rank them in reverse. */
  const itemScored = (): string[] => ranked.slice(100, 140).reverse();
  const itemSet = (inns: readonly string[]): ItemRow[] => inns.flatMap((inn, i) => itemsOf(inn, 2, 5 - i * 0.1));

  it('ranks the plan by items-by-participant.csv, those without item scores after them and never picked for risk', async () => {
    const dir = await copyScored();
    const order = itemScored();
    await writeItemSet(dir, itemSet(order), { period: PERIOD, asOf: '2026-06-30' });
    const result = await plan(dir, '--rank-by', 'items', '--explore', '0.2');
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('ranked by items');
    expect(result.out).toContain(`ranked by items-by-participant.csv: 40 participants with item scores first, then ${ranked.length - 40} without`);

    const rollUp = (await read(dir, 'items-by-participant.csv')).map((r) => r['importer_inn']);
    expect(rollUp).toEqual(order);
    // eligible.csv is in the plan's order: the roll-up's, then ranked.csv's for the rest; ranks renumbered.
    const eligible = await read(dir, 'eligible.csv');
    const planOrder = [...order, ...ranked.filter((inn) => !order.includes(inn))];
    expect(eligible.map((r) => r['inn'])).toEqual(planOrder.filter((inn) => eligible.some((r) => r['inn'] === inn)));
    for (const r of eligible) expect(Number(r['rank'])).toBe(planOrder.indexOf(r['inn'] as string) + 1);
    expect(eligible.filter((r) => r['risk'] === '1').map((r) => r['inn'])).toEqual(order.filter((inn) => eligible.some((r) => r['inn'] === inn)));
    // Without item scores: no risk, but still in the exploration frame.
    const rest = eligible.filter((r) => !order.includes(r['inn'] as string) && r['recommended_form'] !== 'refer_to_tax');
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((r) => r['risk'] === '0' && r['frame'] === 'national' && Number(r['inclusion_probability']) > 0)).toBe(true);

    // Risk picks: the walk down the roll-up, skipping the ineligible and those routed to the tax authority.
    const picks = await read(dir, 'plan.csv');
    const risk = picks.filter((r) => r['selection'] === 'risk').map((r) => r['inn']);
    const customs = new Set(eligible.filter((r) => r['recommended_form'] !== 'refer_to_tax').map((r) => r['inn']));
    expect(risk).toEqual(order.filter((inn) => customs.has(inn)).slice(0, 16));
    expect(picks.filter((r) => r['selection'] === 'random')).toHaveLength(4);
    // The default ranking picks others: the items decided.
    const byScores = await copyScored();
    expect((await plan(byScores, '--explore', '0.2')).code).toBe(0);
    expect((await read(byScores, 'plan.csv')).filter((r) => r['selection'] === 'risk').map((r) => r['inn'])).not.toEqual(risk);

    const summary = await summaryOf(dir);
    expect(summary.score_source).toBe('items');
    expect(summary.item_set?.ranking).toEqual({ with_item_scores: 40, without_item_scores: ranked.length - 40, not_in_score_run: [] });
    expect(summary.plan_id).not.toBe((await summaryOf(byScores)).plan_id);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(dir, 'plan.xlsx'));
    const parameters = new Map<string, unknown>();
    workbook.getWorksheet('Parameters')?.eachRow((row) => parameters.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(parameters.get('score_source')).toBe('items');
    expect(parameters.get('item_set.ranking.with_item_scores')).toBe('40');
    // The dossier of the first risk pick names its rank among the item scores.
    expect(await dossier(dir, risk[0] as string)).toContain(`rank ${order.indexOf(risk[0] as string) + 1} of 40 in items-by-participant.csv`);
  });

  it('plans the importers of ranked.csv only, naming those with item scores that it lacks', async () => {
    const dir = await copyScored();
    const order = itemScored();
    const stranger = '9909990001';
    expect(ranked).not.toContain(stranger);
    await writeItemSet(dir, [...itemSet(order), ...itemsOf(stranger, 1, 9)], { period: PERIOD, asOf: '2026-06-30' });
    // The report's drift watch is not the point here (test/report/previous-period.scenario.test.ts): off.
    const result = await plan(dir, '--rank-by', 'items', '--report', '--drift-months', '0');
    expect(result.code, result.err).toBe(0);
    expect(result.err).toContain(`warning: 1 importers with item scores in ${join(dir, 'items-by-participant.csv')} are not in ${join(dir, 'ranked.csv')} and are not planned (first: ${stranger};`);
    expect((await read(dir, 'items-by-participant.csv'))[0]?.['importer_inn']).toBe(stranger);
    const summary = await summaryOf(dir);
    expect(summary.item_set?.ranking).toEqual({ with_item_scores: 40, without_item_scores: ranked.length - 40, not_in_score_run: [stranger] });
    expect(summary.totals.participants).toBe(ranked.length);
    for (const name of ['plan.csv', 'eligible.csv', 'excluded.csv', 'referrals.csv']) expect((await read(dir, name)).map((r) => r['inn']), name).not.toContain(stranger);
    expect((await read(dir, 'eligible.csv'))[0]?.['rank']).toBe('1');
    const report = await readFile(join(dir, 'report.html'), 'utf8');
    expect(report).toContain(`Ranked by the item scores (--rank-by items): 40 participants in the order of items-by-participant.csv, then ${ranked.length - 40} without item scores (drawn at random only); 1 importers with item scores not in ranked.csv, not planned.`);
  });

  it('needs the item set, naming the missing files and the commands that make them', async () => {
    const dir = await copyScored();
    const result = await plan(dir, '--rank-by', 'items');
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${dir} lacks items.csv, items-by-participant.csv, items-manifest.json: run ccrg score --period ${PERIOD} --out ${dir}, then ccrg score --level item --model PATH --period ${PERIOD} --out ${dir} (in this order: a participant score replaces the item set)`);
    expect(existsSync(join(dir, 'plan.csv'))).toBe(false);
  });

  it('needs the participant scores too, and does not score the period first (that would remove the item set)', async () => {
    const dir = join(await tempDir(), PERIOD);
    await cp(scored, dir, { recursive: true });
    await writeItemSet(dir, itemSet(itemScored()), { period: PERIOD, asOf: '2026-06-30' });
    await rm(join(dir, 'ranked.csv'));
    const result = await plan(dir, '--rank-by', 'items');
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${dir} lacks ranked.csv: run ccrg score --period ${PERIOD}`);
    expect(existsSync(join(dir, 'ranked.csv'))).toBe(false);
    expect(existsSync(join(dir, 'items.csv'))).toBe(true);
  });

  it('refuses items-by-participant.csv edited after scoring', async () => {
    const dir = await copyScored();
    const order = itemScored();
    await writeItemSet(dir, itemSet(order), { period: PERIOD, asOf: '2026-06-30' });
    const path = join(dir, 'items-by-participant.csv');
    const lines = (await readFile(path, 'utf8')).split('\n');
    // Swap the two riskiest importers' lines: a planner promoting one by hand.
    await writeFile(path, [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n'));
    const result = await plan(dir, '--rank-by', 'items');
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${path} was changed after ccrg score --level item wrote it`);
    expect(existsSync(join(dir, 'plan.csv'))).toBe(false);
  });
});
