import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/app/plan.js';
import { csvRecordsOf } from '../../src/io/csv-read.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { runCli } from '../util/cli.js';
import { buildWorld } from '../scenario/worlds.js';
import { planConfig } from '../plan/helpers.js';

let store: string;
let data: string;
let planDir: string;
let plan: Record<string, string>[];

/** The physical lines of a file as ingested (gzip or plain). */
const fileLines = new Map<string, string[]>();
async function physicalLine(ingested: string, line: number): Promise<string> {
  // The world was ingested in a staging folder renamed when built: the same file now sits in its data folder.
  const file = join(data, basename(ingested));
  let lines = fileLines.get(file);
  if (lines === undefined) {
    const bytes = await readFile(file);
    lines = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').split('\n');
    fileLines.set(file, lines);
  }
  return lines[line - 1] ?? '';
}

beforeAll(async () => {
  ({ store, data } = await buildWorld('plan'));
  planDir = join(await mkdtemp(join(tmpdir(), 'ccrg-sources-')), '2026-06');
  await runPlan(planConfig(store, '2026-06', planDir), fixedClock('2026-11-26'), memoryLogger());
  plan = csvRecordsOf(await readFile(join(planDir, 'plan.csv'), 'utf8'), 'plan.csv', []).records.map((r) => r.values);
}, 180_000);
afterAll(() => rm(dirname(planDir), { recursive: true, force: true }));

describe('explain --sources and the dossiers: every reason traceable to its source lines', () => {
  it('lists under each reason the file and physical line of each row behind it, and each line is that row', async () => {
    // The first risk picks with a customs and with a tax reason between them.
    const picks = plan.filter((r) => r['selection'] === 'risk').slice(0, 6);
    let checked = 0;
    const extracts = new Set<string>();
    for (const pick of picks) {
      const done = await runCli(['explain', '--inn', pick['inn'] as string, '--period', '2026-06', '--store', store, '--out', planDir, '--sources', '--sources-limit', '0']);
      expect(done.code, done.err).toBe(0);
      const section = done.out.slice(done.out.indexOf('Sources behind each reason'), done.out.indexOf(`Plan ${pick['plan_id']}`));
      for (const m of section.matchAll(/^ {6}(\S+):(\d+) {2}(declaration (\S+) item (\d+)|VAT return (\S+) \(correction (\d+)|tax authority's signal (\S+)|register snapshot of (\S+):|inspection (\S+) started)/gm)) {
        const [, file, line, , declId, itemNo, taxPeriod, correction, signalId, snapshot, inspectionId] = m;
        const text = await physicalLine(file as string, Number(line));
        const where = `${file}:${line}`;
        if (declId !== undefined) {
          expect(text.startsWith(`${declId},${itemNo},`), where).toBe(true);
          expect(text, where).toContain(pick['inn'] as string);
          extracts.add('declarations');
        } else if (taxPeriod !== undefined) {
          expect(text.startsWith(`${pick['inn']},${taxPeriod},${correction},`), where).toBe(true);
          extracts.add('tax_returns');
        } else if (signalId !== undefined) {
          expect(text.startsWith(`${signalId},${pick['inn']},`), where).toBe(true);
          extracts.add('tax_signals');
        } else if (snapshot !== undefined) {
          expect(text, where).toContain(snapshot);
          extracts.add('participants');
        } else {
          expect(text.startsWith(`${inspectionId},`), where).toBe(true);
          extracts.add('outcomes');
        }
        checked++;
      }
      // With no limit every row is listed: no "and N more".
      expect(section).not.toContain('more (--sources-limit 0 lists all)');
    }
    expect(checked).toBeGreaterThan(20);
    expect([...extracts]).toEqual(expect.arrayContaining(['declarations', 'tax_returns']));
  });

  it('gives each evidence item of a dossier the file and line it came from', async () => {
    const pick = plan[0] as Record<string, string>;
    const html = await readFile(join(planDir, 'dossiers', `${pick['inn']}.html`), 'utf8');
    const rows = [...html.matchAll(/<tr><td>([^<]+)<\/td><td class="n">(\d+)<\/td>.*?<td>([^<]+\.csv(?:\.gz)?):(\d+)<\/td><\/tr>/g)];
    expect(rows.length).toBeGreaterThan(0);
    for (const [, declId, itemNo, file, line] of rows) {
      expect((await physicalLine(file as string, Number(line))).startsWith(`${declId},${itemNo},`), `${file}:${line}`).toBe(true);
    }
  });

  it('refuses --sources-limit without --sources', async () => {
    const done = await runCli(['explain', '--inn', plan[0]?.['inn'] as string, '--period', '2026-06', '--store', store, '--out', planDir, '--sources-limit', '5']);
    expect(done.code).toBe(2);
    expect(done.err).toContain('--sources-limit applies to --sources');
  });
});
