/**
 * The model card: a Markdown page that says what a saved model predicts,
 * on what data it was trained, how, how well it did, and how to train it
 * again. Deterministic text (no dates, fixed number formats).
 */

import {
  ARTIFACT_FORMAT,
  FEATURE_IMPORTANCE_METRIC,
  MODEL_KINDS,
  type MetricTable,
  type MetricValue,
  type ModelArtifact,
  type ModelLevel,
} from '../risk/artifact.js';
import type { FeatureDistribution } from '../stats/distribution.js';

/** Features listed under "Top features by importance". */
const TOP_FEATURES = 10;

const LEVEL_ROWS: Record<ModelLevel, string> = {
  participant: 'one row per participant (importer)',
  item: 'one row per declared item',
};

/**
 * The model card of an artifact as Markdown: summary table, what it
 * predicts, components, hyperparameters, metrics (scalars, then each table),
 * top features by gain when metrics hold a `featureImportance` table
 * (columns `feature` and `gain`), features with their missing share in
 * training, the training score distribution, and how to reproduce it.
 * Hyperparameters and metrics are listed by name, so the text does not
 * depend on key order. Numbers: integers with thousands separators, others
 * to 4 significant digits, shares as percentages with one decimal.
 */
export function modelCardMarkdown(artifact: ModelArtifact): string {
  const a = artifact;
  const lines: string[] = [];
  const push = (...more: string[]): void => {
    lines.push(...more);
  };
  const { examples, positives } = a.labelCount;

  push(`# Model card: ${a.kind} model, ${a.level} level`, '');
  push(
    ...table(
      ['field', 'value'],
      [
        ['Kind', `\`${a.kind}\``],
        ['Level', `${a.level}: ${LEVEL_ROWS[a.level]}`],
        ['Format', `${ARTIFACT_FORMAT}, version ${a.formatVersion}`],
        ['Training window', `${a.window.from} to ${a.window.to}`],
        ['Training examples', formatNumber(examples)],
        ['Positives (violations found)', positives === null ? 'not used (trained without labels)' : `${formatNumber(positives)} (${formatShare(examples === 0 ? NaN : positives / examples)})`],
        ['Features', formatNumber(a.features.length)],
        ['Seed', String(a.seed)],
        ['Data fingerprint (sha256)', `\`${a.dataFingerprint}\``],
        ['Trained with', `ccrg ${a.createdWith.codeVersion}`],
      ],
    ),
    '',
  );

  push('## What it predicts', '', MODEL_KINDS[a.kind].predicts, '');

  push('## Components', '');
  if (a.kind === 'risk') {
    const { classifier, amount, calibrator, profileMargin } = a.body;
    if (profileMargin !== undefined) {
      push(
        `- starting margin: the risk profile's points as log-odds, ${formatNumber(profileMargin.intercept)} + ${formatNumber(profileMargin.slope)} · (${profileMargin.columns.join(' + ')}); ` +
          'the trees add corrections from the features and never split on the points, so their reasons are what the model adds beyond the profile' +
          (typeof a.metrics['profileShareOfMargin'] === 'number' ? ` (the profile's share of the margin's spread on the training examples: ${formatShare(a.metrics['profileShareOfMargin'])})` : ''),
      );
    }
    push(`- classifier: gradient-boosted trees, objective ${classifier.objective}, ${plural(classifier.trees.length, 'tree')}${bestRound(classifier.training.bestIteration)}`);
    if (amount !== undefined) push(`- amount: gradient-boosted trees, objective ${amount.objective}, ${plural(amount.trees.length, 'tree')}${bestRound(amount.training.bestIteration)}, trained on violations only`);
    else push('- amount: none (no expected charges)');
    if (calibrator === undefined) push('- calibrator: none (the classifier probability is used as is)');
    else if (calibrator.kind === 'isotonic') push(`- calibrator: isotonic regression, ${plural(calibrator.thresholds.length, 'step')}`);
    else push(`- calibrator: Platt scaling, P = 1 / (1 + exp(−(${formatNumber(calibrator.a)} · p + ${formatNumber(calibrator.b)})))`);
  } else {
    const { forest } = a.body;
    push(`- forest: isolation forest, ${plural(forest.trees.length, 'tree')} of ${formatNumber(forest.training.subsampleSize)} rows each, from ${formatNumber(forest.training.nRows)} training rows`);
  }
  push('');

  push('## Hyperparameters', '');
  const components = Object.keys(a.hyperparameters).sort();
  if (components.length === 0) push('None recorded.', '');
  for (const component of components) {
    const params = a.hyperparameters[component]!;
    push(`### ${component}`, '', ...table(['name', 'value'], Object.keys(params).sort().map((k) => [k, formatCell(params[k]!)])), '');
  }

  push('## Metrics', '');
  if (a.hyperparameters['refit']?.['mode'] === 'all-labels') {
    push(
      'The validation figures (AUC, Brier, the top-k table) are those of the model the time split chose, scored on the validation months it never saw: ' +
        'the shipped model was then refitted on every label of the window, those months included (see `refit` below), so no held-out figure of its own exists. ' +
        'Evaluate it on later months with `ccrg evaluate`.',
      '',
    );
  }
  const names = Object.keys(a.metrics).sort();
  const scalars = names.filter((n) => !isTable(a.metrics[n]!));
  const tables = names.filter((n) => n !== FEATURE_IMPORTANCE_METRIC && isTable(a.metrics[n]!));
  if (scalars.length === 0 && tables.length === 0) push('None recorded.', '');
  if (scalars.length > 0) push(...table(['metric', 'value'], scalars.map((n) => [n, formatCell(a.metrics[n] as number | string | null)])), '');
  for (const n of tables) {
    const t = a.metrics[n] as MetricTable;
    push(`### ${n}`, '', ...table(t.columns, t.rows.map((row) => row.map(formatCell))), '');
  }

  const top = topFeatures(a.metrics[FEATURE_IMPORTANCE_METRIC]);
  if (top !== null) {
    push('## Top features by importance', '');
    push(`Total split gain in the trees, the first ${Math.min(TOP_FEATURES, top.rows.length)} of ${top.rows.length}; share of the total gain of all features.`, '');
    push(...table(['#', 'feature', 'gain', 'share'], top.rows.slice(0, TOP_FEATURES).map((r, i) => [String(i + 1), r.feature, formatNumber(r.gain), formatShare(top.total === 0 ? NaN : r.gain / top.total)])), '');
  }

  push('## Features', '');
  push('In the order the model reads them; the data scored must have exactly these. Missing: share of training rows without a value.', '');
  push(...table(['#', 'feature', 'bins', 'missing'], a.features.map((f, i) => {
    const d = a.featureDistributions[f];
    return [String(i + 1), f, d === undefined ? '' : String(d.proportions.length), d === undefined ? '' : formatShare(d.missing)];
  })), '');

  push('## Training score distribution', '');
  const ref = a.referenceDistributions;
  push(
    ref === undefined
      ? 'Share of the training examples in each decile bin of the final score; a scored month is binned the same way to measure drift (PSI).'
      : 'Share of the training examples in each decile bin of the final score.',
    '',
  );
  push(...distributionTable(a.scoreDistribution), '');
  if (ref !== undefined) {
    push('## Drift reference', '');
    push(
      `The drift watch compares each scored month with the ${ref.rows.toLocaleString('en-US')} participants scored as of ${ref.asOf} (the latest example date), ` +
        'not with the inspected training examples, which are risk-selected and differ from any month by design. Their final score:',
      '',
    );
    push(...distributionTable(ref.score), '');
  }

  push('## How to reproduce', '');
  push(
    `Train again with ccrg ${a.createdWith.codeVersion} at the ${a.level} level on training data whose fingerprint is the one above, window ${a.window.from} to ${a.window.to}, seed ${a.seed} and the hyperparameters above. Training is deterministic: the same inputs give the same model body and the same artifact file.`,
  );
  return `${lines.join('\n')}\n`;
}

