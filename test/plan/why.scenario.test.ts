import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/app/plan.js';
import { csvRecordsOf } from '../../src/io/csv-read.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { runCli } from '../util/cli.js';
import { buildWorld } from '../scenario/worlds.js';
import { planConfig } from './helpers.js';

type Row = Record<string, string>;
let store: string;
let planDir: string;
let files: Record<'plan' | 'eligible' | 'excluded' | 'referrals' | 'ranked', Row[]>;
let planId: string;
/** On the exclusion list: one that would have been selected, one far below the cut. */
let listedHigh: string;
let listedLow: string;

const read = async (name: string): Promise<Row[]> => csvRecordsOf(await readFile(join(planDir, name), 'utf8'), name, []).records.map((r) => r.values);

beforeAll(async () => {
  ({ store } = await buildWorld('plan'));
  planDir = join(await mkdtemp(join(tmpdir(), 'ccrg-why-')), '2026-06');
  // Scored first (no plan), to choose whom to put on the exclusion list.
  const first = planConfig(store, '2026-06', planDir);
  await runPlan(first, fixedClock('2026-11-26'), memoryLogger());
  const ranked = await read('ranked.csv');
  const eligible = new Set((await read('eligible.csv')).map((r) => r['inn']));
  listedHigh = (await read('plan.csv')).find((r) => r['selection'] === 'risk')?.['inn'] as string;
  listedLow = ranked.filter((r) => eligible.has(r['inn'])).at(-1)?.['inn'] as string;
  const list = join(dirname(planDir), 'exclude.csv');
  await writeFile(list, `inn,reason\n${listedHigh},court case pending\n${listedLow},court case pending\n`);
  await runPlan({ ...planConfig(store, '2026-06', planDir, { excludePath: list }), rescore: true }, fixedClock('2026-11-26'), memoryLogger());
  files = { plan: await read('plan.csv'), eligible: await read('eligible.csv'), excluded: await read('excluded.csv'), referrals: await read('referrals.csv'), ranked: await read('ranked.csv') };
  planId = files.plan[0]?.['plan_id'] as string;
}, 180_000);
afterAll(() => rm(dirname(planDir), { recursive: true, force: true }));

async function why(inn: string): Promise<string> {
  const done = await runCli(['explain', '--inn', inn, '--period', '2026-06', '--store', store, '--out', planDir]);
  expect(done.code, done.err).toBe(0);
  const at = done.out.indexOf(`Plan ${planId}`);
  expect(at, done.out).toBeGreaterThan(0);
  return done.out.slice(at);
}

describe('ccrg explain: why a participant is or is not in the plan', () => {
  it('names the selection of a risk pick and of an exploration draw, with the inclusion probability and the inspection id', async () => {
    const risk = files.plan.find((r) => r['selection'] === 'risk') as Row;
    expect(await why(risk['inn'] as string)).toContain(`IN THE PLAN: rank ${risk['rank']}, selected by risk (inclusion probability 1), ${risk['check_type']} check, ${risk['recommended_form']}; inspection id ${planId}/${risk['inn']}`);
    const random = files.plan.find((r) => r['selection'] === 'random') as Row;
    expect(random).toBeDefined();
    expect(await why(random['inn'] as string)).toContain(`IN THE PLAN: rank ${random['rank']}, drawn at random in the exploration slice (inclusion probability ${Number(random['propensity'])})`);
  });

  it('puts an eligible participant below the cut against the rank the risk picks reach, and says it was not drawn', async () => {
    const cut = Math.max(...files.plan.filter((r) => r['selection'] === 'risk').map((r) => Number(r['rank'])));
    const below = files.eligible.find((r) => r['risk'] === '1' && r['selection'] === '' && Number(r['rank']) > cut) as Row;
    expect(below).toBeDefined();
    const text = await why(below['inn'] as string);
    expect(text).toContain(`NOT IN THE PLAN: eligible at rank ${below['rank']}; below the risk cut of quota national: its ${files.plan.filter((r) => r['selection'] === 'risk').length} risk picks reach down to rank ${cut}`);
    expect(text).toContain(`its inclusion probability ${Number(below['inclusion_probability'])}; not drawn (seed 42)`);
    expect(text).toMatch(/quota national: capacity 30, 30 selected \(27 by risk, 3 at random/);
  });

  it('gives the exclusions: from excluded.csv where it would have been selected, recomputed with the plan\'s parameters below the cut', async () => {
    const high = await why(listedHigh);
    expect(high).toContain('NOT IN THE PLAN: excluded at rank');
    expect(high).toContain("exclusion_list: planner's exclusion list: court case pending");
    expect(files.excluded.some((r) => r['inn'] === listedLow)).toBe(false);
    const low = await why(listedLow);
    expect(low).toContain('NOT IN THE PLAN: not eligible (below the risk cut too, so excluded.csv does not list it):');
    expect(low).toContain("exclusion_list: planner's exclusion list: court case pending");
  });

  it('names a recent inspection and lists the inspections known by the plan\'s date', async () => {
    const recent = files.excluded.find((r) => r['reason'] === 'recent_inspection') as Row;
    expect(recent, 'a participant passed over for a recent inspection').toBeDefined();
    const text = await why(recent['inn'] as string);
    expect(text).toContain(`recent_inspection: ${recent['detail']}`);
    expect(text).toContain('inspections known by 2026-06-30 (latest first):');
  });

  it('says a referral went to the tax authority, and that an unknown participant was not scored', async () => {
    const referral = files.referrals[0] as Row;
    expect(referral, 'a referral').toBeDefined();
    expect(await why(referral['inn'] as string)).toContain(`referred to the tax authority (referral ${referral['referral_id']}`);
    expect(await why('7707083893')).toContain('NOT IN THE PLAN: not scored in the run the plan was made from');
  });
});
