import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { csvText } from '../../src/io/csv-write.js';
import { RANKED_COLUMNS } from '../../src/run-folder/ranked.js';
import { REASON_COLUMNS } from '../../src/run-folder/reasons.js';

/** The parameters of a score manifest as `ccrg score` writes them with the defaults (lang en). */
export const SCORE_PARAMETERS = {
  as_of: '2026-06-30',
  payment_procedures: ['40'],
  return_grace_days: 15,
  vat_quarters: 12,
  window_months: 12,
  peer_window_months: 3,
  peer_min_items: 20,
  peer_min_importers: 5,
  control_years: 3,
  lead_months: 6,
  lang: 'en' as 'en' | 'ru',
  top: 100,
  evidence_items: 10,
  score_source: 'rules' as 'rules' | 'model',
  rank_by: 'auto',
  anomaly: { n_trees: 100, sample_size: 256, seed: 42 },
};

/** A ranked.csv row of the fixture: rank, inn, name, score and up to three reasons. */
type FixtureRow = [rank: number, inn: string, name: string, score: number, reasons: string[]];

function rankedText(rows: readonly FixtureRow[]): string {
  return csvText(
    RANKED_COLUMNS,
    rows.map(([rank, inn, name, score, reasons]) => [rank, inn, name, '77', '10702010', score.toFixed(4), 'rules', '', '', '', reasons.length > 0 ? (score * 10000).toFixed(2) : '0.00', '0.00', '1000000.00', '', '0.5000', reasons.length, reasons[0] ?? '', reasons[1] ?? '', reasons[2] ?? '']),
  );
}

const CURRENT: FixtureRow[] = [
  [1, '7701000001', 'ООО «Альфа»', 95.5, ['Prices far below peers, 4.2M RUB at stake', 'No VAT return for 2 quarters']],
  [2, '7701000002', 'ООО «Бета» & <Co>', 60, ['Prices far below peers, 850K RUB at stake']],
  [3, '7701000003', 'АО "Гамма"', 30, ['Preference with another dispatch country']],
  [4, '7701000004', '', 0, []],
  [5, '7701000005', 'ООО «Дельта»', 0, []],
];

const PREVIOUS: FixtureRow[] = [
  [1, '7701000002', 'ООО «Бета» & <Co>', 70, ['Prices far below peers']],
  [2, '7701000009', 'ООО «Ушедшая»', 40, ['No VAT return for 1 quarter']],
  [3, '7701000001', 'ООО «Альфа»', 20, ['Prices far below peers']],
];

/** What the fixture run folder holds besides ranked.csv, reasons.csv and manifest.json. */
export interface RunFixtureOptions {
  evaluation?: boolean;
  plan?: boolean;
  previous?: boolean;
  drift?: boolean;
}

/**
 * Writes a small, hand-made run layout under `root`: `2026-06/` with a score
 * manifest, ranked.csv and reasons.csv (and optionally evaluation.json,
 * plan-summary.json and a model with drift), and `2026-05/ranked.csv`.
 * Returns the 2026-06 folder.
 */
