/**
 * dossiers/<inn>.html: one self-contained page per selected participant
 * (inline CSS, no scripts, nothing loaded from elsewhere). Every value
 * that comes from data is HTML-escaped.
 */
import { sha256Hex } from '../util/hash.js';
import type { ItemRollUpRow, ItemRow } from '../run-folder/items.js';
import type { RankedRow } from '../run-folder/ranked.js';
import type { ReasonRow } from '../run-folder/reasons.js';
import type { InspectionRow } from './inputs.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * The file name of a participant's dossier: `<inn>.html` for an id of
 * letters and digits only (every real INN), else a safe prefix of the id
 * (other characters become `_`, at most 40 of them) and a hash of the whole
 * id: `A/1`, `A_1` and `A 1` get three files, and a 300-character id a short
 * name. Ids of letters and digits hold no `-`, so the two forms never meet.
 */
export function dossierFileName(inn: string): string {
  if (/^[A-Za-z0-9]{1,64}$/.test(inn)) return `${inn}.html`;
  const prefix = inn.slice(0, 40).replace(/[^A-Za-z0-9_]/g, '_');
  return `${prefix === '' ? '_' : prefix}-${sha256Hex(inn).slice(0, 16)}.html`;
}

/** A participant's item scores (`score --level item`) as its dossier lists them. */
export interface DossierItems {
  /** Its riskiest items of items.csv (at most PLAN_DEFAULTS.dossierItems), riskiest first. */
  rows: readonly ItemRow[];
  /** Its line of items-by-participant.csv and its rank there; null when no item of it was scored in the period. */
  rollUp: { rank: number; of: number; row: ItemRollUpRow } | null;
  /** The item model's path, as items-manifest.json names it. */
  model: string;
}

/** Everything a dossier shows. */
export interface DossierData {
  planId: string;
  period: string;
  asOf: string;
  lang: 'en' | 'ru';
  row: RankedRow;
  quota: string;
  checkType: string;
  form: string;
  customsRub: number;
  taxRub: number;
  customsShare: number | null;
  selection: 'risk' | 'random';
  propensity: number;
  earliestInspectableUntil: string | null;
  inspectableItems: number;
  reasons: readonly ReasonRow[];
  /** Evidence items: evidence.csv rows, or the largest inspectable items from the store. */
  evidence: readonly Record<string, string>[];
  /** Whether `evidence` came from evidence.csv (peer comparison) or the store (largest items). */
  evidenceSource: 'evidence.csv' | 'store';
  inspections: readonly InspectionRow[];
  /** Its riskiest scored items; absent when the run folder holds no item set (the page then has no items section). */
  items?: DossierItems;
}

const LABELS = {
  en: {
    title: 'Inspection dossier',
    figures: 'Figures',
    reasons: 'Reasons',
    evidence: 'Evidence items',
    evidenceCsv: 'Items that drove the score (evidence.csv), most money at stake first.',
    evidenceStore: 'Largest items still open to post-release control (the participant is outside evidence.csv).',
    history: 'Inspection history',
    none: 'None.',
    noneHistory: 'No inspection started by the as-of date.',
    items: 'Riskiest items',
    itemsText: 'From items.csv (item model {model}): its {shown} riskiest of {items} items released in the period, riskiest first; {atLeastHalf} with probability at least 0.5; expected charges of all its items {expected} RUB; rank {rank} of {of} in items-by-participant.csv.',
    noItems: 'No item of this participant released in the period was scored (items.csv, item model {model}).',
  },
  ru: {
    title: 'Досье для проверки',
    figures: 'Показатели',
    reasons: 'Причины',
    evidence: 'Товары-доказательства',
    evidenceCsv: 'Товары, определившие оценку (evidence.csv), по убыванию суммы под риском.',
    evidenceStore: 'Крупнейшие товары, ещё доступные для проверки (участника нет в evidence.csv).',
    history: 'История проверок',
    none: 'Нет.',
    noneHistory: 'Проверок, начатых до даты расчёта, нет.',
    items: 'Самые рискованные товары',
    itemsText: 'По items.csv (модель товаров {model}): {shown} самых рискованных из {items} товаров, выпущенных в периоде, по убыванию риска; с вероятностью не ниже 0,5: {atLeastHalf}; ожидаемые доначисления по всем его товарам {expected} руб.; место {rank} из {of} в items-by-participant.csv.',
    noItems: 'Ни один товар участника, выпущенный в периоде, не оценён (items.csv, модель товаров {model}).',
  },
} as const;

const money = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).replaceAll(',', '\u00a0');

function table(head: readonly string[], rows: readonly (readonly unknown[])[], numeric: ReadonlySet<number> = new Set()): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((v, i) => `<td${numeric.has(i) ? ' class="n"' : ''}>${escapeHtml(v)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="wrap"><table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem;color:#1b1f24;max-width:1400px}
.wrap{overflow-x:auto}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:1.8rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}
.sub{color:#555}table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f6}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
dl{display:grid;grid-template-columns:max-content auto;gap:.25rem 1.5rem}dt{font-weight:600}dd{margin:0}
.tag{display:inline-block;padding:.05rem .5rem;border-radius:.6rem;background:#e8eefc;font-size:.85rem}
@media print{body{margin:0}}`;

const fill = (text: string, values: Record<string, string | number>): string => text.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));

