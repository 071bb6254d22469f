import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CsvScanner } from '../../src/io/csv-scan.js';
import { runScore } from '../../src/app/score.js';
import { FileSet } from '../../src/run-folder/file-set.js';
import { RANKED_COLUMNS } from '../../src/run-folder/ranked.js';
import { sha256Hex } from '../../src/util/hash.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { tempDir } from '../util/fixtures.js';
import { buildWorld, copyWorld } from '../scenario/worlds.js';
import { openDuckDb } from '../../src/io/db.js';
import { scoreConfig } from './helpers.js';

const clock = fixedClock('2026-11-26');
let store: string;

beforeAll(async () => {
  ({ store } = await buildWorld('score'));
});

function csvRecords(text: string): number {
  const scanner = new CsvScanner(',');
  scanner.push(Buffer.from(text));
  return scanner.finish().records;
}

async function readRun(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await readdir(dir)) files[name] = await readFile(join(dir, name), 'utf8');
  return files;
}

describe('runScore', () => {
  it('writes the run layout: ranked, reasons, evidence, traceability evidence and manifest', async () => {
    const out = join(await tempDir(), '2026-06');
    const result = await runScore(scoreConfig(store, '2026-06', out), clock, memoryLogger());
    const files = await readRun(out);
    expect(Object.keys(files).sort()).toEqual(['evidence.csv', 'manifest.json', 'ranked.csv', 'reasons.csv', 'trace-evidence.csv']);
    expect(files['ranked.csv']?.split('\n')[0]).toBe(RANKED_COLUMNS.join(','));
    expect(csvRecords(files['ranked.csv'] ?? '')).toBe(result.ranked.length);
    const manifest = JSON.parse(files['manifest.json'] ?? '{}');
    expect(manifest.result).toMatchObject({ command: 'score', period: '2026-06', as_of: '2026-06-30', risk_profile: { name: 'default' } });
    expect(manifest.result.outputs['ranked.csv']).toBe(sha256Hex(files['ranked.csv'] ?? ''));
    // The generated world's movements: the top participants' batches, each with its documents.
    expect(files['trace-evidence.csv']?.split('\n')[0]).toMatch(/^rank,inn,rnpt,decl_id,item_no,/);
    expect(manifest.result.counts.trace_evidence_rows).toBeGreaterThan(0);
    expect(csvRecords(files['trace-evidence.csv'] ?? '')).toBe(manifest.result.counts.trace_evidence_rows);
    expect(manifest.result.outputs['trace-evidence.csv']).toBe(sha256Hex(files['trace-evidence.csv'] ?? ''));
    expect(result.ranked.map((p) => p.rank)).toEqual(result.ranked.map((_, i) => i + 1));
    // The cold-start anomaly score of the month's isolation forest sits beside the rules' score.
    expect(result.ranked.every((p) => p.anomaly !== undefined && p.anomaly > 0 && p.anomaly <= 1)).toBe(true);
    expect(manifest.result.parameters.anomaly).toEqual({ n_trees: 100, sample_size: 256, seed: 42 });
  });

  it('gives byte-identical result files and manifest results for the same inputs', async () => {
    const a = join(await tempDir(), 'a');
    const b = join(await tempDir(), 'b');
    await runScore(scoreConfig(store, '2026-06', a), clock, memoryLogger());
    await runScore(scoreConfig(store, '2026-06', b), clock, memoryLogger());
    const [runA, runB] = [await readRun(a), await readRun(b)];
    for (const name of ['ranked.csv', 'reasons.csv', 'evidence.csv', 'trace-evidence.csv']) expect(runA[name]).toBe(runB[name]);
    expect(JSON.parse(runA['manifest.json'] ?? '').result).toEqual(JSON.parse(runB['manifest.json'] ?? '').result);
  });

  it('keeps the previous complete set when a run fails midway', async () => {
    const out = join(await tempDir(), '2026-06');
    await runScore(scoreConfig(store, '2026-06', out), clock, memoryLogger());
    await writeFile(join(out, 'plan.csv'), 'from an earlier plan');
    const before = await readRun(out);
    // The disk fills while the new set is written: its first file is there, the next one fails.
    const write = vi.spyOn(FileSet.prototype, 'writeInto').mockImplementationOnce(async (dir: string) => {
      await writeFile(join(dir, 'ranked.csv'), 'half a new ranking');
      throw new Error('disk full');
    });
    try {
      await expect(runScore(scoreConfig(store, '2026-05', out), clock, memoryLogger())).rejects.toThrow('disk full');
      expect(write).toHaveBeenCalledTimes(1);
    } finally {
      write.mockRestore();
    }
    expect(await readRun(out)).toEqual(before);
  });

  it('refuses a risk profile naming an unknown feature before any work', async () => {
    const dir = await tempDir();
    const profile = join(dir, 'p.yaml');
    const original = await readFile(new URL('../../profiles/default.yaml', import.meta.url), 'utf8');
    const firstFeature = /feature: (\w+)/.exec(original)?.[1] ?? '';
    await writeFile(profile, original.replace(`feature: ${firstFeature}`, 'feature: no_such_feature'));
    const out = join(dir, 'out');
    await expect(runScore(scoreConfig(store, '2026-06', out, { riskProfilePath: profile }), clock, memoryLogger())).rejects.toThrow(
      /p\.yaml:\d+:\d+: indicator \w+: condition.*unknown feature "no_such_feature"/,
    );
    await expect(readdir(out)).rejects.toThrow();
  });
});

