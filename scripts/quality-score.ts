// Quality of the monthly batch on generated data (docs/quality.md):
// generates extracts with a seed, ingests them, scores the last month with
// the shipped risk profile and compares the ranking with truth.csv.
//
//   npx tsx scripts/quality-score.ts [--seed 20261] [--participants 2000] [--months 24]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATE_DEFAULTS, SCORE_DEFAULTS } from '../src/config/defaults.js';
import { defaultMapping } from '../src/config/mapping.js';
import { evaluateAgainstTruth, readTruth } from '../src/models/evaluation/truth.js';
import { generateExtracts } from '../src/generate/generate.js';
import { openDuckDb } from '../src/io/db.js';
import { findExtractFiles } from '../src/store/extract-files.js';
import { asOfFromPeriod } from '../src/util/period.js';
import { loadCheckedProfile, scoreStore } from '../src/score/score-period.js';
import { ingestFiles } from '../src/store/ingest.js';
import { fixedClock } from '../src/util/clock.js';
import { memoryLogger } from '../src/util/logger.js';

const { values } = parseArgs({
  options: { seed: { type: 'string', default: '20261' }, participants: { type: 'string', default: '2000' }, months: { type: 'string', default: '24' }, profile: { type: 'string' } },
});
const end = GENERATE_DEFAULTS.end;
const dir = await mkdtemp(join(tmpdir(), 'ccrg-quality-'));
try {
  await generateExtracts(
    { ...GENERATE_DEFAULTS, participants: Number(values.participants), months: Number(values.months), seed: Number(values.seed), outDir: dir, gzip: false, monthly: false },
    memoryLogger(),
  );
  const db = await openDuckDb(':memory:');
  const clock = fixedClock('2026-11-26');
  await ingestFiles(db, { inputs: await findExtractFiles(dir), mapping: defaultMapping(), dryRun: false, maxRejectShare: null }, clock, memoryLogger());
  const profile = await loadCheckedProfile(values.profile ?? null);
  const config = {
    period: end,
    source: { store: ':memory:' },
    riskProfilePath: values.profile ?? null,
    lang: 'en' as const,
    top: 0,
    evidenceItems: 0,
    outDir: '',
    features: { ...SCORE_DEFAULTS, asOf: asOfFromPeriod(end) },
    duckdb: {},
  };
  const scored = await scoreStore(db, config, profile, memoryLogger());
  db.close();
  const result = evaluateAgainstTruth(scored.ranked.map((p) => p.inn), await readTruth(join(dir, 'truth.csv')), end);
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  console.log(`seed ${values.seed}, ${values.participants} participants, ${values.months} months to ${end}; risk profile ${profile.name} ${profile.version}`);
  console.log(`scored ${result.participants}, with planted schemes ${result.positives} (base rate ${pct(result.baseRate)})\n`);
  console.log('| top | k | precision | lift over base rate | charges recovered | lift over random |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const a of result.atShare) {
    console.log(`| ${pct(a.share)} | ${a.k} | ${pct(a.precision)} | ${a.liftOverBase.toFixed(2)}x | ${pct(a.chargesShare)} | ${a.chargesLiftOverRandom.toFixed(2)}x |`);
  }
  console.log('\n| kind | scheme | participants | in top 10% | over-representation |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const g of result.groups) console.log(`| ${g.kind} | ${g.name} | ${g.participants} | ${g.inTop10} | ${g.overRepresentation.toFixed(2)}x |`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
