import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSet } from '../../src/run-folder/file-set.js';
import { manifestJson, readScoreManifest, type ScoreManifest } from '../../src/run-folder/manifest.js';
import { rankedCsv, readRanked, type RankedRow } from '../../src/run-folder/ranked.js';
import { readReasons, reasonsCsv, type ReasonRow } from '../../src/run-folder/reasons.js';
import { evidenceCsv } from '../../src/run-folder/evidence.js';
import { readScoreRun } from '../../src/run-folder/score-run.js';
import { sha256Hex } from '../../src/util/hash.js';
import { tempDir } from '../util/fixtures.js';
import { SCORE_PARAMETERS } from '../report/run-fixture.js';

const RANKED: RankedRow[] = [
  {
    rank: 1,
    inn: '7701000001',
    name: 'ООО «Альфа», "quoted"',
    region: '77',
    office: '10702010',
    score: 123456.78,
    scoreSource: 'model',
    probability: 0.812345,
    expectedChargesRub: 123456.78,
    modelCustomsShare: 0.75,
    customsAtStakeRub: 4200000,
    taxAtStakeRub: 0,
    customsValueWindowRub: 98000000.5,
    taxSignalCount: 2,
    anomalyScore: 0.6123,
    indicatorsFired: 2,
    reasons: ['Prices far below peers', 'No VAT return'],
  },
  {
    rank: 2,
    inn: '7701000002',
    name: '=HYPERLINK("x")',
    region: '',
    office: '',
    score: 0,
    scoreSource: 'model',
    probability: 0.01,
    expectedChargesRub: 0,
    modelCustomsShare: null,
    customsAtStakeRub: 0,
    taxAtStakeRub: 15.5,
    customsValueWindowRub: null,
    taxSignalCount: null,
    anomalyScore: null,
    indicatorsFired: 0,
    reasons: [],
  },
];

const REASONS: ReasonRow[] = [
  { rank: 1, inn: '7701000001', indicatorId: 'unit_values_below_peers', title: 'Prices', weight: 25, contribution: 70.5, amountAtStakeRub: 4200000, recoveringAuthority: 'customs', reason: 'Prices far below peers' },
  { rank: 1, inn: '7701000001', indicatorId: 'model:uv_log_dev_mean', title: 'Unit values', weight: null, contribution: 0.4321, amountAtStakeRub: null, recoveringAuthority: 'customs', reason: 'Unit values low' },
];

function manifest(outputs: Record<string, string>): ScoreManifest {
  return {
    result: {
      command: 'score',
      period: '2026-06',
      as_of: '2026-06-30',
      code_version: '0.1.0',
      inputs: [],
      parameters: { ...SCORE_PARAMETERS, lang: 'ru', score_source: 'model' },
      model: null,
      risk_profile: { name: 'default', version: '1.0.0', sha256: 'ab'.repeat(32) },
      unavailable_features: [],
      disabled_indicators: [],
      drift: null,
      counts: { participants: 2, with_fired_indicators: 1, evidence_items: 0, items_without_unit_value: 0 },
      outputs,
    },
    run: { started_at: '2026-11-26T00:00:00.000Z', timings_ms: {}, host: 'h', node: 'v20', threads: null, memory_limit: null },
  };
}

/** A score run folder written the way `ccrg score` writes it. */
async function writeRun(): Promise<string> {
  const dir = await tempDir();
  const files = new FileSet();
  files.add('ranked.csv', rankedCsv(RANKED));
  files.add('reasons.csv', reasonsCsv(REASONS));
  files.add('evidence.csv', evidenceCsv([{ rank: 1, inn: '7701000001', decl_id: 'D1', item_no: 1, customs_value_rub: 10 }]));
  await files.writeInto(dir);
  await writeFile(join(dir, 'manifest.json'), manifestJson(manifest(files.hashes())));
  return dir;
}

describe('run folder files: one schema, its writer and its reader', () => {
  it('reads ranked.csv back into the rows it was written from (text cells guarded against formulas)', async () => {
    const dir = await writeRun();
    const back = await readRanked(join(dir, 'ranked.csv'));
    expect(back).toEqual([RANKED[0], { ...RANKED[1], name: `'=HYPERLINK("x")` }]);
  });

  it('reads reasons.csv back, a model reason without weight or amount included', async () => {
    const dir = await writeRun();
    expect(await readReasons(join(dir, 'reasons.csv'))).toEqual(REASONS);
  });

  it('hashes the bytes it writes', async () => {
    const dir = await writeRun();
    const run = await readScoreRun(dir);
    expect(run?.rankedSha256).toBe(sha256Hex(await readFile(join(dir, 'ranked.csv'))));
    expect(run?.evidence.get('7701000001')?.[0]?.decl_id).toBe('D1');
    expect(run?.reasons.get('7701000001')?.map((r) => r.indicatorId)).toEqual(['unit_values_below_peers', 'model:uv_log_dev_mean']);
  });

  it('refuses a score file edited after scoring, naming it', async () => {
    const dir = await writeRun();
    const path = join(dir, 'ranked.csv');
    await writeFile(path, (await readFile(path, 'utf8')).replace('0.812345', '0.999999'));
    await expect(readScoreRun(dir)).rejects.toThrow(`${path} was changed after ccrg score wrote it`);
  });

  it('reads a manifest written before the one naming style (camelCase feature parameters)', async () => {
    const dir = await tempDir();
    const old = manifest({}) as unknown as { result: { parameters: Record<string, unknown> } };
    const { control_years: controlYears, lead_months: leadMonths, return_grace_days: returnGraceDays, payment_procedures: paymentProcedures, ...rest } = old.result.parameters;
    old.result.parameters = { ...rest, controlYears, leadMonths, returnGraceDays, paymentProcedures };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(old));
    const read = await readScoreManifest(dir);
    expect(read?.result.parameters).toMatchObject({ control_years: 3, lead_months: 6, return_grace_days: 15, payment_procedures: ['40'], lang: 'ru' });
  });

  it('names the manifest and the field it lacks; another command’s manifest is no score run', async () => {
    const dir = await tempDir();
    const broken = manifest({}) as unknown as { result: { parameters: Record<string, unknown> } };
    delete broken.result.parameters['lead_months'];
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(broken));
    await expect(readScoreManifest(dir)).rejects.toThrow(`${join(dir, 'manifest.json')}: result.parameters.lead_months must be a number, got undefined`);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ result: { command: 'train' } }));
    expect(await readScoreManifest(dir)).toBeNull();
    expect(await readScoreManifest(await tempDir())).toBeNull();
  });
});
