import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMapping } from '../../src/config/load-mapping.js';
import { openDuckDb } from '../../src/io/db.js';
import { findExtractFiles } from '../../src/store/extract-files.js';
import { loadCheckedProfile, scoreStore } from '../../src/score/score-period.js';
import { ingestFiles } from '../../src/store/ingest.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { scoreConfig } from './helpers.js';

// Another administration's labelled declarations (test/fixtures/generic, docs/examples/mapping-generic.yaml):
// no duty or VAT columns, no tax returns, no register, no outcomes.
describe('the risk profile on declarations without duty or VAT figures', () => {
  it('leaves the undervaluation amount unknown and still flags importers priced far below their peers, fraud-prone ones first', async () => {
    const db = await openDuckDb(':memory:');
    try {
      const mapping = await loadMapping('docs/examples/mapping-generic.yaml');
      await ingestFiles(db, { inputs: await findExtractFiles('test/fixtures/generic'), mapping, dryRun: false, maxRejectShare: null }, fixedClock('2026-11-26'), memoryLogger());
      const profile = await loadCheckedProfile(null);
      const scored = await scoreStore(db, scoreConfig(':memory:', '2024-12', join('/tmp', 'unused')), profile, memoryLogger());
      expect(scored.ranked.length).toBeGreaterThan(50);
      // Unknown, not zero: the extract cannot value what is at stake.
      expect(scored.ranked.every((p) => p.values['uv_at_stake_rub'] === null)).toBe(true);
      const fired = scored.ranked.filter((p) => p.evaluation.fired.some((f) => f.id === 'unit_values_below_peers_no_payments'));
      expect(fired.length).toBeGreaterThan(0);
      expect(scored.ranked.every((p) => !p.evaluation.fired.some((f) => f.id === 'unit_values_below_peers'))).toBe(true);
      expect(fired[0]?.evaluation.fired[0]?.reason).toMatch(/^Declared prices per kg stand on average at -\d+% against the median of \d+ items from \d+ other importers/);
      // The labels on the rows (never a feature) say which importers cheat: the flagged ones violate far more often.
      const rate = async (inns: readonly string[]): Promise<number> => {
        const list = inns.map((i) => `'${i}'`).join(',');
        const rows = await db.all(`SELECT avg(label_violation)::DOUBLE AS r FROM declarations WHERE importer_inn IN (${list})`);
        return Number(rows[0]?.['r']);
      };
      const flagged = fired.map((p) => p.inn);
      const rest = scored.ranked.filter((p) => !flagged.includes(p.inn)).map((p) => p.inn);
      expect(await rate(flagged)).toBeGreaterThan(1.5 * (await rate(rest)));
    } finally {
      db.close();
    }
  });
});