export async function writeRunFixture(root: string, options: RunFixtureOptions = {}): Promise<string> {
  const dir = join(root, '2026-06');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'ranked.csv'), rankedText(CURRENT));
  const reasons = [
    [1, '7701000001', 'unit_values_below_peers', 'Prices far below peers', '25.0000', '70.5000', '4200000.00', 'customs', 'Prices far below peers, 4.2M RUB at stake'],
    [1, '7701000001', 'imports_without_vat_return', 'Imports without a VAT return', '30.0000', '25.0000', '', 'tax', 'No VAT return for 2 quarters'],
    [2, '7701000002', 'unit_values_below_peers', 'Prices far below peers', '25.0000', '60.0000', '850000.00', 'customs', 'Prices far below peers, 850K RUB at stake'],
    [3, '7701000003', 'preference_dispatch_mismatch', 'Preference with another dispatch country', '30.0000', '30.0000', '120000.50', 'customs', 'Preference with another dispatch country'],
  ];
  await writeFile(join(dir, 'reasons.csv'), csvText(REASON_COLUMNS, reasons));
  const input = (extract: string, read: number, rejected: number) => ({ extract, source_path: `data/${extract}.csv`, sha256: '0'.repeat(64), records_read: String(read), accepted: String(read - rejected), rejected: String(rejected) });
  const drift = {
    threshold: 0.2,
    features: [
      { name: 'uv_log_dev_mean', psi: 0.0312, flagged: false },
      { name: 'vat_import_deduction_ratio', psi: 0.4567, flagged: true },
      { name: 'firm_age_years', psi: 0.1234, flagged: false },
    ],
    score: { name: 'score', psi: 0.0821, flagged: false },
    flagged: ['vat_import_deduction_ratio'],
    warning: 'One input has shifted well away from the data the model was trained on (2024-07 to 2026-06): vat_import_deduction_ratio (PSI 0.46).',
  };
  const manifest = {
    result: {
      command: 'score',
      period: '2026-06',
      as_of: '2026-06-30',
      code_version: '0.1.0',
      inputs: [input('declarations', 1000, 12), input('participants', 200, 3), input('tax_returns', 300, 0)],
      parameters: SCORE_PARAMETERS,
      model: options.drift === true ? { path: 'models/absent/model.json', kind: 'risk', level: 'participant', window: { from: '2024-07', to: '2026-06' }, data_fingerprint: 'ab'.repeat(32), sha256: 'cd'.repeat(32) } : null,
      risk_profile: { name: 'default', version: '1.1.0', sha256: 'ef'.repeat(32) },
      unavailable_features: [],
      disabled_indicators: [{ id: 'returns_missing', features: ['ct_missing_return_quarters'], warning: 'Indicator returns_missing is disabled: no tax returns in the store' }],
      drift: options.drift === true ? drift : null,
      counts: { participants: 5, with_fired_indicators: 3, evidence_items: 0, items_without_unit_value: 0 },
      outputs: {},
    },
    run: { started_at: '2026-11-26T00:00:00.000Z' },
  };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (options.evaluation === true) {
    const row = (share: number, selectedShare: number, precision: number, recall: number, revenue: number) => ({ k: { share }, target: 1, selected: Math.round(selectedShare * 40), selectedWeight: 1, selectedShare, precision, recall, revenue });
    const ranking = (scale: number, auc: number) => ({
      topK: { examples: 40, totalWeight: 40, positives: 10, baseRate: 0.25, totalCharges: 5e6, rows: [row(0.05, 0.05, 0.5 * scale, 0.1 * scale, 0.2 * scale), row(0.1, 0.1, 0.5 * scale, 0.2 * scale, 0.3 * scale), { ...row(0, 0.25, 0.4 * scale, 0.4 * scale, 0.5 * scale), k: { count: 10 } }] },
      auc,
    });
    const evaluation = { model: 'models/m/model.json', window: { from: '2026-01', to: '2026-05' }, examples: 40, positives: 10, all: { model: ranking(1.5, 0.71), profile: ranking(1.2, 0.64), random: ranking(0.5, 0.5), brier: 0.2 }, reliability: [], chargesByDecile: null, randomSlice: null, inversePropensity: null };
    await writeFile(join(dir, 'evaluation.json'), JSON.stringify(evaluation));
  }
  if (options.plan === true) {
    const plan = {
      period: '2026-06',
      as_of: '2026-06-30',
      seed: 42,
      capacity: { total: 3, random_share: 0.34 },
      quotas: [
        { quota: 'customs', capacity: 2, selected: 2, risk: 1, random: 1, expected_charges_rub: 4320000.5, referrals: 0 },
        { quota: 'tax', capacity: 1, selected: 1, risk: 1, random: 0, expected_charges_rub: 250000, referrals: 1 },
      ],
      totals: { selected: 3, expected_charges_rub: 4570000.5 },
      parameters: { lead_months: 6 },
    };
    await writeFile(join(dir, 'plan-summary.json'), JSON.stringify(plan));
  }
  if (options.previous === true) {
    await mkdir(join(root, '2026-05'), { recursive: true });
    await writeFile(join(root, '2026-05', 'ranked.csv'), rankedText(PREVIOUS));
    const before = [
      [1, '7701000002', 'unit_values_below_peers', 'Prices far below peers', '25.0000', '61.0000', '900000.00', 'customs', 'Prices far below peers'],
      [2, '7701000009', 'imports_without_vat_return', 'Imports without a VAT return', '30.0000', '30.0000', '', 'tax', 'No VAT return for 1 quarter'],
      [3, '7701000001', 'unit_values_below_peers', 'Prices far below peers', '25.0000', '20.0000', '300000.00', 'customs', 'Prices far below peers'],
    ];
    await writeFile(join(root, '2026-05', 'reasons.csv'), csvText(REASON_COLUMNS, before));
  }
  return dir;
}