/** The items section: the participant's riskiest scored items with their reasons. */
function itemsSection(items: DossierItems, L: (typeof LABELS)[keyof typeof LABELS]): string {
  const head = `<h2>${escapeHtml(L.items)}</h2>\n`;
  if (items.rollUp === null) return `${head}<p>${escapeHtml(fill(L.noItems, { model: items.model }))}</p>\n`;
  const { row, rank, of } = items.rollUp;
  const text = fill(L.itemsText, { model: items.model, shown: items.rows.length, items: row.items, atLeastHalf: row.atLeastHalf, expected: money(row.expected), rank, of });
  const columns = ['decl_id', 'item_no', 'hs_code', 'origin_country', 'customs_value', 'probability', 'margin', 'expected_charges', 'reasons'];
  const rows = items.rows.map((it) => [it.declId, it.itemNo, it.hsCode, it.origin, money(it.customsValue), it.probability.toFixed(6), it.margin.toFixed(6), money(it.expected), it.reasons.join(' | ')]);
  return `${head}<p class="sub">${escapeHtml(text)}</p>\n${table(columns, rows, new Set([1, 4, 5, 6, 7]))}\n`;
}

/** The dossier page of one selected participant. */
export function dossierHtml(d: DossierData): string {
  const L = LABELS[d.lang];
  const r = d.row;
  const figures: [string, string][] = [
    ['INN', r.inn],
    ['Name', r.name],
    ['Region', r.region],
    ['Office', r.office],
    ['Rank', String(r.rank)],
    ['Score', `${r.scoreSource === 'model' ? money(r.score) : r.score.toFixed(4)} (${r.scoreSource === 'model' ? 'model: expected charges, RUB' : 'risk profile'})`],
    ['Probability', r.probability === null ? '—' : String(r.probability)],
    ['Expected charges, RUB', money(r.expectedChargesRub)],
    ['Customs at stake, RUB', money(r.customsAtStakeRub)],
    ['Tax at stake, RUB', money(r.taxAtStakeRub)],
    ['Routing: customs side / tax side, RUB', `${money(d.customsRub)} / ${money(d.taxRub)}${d.customsShare === null ? '' : ` (customs share ${d.customsShare.toFixed(4)})`}`],
    ['Recommended form', d.form],
    ['Check type', d.checkType],
    ['Quota', d.quota],
    ['Selection', `${d.selection} (propensity ${d.propensity.toFixed(12)})`],
    ['Plan', d.planId],
    ['Inspectable items', String(d.inspectableItems)],
    ['Earliest inspectable until', d.earliestInspectableUntil ?? '—'],
  ];
  const reasons =
    d.reasons.length === 0
      ? `<p>${escapeHtml(L.none)}</p>`
      : table(
          ['Indicator', 'Title', 'Contribution', 'At stake, RUB', 'Authority', 'Reason'],
          d.reasons.map((x) => [x.indicatorId, x.title, x.contribution.toFixed(4), money(x.amountAtStakeRub), x.recoveringAuthority, x.reason]),
          new Set([2, 3]),
        );
  const evidenceColumns = ['decl_id', 'item_no', 'release_date', 'inspectable_until', 'hs_code', 'origin_country', 'customs_office', 'customs_value_rub', 'duty_rub', 'import_vat_rub'];
  if (d.evidenceSource === 'evidence.csv') evidenceColumns.push('unit_value_log_dev', 'peer_level', 'item_at_stake_rub');
  // The file and physical line each item was ingested from.
  evidenceColumns.push('source');
  const evidence =
    d.evidence.length === 0
      ? `<p>${escapeHtml(L.none)}</p>`
      : `<p class="sub">${escapeHtml(d.evidenceSource === 'evidence.csv' ? L.evidenceCsv : L.evidenceStore)}</p>\n${table(
          evidenceColumns,
          d.evidence.map((e) => evidenceColumns.map((c) => e[c] ?? '')),
          new Set(evidenceColumns.flatMap((c, i) => (/_rub$|log_dev|item_no/.test(c) ? [i] : []))),
        )}`;
  const history =
    d.inspections.length === 0
      ? `<p>${escapeHtml(L.noneHistory)}</p>`
      : table(
          ['Inspection', 'Check type', 'Started', 'Completed', 'Violation', 'Charges, RUB', 'Selection', 'Plan'],
          d.inspections.map((i) => [i.inspectionId, i.checkType, i.startedDate, i.completedDate ?? 'open', i.violation === null ? '—' : String(i.violation), money(i.chargesRub), i.selection, i.planId ?? '']),
          new Set([5]),
        );
  return `<!DOCTYPE html>
<html lang="${d.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${L.title}: ${r.inn} ${r.name}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(r.name === '' ? r.inn : r.name)} <span class="tag">${escapeHtml(d.form)}</span> <span class="tag">${escapeHtml(d.selection)}</span></h1>
<p class="sub">${escapeHtml(`${L.title} · INN ${r.inn} · plan ${d.planId} · period ${d.period} (as of ${d.asOf})`)}</p>
<h2>${escapeHtml(L.figures)}</h2>
<dl>
${figures.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n')}
</dl>
<h2>${escapeHtml(L.reasons)}</h2>
${reasons}
${d.items === undefined ? '' : itemsSection(d.items, L)}<h2>${escapeHtml(L.evidence)}</h2>
${evidence}
<h2>${escapeHtml(L.history)}</h2>
${history}
</body>
</html>
`;
}
