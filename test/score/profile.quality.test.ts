import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateAgainstTruth, readTruth, withoutSchemes } from '../../src/models/evaluation/truth.js';
import { runScore } from '../../src/app/score.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { tempDir } from '../util/fixtures.js';
import { buildWorld } from '../scenario/worlds.js';
import { scoreConfig } from './helpers.js';

// Seed 9001 was never used while tuning the default risk profile or the features
// (tuning used seeds 42, the committed samples, 777 and 2024). docs/quality.md has every figure.
describe('quality of the shipped risk profile on generated data (seed 9001)', () => {
  it('finds planted schemes and recovers charges far above random in the top 5%', async () => {
    const { data, store } = await buildWorld('unseen');
    const result = await runScore(scoreConfig(store, '2026-06', join(await tempDir(), 'out')), fixedClock('2026-11-26'), memoryLogger());
    const ranked = result.ranked.map((p) => p.inn);
    const truth = await readTruth(join(data, 'truth.csv'));
    const quality = evaluateAgainstTruth(ranked, truth, '2026-06');
    const at5 = quality.atShare.find((a) => a.share === 0.05);
    if (at5 === undefined) throw new Error('no figures at 5%');
    // Precision at the top 5% at least 3x the base rate (or 0.9), charges at least 3x a random 5%.
    expect(at5.precision >= 0.9 || at5.liftOverBase >= 3, `precision ${at5.precision}, ${at5.liftOverBase}x the base rate`).toBe(true);
    expect(at5.chargesLiftOverRandom).toBeGreaterThanOrEqual(3);
    // Every planted scheme is at least 2x over-represented in the top 10% (docs/quality.md).
    const over = Object.fromEntries(quality.groups.filter((g) => g.kind === 'scheme').map((g) => [g.name, g.overRepresentation]));
    // The traceability schemes (issue 20) were tuned on seeds 42 and 777: seed 9001 is new to them too.
    // So are the EAEU VAT deductions without applications and the export schemes (issue 21), tuned on seeds 42 and 777.
    const schemes = [
      'vat_deduction_inflation', 'shell_importer', 'origin_manipulation', 'misclassification', 'undervaluation', 'resale_markup_undervaluation', 'sales_beyond_imports',
      'eaeu_vat_unpaid_deduction', 'eaeu_false_origin', 'zero_rate_without_export', 'fictitious_export',
    ];
    expect(Object.keys(over).sort()).toEqual([...schemes].sort());
    for (const scheme of schemes) expect(over[scheme], scheme).toBeGreaterThanOrEqual(2);
    // Decoys stay below random: special-regime firms file no VAT returns, stock build-ups even out, deduction lags
    // cancel, non-transaction valuation weighs little, and always-cheap grades show no drop of their own prices.
    const decoys = Object.fromEntries(quality.groups.filter((g) => g.kind === 'decoy').map((g) => [g.name, g.overRepresentation]));
    // Stock sold long after its import balances per batch number; a commission agent's retail sale is not the importer's first sale.
    // An export declared within the 180 days confirms its sale; a sale to an EAEU buyer needs no export declaration;
    // EAEU goods somewhat cheaper than through customs are not far below its price.
    const kinds = [
      'special_regime', 'inventory_buildup', 'deduction_lag', 'non_transaction_valuation', 'price_dispersion', 'stock_from_earlier_batches', 'consignment_sales',
      'export_declared_later', 'eaeu_buyer_confirmed', 'eaeu_true_origin',
    ];
    expect(Object.keys(decoys).sort()).toEqual([...kinds].sort());
    for (const decoy of kinds) expect(decoys[decoy], decoy).toBeLessThan(1);
    // The earlier figures no worse (issue 21): with the participants of issue 21's schemes set aside, every earlier
    // scheme has at least the places in the top 10% it had before issue 21 (risk profile 1.6.0, commit c6a6d51,
    // the same participants set aside: docs/quality.md, "The earlier figures"), and no decoy more.
    const before: Record<string, number> = {
      misclassification: 18, origin_manipulation: 29, resale_markup_undervaluation: 12, sales_beyond_imports: 14, shell_importer: 18, undervaluation: 22, vat_deduction_inflation: 23,
    };
    const beforeDecoys: Record<string, number> = { deduction_lag: 1 };
    const issue21 = new Set(['eaeu_vat_unpaid_deduction', 'eaeu_false_origin', 'zero_rate_without_export', 'fictitious_export']);
    const earlier = evaluateAgainstTruth(withoutSchemes(ranked, truth, issue21, '2026-06'), truth, '2026-06');
    expect(earlier.participants).toBe(1783);
    for (const g of earlier.groups) {
      if (g.kind === 'scheme') expect(g.inTop10, g.name).toBeGreaterThanOrEqual(before[g.name] ?? Number.NaN);
      else expect(g.inTop10, g.name).toBeLessThanOrEqual(beforeDecoys[g.name] ?? 0);
    }
    expect(earlier.groups.filter((g) => g.kind === 'scheme').map((g) => g.name).sort()).toEqual(Object.keys(before).sort());
  });
});
