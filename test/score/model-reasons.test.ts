import { describe, expect, it } from 'vitest';
import type { FeatureDef } from '../../src/features/types.js';
import { trainGbdt } from '../../src/models/learners/gbdt/index.js';
import { FEATURE_TITLES_RU, featureAuthority, modelReasons } from '../../src/score/model-reasons.js';
import { MODEL_INPUTS, PROFILE_INPUTS } from '../../src/models/risk/inputs.js';

const feature = (id: string, family: string, unit: FeatureDef['unit'], title: string): FeatureDef => ({
  id,
  family,
  unit,
  decimals: 4,
  title,
  formula: '',
  rationale: '',
  catches: [],
});

// Two informative features (a share and money), one noise feature.
const FEATS = [
  feature('uv_share_below_half', 'unit_value', 'share', 'Share of items below half the peer median'),
  feature('vat_import_deduction_excess_rub', 'vat_deductions', 'RUB', 'Import VAT deducted beyond the VAT paid at customs'),
  feature('headcount', 'profile', 'count', 'Headcount'),
];

function dataset(): { values: Float64Array; labels: Float64Array; n: number } {
  const n = 400;
  const values = new Float64Array(n * 3);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const share = (i % 10) / 10;
    const excess = i % 4 === 0 ? 1e6 * (1 + (i % 7)) : 0;
    values.set([share, excess, (i * 37) % 50], i * 3);
    labels[i] = share >= 0.5 || excess > 0 ? 1 : 0;
  }
  return { values, labels, n };
}

describe('model reasons', () => {
  const { values, labels, n } = dataset();
  const model = trainGbdt(
    { x: { values, nRows: n, nCols: 3, layout: 'row-major' }, y: labels },
    { params: { objective: 'logistic', nTrees: 30, maxDepth: 3, learningRate: 0.3, seed: 1 }, featureNames: FEATS.map((f) => f.id) },
  );

  it('names the features that raised the log-odds most, largest first, with their values, the month median and the odds factor', () => {
    // Row 0: share 0 and excess 1M: only the excess raises the score.
    const { reasons, customsShare } = modelReasons(model, values, n, { features: FEATS, lang: 'en' });
    const contributions = model.contributions({ values, nRows: n, nCols: 3, layout: 'row-major' });
    for (let r = 0; r < n; r++) {
      const list = reasons[r] ?? [];
      const positive = [0, 1, 2].filter((j) => Number((contributions[r * 4 + j] as number).toFixed(4)) > 0);
      expect(list.length).toBe(Math.min(3, positive.length));
      // The customs share is the customs feature's part of the positive contributions (only uv_share_below_half is customs here).
      const pos = [0, 1, 2].map((j) => Math.max(0, contributions[r * 4 + j] as number));
      const total = pos[0]! + pos[1]! + pos[2]!;
      if (total > 0) expect(customsShare[r]).toBeCloseTo(pos[0]! / total, 4);
      else expect(customsShare[r]).toBeNull();
      for (let k = 1; k < list.length; k++) expect((list[k - 1] as { contribution: number }).contribution).toBeGreaterThanOrEqual((list[k] as { contribution: number }).contribution);
    }
    const row0 = reasons[0] ?? [];
    expect(row0[0]?.feature).toBe('vat_import_deduction_excess_rub');
    expect(row0[0]?.recoveringAuthority).toBe('tax');
    expect(row0[0]?.reason).toMatch(/^Model: Import VAT deducted beyond the VAT paid at customs is 1M RUB \(month median 0 RUB\); this multiplies the odds of a violation by \d+\.\d\d$/);
    const factor = Number(/by (\d+\.\d\d)$/.exec(row0[0]?.reason ?? '')?.[1]);
    expect(factor).toBeCloseTo(Math.exp(row0[0]?.contribution ?? 0), 2);
    // Row 5: share 0.5, no excess: the share raises it, shown as a percent; Russian text with Russian titles.
    const ru = modelReasons(model, values, n, { features: FEATS, lang: 'ru' }).reasons[5] ?? [];
    expect(ru[0]?.feature).toBe('uv_share_below_half');
    expect(ru[0]?.recoveringAuthority).toBe('customs');
    expect(ru[0]?.reason).toMatch(/^Модель: Доля товаров дешевле половины медианы аналогов — 50% \(медиана за месяц 45%\); это повышает шансы нарушения в \d+,\d\d раза$/);
  });

  it('has a Russian title and a recovering authority for every model input', () => {
    for (const f of MODEL_INPUTS) {
      expect(FEATURE_TITLES_RU[f.id], f.id).toBeTruthy();
      expect(['customs', 'tax']).toContain(featureAuthority(f));
    }
    expect(Object.keys(FEATURE_TITLES_RU).sort()).toEqual(MODEL_INPUTS.map((f) => f.id).sort());
    // The risk-profile points go to the authority of their indicators.
    expect(PROFILE_INPUTS.map((f) => featureAuthority(f))).toEqual(['customs', 'tax']);
  });
});