describe('runScore without tax returns or register', () => {
  it('disables the indicators that need them, with a warning each in the manifest, and still ranks', async () => {
    const { data } = await buildWorld('small');
    const out = join(await tempDir(), 'out');
    const logger = memoryLogger();
    const config = scoreConfig(':memory:', '2026-06', out, {
      source: { inputs: [{ extract: 'declarations', file: join(data, 'declarations.csv') }], mappingPath: null },
    });
    const result = await runScore(config, clock, logger);
    expect(result.ranked.length).toBeGreaterThan(0);
    expect((await readFile(join(out, 'rejects.csv'), 'utf8')).split('\n')[0]).toBe('file,line,column,value,code,message');
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    const disabled = manifest.result.disabled_indicators.map((d: { id: string }) => d.id);
    expect(disabled).toEqual(expect.arrayContaining(['vat_deductions_exceed_paid', 'imports_without_vat_return', 'imports_far_above_revenue', 'shell_importer_profile']));
    expect(disabled).not.toContain('unit_values_below_peers');
    expect(logger.lines.filter((l) => l.startsWith('warning:'))).toHaveLength(disabled.length);
    expect(result.ranked.every((p) => p.evaluation.fired.every((f) => !disabled.includes(f.id)))).toBe(true);
  });
});

describe('runScore on items declared at no value', () => {
  it('scores every participant and counts the items without a unit value in the manifest', async () => {
    // A private copy: every 40th item of the window becomes a free sample.
    const { store: copy } = await copyWorld(await buildWorld('small'), await tempDir());
    const db = await openDuckDb(copy);
    try {
      await db.run(`UPDATE declarations SET customs_value_rub = 0, duty_rub = 0, import_vat_rub = 0 WHERE hash(decl_id, item_no) % 40 = 0 AND release_date > DATE '2025-07-01'`);
    } finally {
      db.close();
    }
    const out = join(await tempDir(), 'out');
    const result = await runScore(scoreConfig(copy, '2026-06', out), clock, memoryLogger());
    expect(result.ranked.length).toBeGreaterThan(100);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.result.counts.items_without_unit_value).toBeGreaterThan(10);
  });
});

describe('explainParticipant', () => {
  it('explains a participant far down the list, and says when one is not scored', async () => {
    const { explainParticipant } = await import('../../src/score/explain.js');
    const { loadCheckedProfile, scoreStore } = await import('../../src/score/score-period.js');
    const { openSource } = await import('../../src/app/store.js');
    const { FEATURES } = await import('../../src/features/compute.js');
    const config = scoreConfig(store, '2026-06', '');
    const { db } = await openSource(config.source, config.duckdb, clock, memoryLogger());
    try {
      const scored = await scoreStore(db, config, await loadCheckedProfile(null), memoryLogger());
      const last = scored.ranked[scored.ranked.length - 1];
      if (last === undefined) throw new Error('nothing scored');
      const text = (await explainParticipant(db, scored, FEATURES, last.inn, '2026-06-30')).text;
      expect(text).toContain(`as of 2026-06-30: rank ${last.rank} of ${scored.ranked.length}`);
      expect(text).toContain('Indicators that did not fire:');
      expect(text).toContain('vat_deductions_exceed_paid: ');
      expect(text).toContain('uv_log_dev_mean');
      const missing = await explainParticipant(db, scored, FEATURES, '7707083893', '2026-06-30');
      expect(missing.rank).toBeNull();
      expect(missing.text).toBe(`7707083893 is not scored as of 2026-06-30: it has no declaration items in the feature window (${scored.ranked.length} participants were scored).`);
    } finally {
      db.close();
    }
  });
});