/** A distribution's bins as table lines: bin, interval, share. */
function distributionTable(d: FeatureDistribution): string[] {
  const rows: string[][] = d.proportions.map((p, i) => {
    const lower = i === 0 ? null : d.edges[i - 1]!;
    const upper = i === d.edges.length ? null : d.edges[i]!;
    const range = lower === null && upper === null ? 'all values' : lower === null ? `≤ ${formatNumber(upper!)}` : upper === null ? `> ${formatNumber(lower)}` : `(${formatNumber(lower)}, ${formatNumber(upper)}]`;
    return [String(i + 1), range, formatShare(p)];
  });
  rows.push(['missing', '', formatShare(d.missing)]);
  return table(['bin', 'values', 'share'], rows);
}

function topFeatures(value: MetricValue | undefined): { rows: { feature: string; gain: number }[]; total: number } | null {
  if (value === undefined || !isTable(value)) return null;
  const f = value.columns.indexOf('feature');
  const g = value.columns.indexOf('gain');
  if (f < 0 || g < 0) return null;
  const rows = value.rows
    .map((r) => ({ feature: String(r[f] ?? ''), gain: typeof r[g] === 'number' ? r[g] : NaN }))
    .filter((r) => Number.isFinite(r.gain));
  rows.sort((x, y) => y.gain - x.gain || (x.feature < y.feature ? -1 : x.feature > y.feature ? 1 : 0));
  return { rows, total: rows.reduce((s, r) => s + r.gain, 0) };
}

function isTable(value: MetricValue): value is MetricTable {
  return typeof value === 'object' && value !== null;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

function bestRound(best: number | null): string {
  return best === null ? '' : ` (early stopping at round ${best + 1})`;
}

function plural(n: number, word: string): string {
  return `${formatNumber(n)} ${word}${n === 1 ? '' : 's'}`;
}

function formatCell(value: number | string | boolean | null): string {
  if (value === null) return 'n/a';
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

/** Integers with thousands separators; others to 4 significant digits without trailing zeros; n/a for NaN. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : x > 0 ? '∞' : '−∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return groupThousands(String(x));
  const abs = Math.abs(x);
  if (abs >= 1000) return groupThousands(x.toFixed(0));
  let text = x.toPrecision(4);
  if (text.includes('.') && !text.includes('e')) text = text.replace(/\.?0+$/, '');
  return text;
}

function formatShare(p: number): string {
  return Number.isFinite(p) ? `${(p * 100).toFixed(1)}%` : 'n/a';
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
