/**
 * The batch report as one self-contained HTML page: inline styles (with
 * print rules) and inline SVG charts, no scripts, no external resources.
 * Text in English or Russian. Deterministic except for the one line marked
 * `class="generated-at"`.
 */

import { formatMoney, formatNumber } from '../rules/format-value.js';
import type { Lang } from '../rules/profile.js';
import { driftSpec, gainsSpec, indicatorSpec, scoreHistogramSpec, svgFromVegaLite, type GainsPoint } from './charts.js';
import type { ReportData } from './report-data.js';
import type { IndicatorFeedback, Interval, OutcomeFigures } from '../run-folder/backtest.js';
import type { RankingDecision } from '../models/risk/ranking-evidence.js';
import { previousPeriod } from '../util/period.js';

/** Every text of the report, by id, in each language. */
const TEXT = {
  title: { en: 'Post-clearance audit selection: batch report', ru: 'Отбор для контроля после выпуска: отчёт о прогоне' },
  period: { en: 'Period', ru: 'Период' },
  asOf: { en: 'As of', ru: 'По состоянию на' },
  rankedBy: { en: 'Ranked by', ru: 'Ранжирование' },
  rankingDecision: { en: 'Model or rules (--rank-by auto)', ru: 'Модель или правила (--rank-by auto)' },
  byProfile: { en: 'risk profile', ru: 'профиль риска' },
  byModel: { en: 'risk model (expected charges), risk profile for reasons', ru: 'модель риска (ожидаемые доначисления), причины по профилю риска' },
  generatedAt: { en: 'Generated at', ru: 'Сформирован' },
  contents: { en: 'Contents', ru: 'Содержание' },
  inputs: { en: 'Inputs', ru: 'Исходные данные' },
  extract: { en: 'extract', ru: 'выгрузка' },
  file: { en: 'file', ru: 'файл' },
  read: { en: 'read', ru: 'прочитано' },
  accepted: { en: 'accepted', ru: 'принято' },
  rejected: { en: 'rejected', ru: 'отклонено' },
  total: { en: 'total', ru: 'итого' },
  rejectReasons: { en: 'Top reject reasons', ru: 'Основные причины отклонения' },
  code: { en: 'code', ru: 'код' },
  records: { en: 'records', ru: 'записей' },
  noRejects: { en: 'No record was rejected.', ru: 'Отклонённых записей нет.' },
  noRejectSource: {
    en: 'Reject reasons need the store (ccrg report --store) or the run’s rejects.csv; only the counts above are known.',
    ru: 'Для причин отклонения нужно хранилище (ccrg report --store) или rejects.csv прогона; известны только числа выше.',
  },
  coverage: { en: 'Join coverage', ru: 'Полнота сопоставления' },
  coverageText: {
    en: 'Of the {n} importers with goods released in {period}, {tax} ({taxShare}) have a VAT return filed by {asOf} and {reg} ({regShare}) are in the register.',
    ru: 'Из {n} импортёров с товарами, выпущенными в {period}, у {tax} ({taxShare}) есть декларация по НДС, поданная к {asOf}, и {reg} ({regShare}) есть в реестре.',
  },
  noCoverage: { en: 'Join coverage needs the store (ccrg report --store).', ru: 'Для полноты сопоставления нужно хранилище (ccrg report --store).' },
  distribution: { en: 'Score distribution', ru: 'Распределение оценок' },
  scoredText: {
    en: '{n} participants scored; {fired} with at least one indicator fired.',
    ru: 'Оценено участников: {n}; хотя бы один индикатор сработал у {fired}.',
  },
  participants: { en: 'participants', ru: 'участников' },
  scoreRules: { en: 'risk-profile score', ru: 'оценка по профилю риска' },
  scoreModel: { en: 'expected charges, RUB', ru: 'ожидаемые доначисления, руб.' },
  topList: { en: 'Top of the list', ru: 'Начало списка' },
  topListText: { en: 'The {n} highest-risk participants with their three largest reasons (all of them in ranked.csv).', ru: '{n} участников с наибольшим риском и три главные причины (все участники в ranked.csv).' },
  rank: { en: 'rank', ru: 'место' },
  inn: { en: 'INN', ru: 'ИНН' },
  name: { en: 'name', ru: 'наименование' },
  score: { en: 'score', ru: 'оценка' },
  probability: { en: 'P(violation)', ru: 'P(нарушения)' },
  atStake: { en: 'at stake', ru: 'под риском' },
  reasons: { en: 'reasons', ru: 'причины' },
  indicators: { en: 'Indicators', ru: 'Индикаторы' },
  indicator: { en: 'indicator', ru: 'индикатор' },
  fired: { en: 'times fired', ru: 'срабатываний' },
  amount: { en: 'RUB at stake named', ru: 'сумма под риском, руб.' },
  noIndicators: { en: 'No indicator fired.', ru: 'Ни один индикатор не сработал.' },
  disabled: { en: 'Disabled for lack of data:', ru: 'Отключены из-за отсутствия данных:' },
  evaluation: { en: 'Model evaluation', ru: 'Оценка модели' },
  backtest: { en: 'Profiles on past months, and indicator feedback', ru: 'Профили риска на прошлых месяцах и отдача индикаторов' },
  noBacktest: {
    en: 'No backtest.json in the run folder: ccrg backtest --from YYYY-MM --to {period} tries risk profiles on past months and shows how each indicator fared on the recorded inspections.',
    ru: 'В папке прогона нет backtest.json: ccrg backtest --from ГГГГ-ММ --to {period} проверяет профили риска на прошлых месяцах и показывает отдачу каждого индикатора по проведённым проверкам.',
  },
  backtestText: {
    en: 'From backtest.json: each month of {from} to {to} scored with each profile; its top {capacity} set against {n} recorded inspections ({withP} with an inclusion probability). 95% bootstrap intervals in brackets. Raw figures are selection-biased (the inspections were mostly picked by earlier rules); weighted ones weigh each inspection by 1/inclusion probability.',
    ru: 'По backtest.json: каждый месяц {from}–{to} оценён каждым профилем; его верхние {capacity} сопоставлены с {n} проведёнными проверками ({withP} с вероятностью отбора). В скобках 95% бутстреп-интервалы. Необработанные показатели смещены отбором (проверки выбирались в основном прежними правилами); взвешенные учитывают каждую проверку с весом 1/вероятность отбора.',
  },
  precisionRaw: { en: 'precision, raw', ru: 'точность, без весов' },
  precisionWeighted: { en: 'precision, weighted', ru: 'точность, взвешенная' },
  chargesRaw: { en: 'charges, raw', ru: 'доначисления, без весов' },
  chargesWeighted: { en: 'charges, weighted', ru: 'доначисления, взвешенные' },
  truthPrecision: { en: 'whole population (truth): precision', ru: 'вся совокупность (эталон): точность' },
  truthCharges: { en: 'charges', ru: 'доначисления' },
  difference: { en: 'difference', ru: 'разница' },
  indicatorFeedback: { en: 'Indicators of {profile}: how often each fired over the window, how many of those were inspected, what was found.', ru: 'Индикаторы профиля {profile}: сколько раз сработал за период, сколько из них проверено, что выявлено.' },
  inspected: { en: 'inspected', ru: 'проверено' },
  violations: { en: 'violations', ru: 'нарушений' },
  feedbackText: {
    en: 'Indicator feedback of the risk profile over {from} to {to} (the months of the drift watch, each scored as this run was): how often each indicator fired, and on the {n} inspections recorded for those months ({withP} with an inclusion probability) what was found. Raw hit rates are selection-biased; weighted ones weigh each inspection by 1/inclusion probability. 95% bootstrap intervals in brackets.',
    ru: 'Отдача индикаторов профиля риска за {from}–{to} (месяцы контроля сдвига, каждый оценён как этот прогон): сколько раз сработал каждый индикатор и что выявили {n} проверок этих месяцев ({withP} с вероятностью отбора). Доли без весов смещены отбором; взвешенные учитывают каждую проверку с весом 1/вероятность отбора. В скобках 95% бутстреп-интервалы.',
  },
  chargesRub: { en: 'charges, RUB', ru: 'доначислено, руб.' },
  hitRaw: { en: 'hit rate, raw', ru: 'доля нарушений, без весов' },
  hitWeighted: { en: 'hit rate, weighted', ru: 'доля нарушений, взвешенная' },
  evaluationText: {
    en: 'From evaluation.json: {n} labelled examples of {from} to {to}, {pos} with a violation. Mostly risk-selected inspections, so the figures flatter every ranking.',
    ru: 'По evaluation.json: {n} размеченных примеров за {from}–{to}, с нарушением {pos}. В основном проверки, отобранные по риску, поэтому показатели всех ранжирований завышены.',
  },
  noEvaluation: {
    en: 'No evaluation.json in the run folder: ccrg evaluate --out <this folder> adds the gains curve and precision and revenue at k.',
    ru: 'В папке прогона нет evaluation.json: ccrg evaluate --out <эта папка> добавит кривую выигрыша и точность и долю доначислений в топ-k.',
  },
  gainsX: { en: 'share of examples inspected', ru: 'доля проверенных примеров' },
  gainsY: { en: 'share of violations found', ru: 'доля найденных нарушений' },
  ranking: { en: 'ranking', ru: 'ранжирование' },
  model: { en: 'model', ru: 'модель' },
  profile: { en: 'risk profile', ru: 'профиль риска' },
  random: { en: 'random', ru: 'случайный' },
  topK: { en: 'top', ru: 'топ' },
  precision: { en: 'precision', ru: 'точность' },
  lift: { en: 'lift', ru: 'подъём' },
  revenue: { en: 'revenue', ru: 'доля доначислений' },
  auc: { en: 'AUC', ru: 'AUC' },
  changes: { en: 'Changes against the previous period', ru: 'Изменения относительно прошлого периода' },
  changesText: {
    en: 'Top {n} of {period} against the top {n} of {previous}: {entered} new, {dropped} dropped.',
    ru: 'Топ-{n} за {period} против топ-{n} за {previous}: новых {entered}, выбыло {dropped}.',
  },
  entered: { en: 'New in the top', ru: 'Новые в топе' },
  dropped: { en: 'Dropped from the top', ru: 'Выбыли из топа' },
  previousRank: { en: 'previous rank', ru: 'прошлое место' },
  rankNow: { en: 'rank now', ru: 'место сейчас' },
  notScored: { en: 'not scored', ru: 'не оценён' },
  none: { en: 'none', ru: 'нет' },
  noPrevious: { en: 'No comparison with {previous}: {why}.', ru: 'Сравнения с {previous} нет: {why}.' },
  computedPrevious: {
    en: 'No run of {previous} beside this one: it was scored now from the same store with the same risk profile (and model), as of its last day.',
    ru: 'Прогона за {previous} рядом нет: он рассчитан сейчас по тому же хранилищу с тем же профилем риска (и моделью) на его последний день.',
  },
  moved: { en: 'Moved within the top (largest moves first)', ru: 'Сдвиги внутри топа (сначала самые большие)' },
  reasonChanges: { en: 'Indicators that appeared or disappeared for those in the top', ru: 'Индикаторы, появившиеся или исчезнувшие у участников топа' },
  appeared: { en: 'appeared', ru: 'появились' },
  disappeared: { en: 'disappeared', ru: 'исчезли' },
  plan: { en: 'Inspection plan', ru: 'План проверок' },
  planText: { en: 'From plan-summary.json (as of {asOf}, seed {seed}).', ru: 'По plan-summary.json (на {asOf}, seed {seed}).' },
  planByItems: {
    en: 'Ranked by the item scores (--rank-by items): {withItems} participants in the order of items-by-participant.csv, then {without} without item scores (drawn at random only); {notPlanned} importers with item scores not in ranked.csv, not planned.',
    ru: 'Ранжирован по оценкам товаров (--rank-by items): {withItems} участников в порядке items-by-participant.csv, затем {without} без оценок товаров (только случайный отбор); импортёров с оценками товаров, которых нет в ranked.csv, не вошедших в план: {notPlanned}.',
  },
  quota: { en: 'quota', ru: 'квота' },
  capacity: { en: 'capacity', ru: 'мощность' },
  selected: { en: 'selected', ru: 'отобрано' },
  byRisk: { en: 'by risk', ru: 'по риску' },
  atRandom: { en: 'at random', ru: 'случайно' },
  expectedCharges: { en: 'expected charges', ru: 'ожидаемые доначисления' },
  referrals: { en: 'referrals', ru: 'передано' },
  totals: { en: 'Totals', ru: 'Итоги' },
  noPlan: { en: 'No plan-summary.json in the run folder: no inspection plan yet.', ru: 'В папке прогона нет plan-summary.json: плана проверок пока нет.' },
  referralsTitle: { en: 'Referrals to the tax authority', ru: 'Передача в налоговый орган' },
  referralsText: {
    en: 'Referrals of the plans in this folder up to {asOf}: {sent}; answered by the tax authority (tax_answers, decisions by {asOf}): {answered}.',
    ru: 'Передано по планам в этой папке по {asOf}: {sent}; ответ налогового органа получен (tax_answers, решения по {asOf}): {answered}.',
  },
  referralsAnswers: {
    en: 'All answers in the store by {asOf}, whichever plan sent the referral (the latest decision of each): {n} referrals; violation found: {violation} (VAT charged {vat}, profit tax charged {profit}); no violation: {noViolation}; declined: {declined}; in progress: {inProgress}.',
    ru: 'Все ответы в хранилище по {asOf}, по любому плану (последнее решение по каждой передаче): {n}; нарушение выявлено: {violation} (доначислено НДС {vat}, налога на прибыль {profit}); нарушение не выявлено: {noViolation}; меры не приняты: {declined}; в работе: {inProgress}.',
  },
  referralsOverdue: { en: 'Without an answer for more than {days} days: {n}, oldest first.', ru: 'Без ответа более {days} дней: {n}, начиная с самых давних.' },
  referralsNoneOverdue: { en: 'None has waited more than {days} days for an answer.', ru: 'Ни одна передача не ждёт ответа более {days} дней.' },
  noReferrals: { en: 'The tax authority’s answers are in the store: run ccrg report with --store to follow the referrals up.', ru: 'Ответы налогового органа хранятся в хранилище: запустите ccrg report с --store, чтобы проверить передачи.' },
  referralId: { en: 'referral', ru: 'передача' },
  planPeriod: { en: 'plan of', ru: 'план за' },
  sentOn: { en: 'sent', ru: 'передано' },
  ageDays: { en: 'days waiting', ru: 'дней без ответа' },
  modelCard: { en: 'Model and drift watch', ru: 'Модель и контроль сдвига' },
  noModel: { en: 'Ranked by the risk profile alone: no model.', ru: 'Ранжирование только по профилю риска: модели нет.' },
  profileDriftText: {
    en: 'Drift watch of the risk profile\'s own features: population stability index (PSI) of each feature its indicators decide on, this month against the {n} months {from} to {to} pooled, in the deciles of the pooled months. Above {threshold} a feature has shifted enough for its thresholds to deserve a look.',
    ru: 'Контроль сдвига признаков профиля риска: индекс стабильности (PSI) каждого признака, по которому решают индикаторы, за этот месяц против {n} месяцев {from}–{to} вместе, в децилях этих месяцев. Выше {threshold} признак сдвинулся настолько, что его пороги стоит пересмотреть.',
  },
  profileDriftWarning: {
    en: 'Shifted above {threshold}: {list}. The profile\'s thresholds were set on data unlike this month\'s: check them (ccrg backtest) before relying on the ranking.',
    ru: 'Сдвиг выше {threshold}: {list}. Пороги профиля подбирались на данных, не похожих на этот месяц: проверьте их (ccrg backtest), прежде чем полагаться на ранжирование.',
  },
  profileDriftOk: { en: 'No feature of the profile has shifted above {threshold}.', ru: 'Ни один признак профиля не сдвинулся выше {threshold}.' },
  modelPath: { en: 'model file', ru: 'файл модели' },
  kind: { en: 'kind', ru: 'вид' },
  window: { en: 'training window', ru: 'период обучения' },
  examples: { en: 'training examples (violations)', ru: 'обучающих примеров (с нарушением)' },
  features: { en: 'features', ru: 'признаков' },
  validationAuc: { en: 'validation AUC: model / risk profile', ru: 'AUC на валидации: модель / профиль риска' },
  fingerprint: { en: 'data fingerprint', ru: 'отпечаток данных' },
  unreadable: { en: 'not readable from here', ru: 'недоступно' },
  driftText: {
    en: 'Population stability index (PSI) of each model input and of the score, this month against the training data, in the model’s own bins. Below 0.1 stable, 0.1 to 0.2 a moderate shift, above {threshold} flagged.',
    ru: 'Индекс стабильности популяции (PSI) каждого входа модели и оценки: этот месяц против обучающих данных, в интервалах самой модели. Ниже 0,1 стабильно, 0,1–0,2 умеренный сдвиг, выше {threshold} отмечено.',
  },
  driftOk: { en: 'No input has drifted above {threshold}: the model still sees data like its training data.', ru: 'Ни один вход не сдвинулся выше {threshold}: модель видит данные, похожие на обучающие.' },
  driftWarning: {
    en: 'Retrain the model: inputs shifted well away from the training data ({from} to {to}), so its scores may no longer be reliable: {list}.',
    ru: 'Переобучите модель: входы заметно отошли от обучающих данных ({from}–{to}), её оценкам нельзя вполне доверять: {list}.',
  },
  andMore: { en: ' and {n} more', ru: ' и ещё {n}' },
  psi: { en: 'PSI', ru: 'PSI' },
  input: { en: 'input', ru: 'вход' },
  flagged: { en: 'flagged', ru: 'отмечено' },
} as const satisfies Record<string, Record<Lang, string>>;

type TextId = keyof typeof TEXT;

/** HTML-escapes a text. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #1a1a1a; margin: 2em auto; max-width: 60em; padding: 0 1em; }
h1 { font-size: 1.6em; margin: 0 0 .3em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 1.8em; }
h3 { font-size: 1.05em; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1em 1em; }
dl.meta dt { color: #555; }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; margin: .6em 0; font-size: .92em; }
th, td { border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
div.reasons { font-size: .9em; }
div.reasons div + div { margin-top: .2em; }
figure.chart { margin: .8em 0; }
figure.chart svg { max-width: 100%; height: auto; }
.warning { border-left: 4px solid #b3261e; background: #fbeeed; padding: .5em .8em; }
.note { color: #555; }
tr.flagged td { color: #b3261e; font-weight: bold; }
.generated-at { color: #777; font-size: .85em; }
nav ol { columns: 2; }
@media print {
  body { font-size: 10pt; margin: 0; max-width: none; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure.chart, table, .warning { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  th { background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
@page { size: A4; margin: 15mm; }
`;

interface Ctx {
  lang: Lang;
  t: (id: TextId, values?: Record<string, string | number>) => string;
  n: (x: number, decimals?: number) => string;
  pct: (x: number) => string;
  rub: (x: number) => string;
}

function contextOf(lang: Lang): Ctx {
  return {
    lang,
    t: (id, values = {}) => TEXT[id][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`)),
    n: (x, decimals = 0) => formatNumber(x, decimals, lang),
    pct: (x) => (Number.isFinite(x) ? `${formatNumber(x * 100, 1, lang)} %` : '–'),
    rub: (x) => formatMoney(x, lang),
  };
}

/** A table: header cells (a leading `#` marks a numeric column) and rows of already-escaped cells. */
function table(header: readonly string[], rows: readonly (readonly string[])[], rowClass?: (i: number) => string): string {
  const numeric = header.map((h) => h.startsWith('#'));
  const th = header.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${escapeHtml(numeric[i] ? h.slice(1) : h)}</th>`).join('');
  const body = rows
    .map((r, i) => {
      const cls = rowClass?.(i) ?? '';
      return `<tr${cls === '' ? '' : ` class="${cls}"`}>${r.map((c, j) => `<td${numeric[j] ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function figure(svg: string, caption: string): string {
  return `<figure class="chart" aria-label="${escapeHtml(caption)}">\n${svg}\n</figure>`;
}

const e = escapeHtml;

function inputsSection(d: ReportData, c: Ctx): string {
  const parts: string[] = [];
  const rows = d.inputs.map((i) => [e(i.extract), e(i.sourcePath), c.n(i.recordsRead), c.n(i.accepted), c.n(i.rejected)]);
  const sum = (f: (i: ReportData['inputs'][number]) => number): number => d.inputs.reduce((s, i) => s + f(i), 0);
  rows.push([`<strong>${e(c.t('total'))}</strong>`, '', c.n(sum((i) => i.recordsRead)), c.n(sum((i) => i.accepted)), `<span data-figure="rejected">${c.n(sum((i) => i.rejected))}</span>`]);
  parts.push(table([c.t('extract'), c.t('file'), `#${c.t('read')}`, `#${c.t('accepted')}`, `#${c.t('rejected')}`], rows));
  parts.push(`<h3>${e(c.t('rejectReasons'))}</h3>`);
  if (d.rejectReasons === null) parts.push(`<p class="note">${e(c.t('noRejectSource'))}</p>`);
  else if (d.rejectReasons.length === 0) parts.push(`<p>${e(c.t('noRejects'))}</p>`);
  else parts.push(table([c.t('file'), c.t('code'), `#${c.t('records')}`], d.rejectReasons.map((r) => [e(r.file), `<code>${e(r.code)}</code>`, c.n(r.records)])));
  parts.push(`<h3>${e(c.t('coverage'))}</h3>`);
  if (d.coverage === null) parts.push(`<p class="note">${e(c.t('noCoverage'))}</p>`);
  else {
    const v = d.coverage;
    const share = (x: number): string => (v.importers === 0 ? '–' : c.pct(x / v.importers));
    parts.push(`<p>${e(c.t('coverageText', { n: c.n(v.importers), period: d.period, asOf: d.asOf, tax: c.n(v.inTaxReturns), taxShare: share(v.inTaxReturns), reg: c.n(v.inRegister), regShare: share(v.inRegister) }))}</p>`);
  }
  return parts.join('\n');
}

async function distributionSection(d: ReportData, c: Ctx): Promise<string> {
  const fired = d.ranked.filter((r) => r.reasons.length > 0).length;
  const text = c.t('scoredText', { n: `<span data-figure="participants">${c.n(d.ranked.length)}</span>`, fired: c.n(fired) });
  const svg = await svgFromVegaLite(scoreHistogramSpec(d.ranked.map((r) => r.score), { x: c.t(d.scoreSource === 'model' ? 'scoreModel' : 'scoreRules'), y: c.t('participants') }), c.lang);
  return `<p>${text}</p>\n${figure(svg, c.t('distribution'))}`;
}

function topSection(d: ReportData, c: Ctx, top: number): string {
  const model = d.scoreSource === 'model';
  const header = [`#${c.t('rank')}`, c.t('inn'), c.t('name'), `#${c.t(model ? 'scoreModel' : 'score')}`, ...(model ? [`#${c.t('probability')}`] : []), `#${c.t('atStake')}`, c.t('reasons')];
  const rows = d.ranked.slice(0, top).map((r) => [
    String(r.rank),
    e(r.inn),
    e(r.name),
    c.n(r.score, 2),
    ...(model ? [r.probability === null ? '' : c.n(r.probability, 3)] : []),
    r.customsAtStakeRub + r.taxAtStakeRub > 0 ? e(c.rub(r.customsAtStakeRub + r.taxAtStakeRub)) : '',
    `<div class="reasons">${r.reasons.map((x) => `<div>${e(x)}</div>`).join('')}</div>`,
  ]);
  return `<p>${e(c.t('topListText', { n: Math.min(top, d.ranked.length) }))}</p>\n${table(header, rows)}`;
}

async function indicatorsSection(d: ReportData, c: Ctx): Promise<string> {
  const parts: string[] = [];
  if (d.indicators.length === 0) parts.push(`<p>${e(c.t('noIndicators'))}</p>`);
  else {
    parts.push(figure(await svgFromVegaLite(indicatorSpec(d.indicators, { fired: c.t('fired'), amount: c.t('amount') }), c.lang), c.t('indicators')));
    parts.push(table([c.t('indicator'), `#${c.t('fired')}`, `#${c.t('amount')}`], d.indicators.map((i) => [`${e(i.title)} <span class="note">(${e(i.id)})</span>`, c.n(i.fired), i.amountRub > 0 ? e(c.rub(i.amountRub)) : ''])));
  }
  if (d.disabledIndicators.length > 0) {
    parts.push(`<p class="warning">${e(c.t('disabled'))}</p>\n<ul>${d.disabledIndicators.map((x) => `<li><code>${e(x.id)}</code>: ${e(x.warning)}</li>`).join('')}</ul>`);
  }
  return parts.join('\n');
}

/** Gains points (share selected, share of positives found) per ranking, from (0, 0) through the evaluation's top-k rows to (1, 1). */
function gainsPoints(evaluation: NonNullable<ReportData['evaluation']>, names: { model: string; profile: string; random: string }): GainsPoint[] {
  const points: GainsPoint[] = [];
  for (const key of ['model', 'profile', 'random'] as const) {
    const rows = [...evaluation.all[key].topK.rows].sort((a, b) => a.selectedShare - b.selectedShare);
    points.push({ ranking: names[key], selected: 0, found: 0 });
    for (const r of rows) if (Number.isFinite(r.recall)) points.push({ ranking: names[key], selected: r.selectedShare, found: r.recall });
    // Inspecting every example finds every violation.
    points.push({ ranking: names[key], selected: 1, found: 1 });
  }
  return points;
}

function topKLabel(k: { share: number } | { count: number }, c: Ctx): string {
  return 'share' in k ? `${c.n(k.share * 100, 0)} %` : c.n(k.count);
}

async function evaluationSection(d: ReportData, c: Ctx): Promise<string> {
  const ev = d.evaluation;
  if (ev === null) return `<p class="note">${e(c.t('noEvaluation'))}</p>`;
  const names = { model: c.t('model'), profile: c.t('profile'), random: c.t('random') };
  const svg = await svgFromVegaLite(
    gainsSpec(gainsPoints(ev, names), { x: c.t('gainsX'), y: c.t('gainsY'), ranking: c.t('ranking') }, [names.model, names.profile, names.random]),
    c.lang,
  );
  const base = ev.all.model.topK.baseRate;
  const rows = ev.all.model.topK.rows.map((m, i) => {
    const p = ev.all.profile.topK.rows[i];
    const r = ev.all.random.topK.rows[i];
    // evaluation.json has null where a figure is undefined (NaN in JSON).
    const num = (x: number | null | undefined, pct = true): string => (typeof x !== 'number' || !Number.isFinite(x) ? '–' : pct ? c.pct(x) : c.n(x, 2));
    return [topKLabel(m.k, c), c.n(m.selected), num(m.precision), num(typeof m.precision === 'number' && typeof base === 'number' && base > 0 ? m.precision / base : Number.NaN, false), num(m.revenue), num(p?.precision), num(p?.revenue), num(r?.precision), num(r?.revenue)];
  });
  const auc = (x: number | null): string => (x === null ? '–' : c.n(x, 3));
  rows.push([c.t('auc'), '', auc(ev.all.model.auc), '', '', auc(ev.all.profile.auc), '', auc(ev.all.random.auc), '']);
  const header = [
    c.t('topK'),
    `#${c.t('selected')}`,
    `#${c.t('model')}: ${c.t('precision')}`,
    `#${c.t('lift')}`,
    `#${c.t('revenue')}`,
    `#${c.t('profile')}: ${c.t('precision')}`,
    `#${c.t('revenue')}`,
    `#${c.t('random')}: ${c.t('precision')}`,
    `#${c.t('revenue')}`,
  ];
  return [`<p>${e(c.t('evaluationText', { n: c.n(ev.examples), from: ev.window.from, to: ev.window.to, pos: c.n(ev.positives) }))}</p>`, figure(svg, c.t('evaluation')), table(header, rows)].join('\n');
}

function changesSection(d: ReportData, c: Ctx): string {
  const ch = d.changes;
  if (ch === null) return `<p class="note">${e(c.t('noPrevious', { previous: previousPeriod(d.period), why: d.changesUnavailable ?? '' }))}</p>`;
  const parts = [`<p>${e(c.t('changesText', { n: ch.top, period: d.period, previous: ch.previousPeriod, entered: ch.entered.length, dropped: ch.dropped.length }))}</p>`];
  if (ch.source === 'computed') parts.push(`<p class="note" data-figure="previous-computed">${e(c.t('computedPrevious', { previous: ch.previousPeriod }))}</p>`);
  parts.push(`<h3>${e(c.t('entered'))}</h3>`);
  parts.push(ch.entered.length === 0 ? `<p>${e(c.t('none'))}</p>` : table([`#${c.t('rank')}`, c.t('inn'), c.t('name'), c.t('reasons')], ch.entered.map((r) => [String(r.rank), e(r.inn), e(r.name), e(r.reasons[0] ?? '')])));
  parts.push(`<h3>${e(c.t('dropped'))}</h3>`);
  parts.push(
    ch.dropped.length === 0
      ? `<p>${e(c.t('none'))}</p>`
      : table([`#${c.t('previousRank')}`, c.t('inn'), c.t('name'), `#${c.t('rankNow')}`], ch.dropped.map((r) => [String(r.previousRank), e(r.inn), e(r.name), r.rank === null ? e(c.t('notScored')) : String(r.rank)])),
  );
  parts.push(`<h3>${e(c.t('moved'))}</h3>`);
  parts.push(
    ch.moved.length === 0
      ? `<p>${e(c.t('none'))}</p>`
      : table([`#${c.t('rankNow')}`, c.t('inn'), c.t('name'), `#${c.t('previousRank')}`], ch.moved.slice(0, MOVES_LISTED).map((r) => [String(r.rank), e(r.inn), e(r.name), String(r.previousRank)])),
  );
  parts.push(`<h3>${e(c.t('reasonChanges'))}</h3>`);
  parts.push(
    ch.reasons.length === 0
      ? `<p>${e(c.t('none'))}</p>`
      : table([`#${c.t('rankNow')}`, c.t('inn'), c.t('name'), c.t('appeared'), c.t('disappeared')], ch.reasons.map((r) => [String(r.rank), e(r.inn), e(r.name), e(r.appeared.join(', ')), e(r.disappeared.join(', '))])),
  );
  return parts.join('\n');
}

function plainValue(value: unknown, c: Ctx): string {
  if (typeof value === 'number') return c.n(value, Number.isInteger(value) ? 0 : 2);
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return e(JSON.stringify(value));
  return e(String(value));
}

function planSection(d: ReportData, c: Ctx): string {
  const plan = d.plan;
  if (plan === null) return `<p class="note">${e(c.t('noPlan'))}</p>`;
  const quotas = table(
    [c.t('quota'), `#${c.t('capacity')}`, `#${c.t('selected')}`, `#${c.t('byRisk')}`, `#${c.t('atRandom')}`, `#${c.t('expectedCharges')}`, `#${c.t('referrals')}`],
    plan.quotas.map((q) => [e(q.quota), c.n(q.capacity), c.n(q.selected), c.n(q.risk), c.n(q.random), q.expected_charges_rub === null ? '—' : e(c.rub(q.expected_charges_rub)), c.n(q.referrals)]),
  );
  const keyed = (obj: object): string[][] => Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [`<code>${e(k)}</code>`, plainValue(v, c)]);
  const byItems = plan.item_set?.ranking ?? null;
  return [
    `<p>${e(c.t('planText', { asOf: plan.as_of, seed: plan.seed }))}</p>`,
    ...(byItems === null ? [] : [`<p>${e(c.t('planByItems', { withItems: byItems.with_item_scores, without: byItems.without_item_scores, notPlanned: byItems.not_in_score_run.length }))}</p>`]),
    quotas,
    `<h3>${e(c.t('totals'))}</h3>`,
    table(['', `#${c.t('total')}`], keyed(plan.totals)),
    `<h3>${e(c.t('capacity'))}</h3>`,
    table(['', `#${c.t('capacity')}`], keyed(plan.capacity)),
  ].join('\n');
}

/** Flagged inputs named in the drift warning (largest PSI first); the table lists them all. */
const DRIFT_NAMES = 5;

/** Rank moves listed at most. */
const MOVES_LISTED = 20;

/** Overdue referrals listed in the report at most; the rest are counted. */
const OVERDUE_LISTED = 50;

function backtestSection(d: ReportData, c: Ctx): string {
  const b = d.backtest;
  // Shares in %, differences of shares in percentage points.
  const pp = (x: number): string => `${x > 0 ? '+' : ''}${c.n(100 * x, 1)} ${c.lang === 'ru' ? 'п. п.' : 'pp'}`;
  const rangeWith = (f: (x: number) => string) => (i: Interval): string =>
    i.estimate === null ? '–' : i.lower === null || i.upper === null ? f(i.estimate) : `${f(i.estimate)} [${f(i.lower)}, ${f(i.upper)}]`;
  const range = rangeWith((x) => c.pct(x));
  const feedbackTable = (rows: readonly IndicatorFeedback[]): string =>
    table(
      [c.t('indicator'), `#${c.t('fired')}`, `#${c.t('inspected')}`, `#${c.t('violations')}`, `#${c.t('chargesRub')}`, `#${c.t('hitRaw')}`, `#${c.t('hitWeighted')}`],
      rows.map((i) => [e(i.id), c.n(i.fired), c.n(i.inspected), c.n(i.violations), e(c.rub(i.chargesRub)), range(i.hitRateRaw), range(i.hitRateWeighted)]),
    );
  if (b === null) {
    const f = d.indicatorFeedback;
    const note = `<p class="note">${e(c.t('noBacktest', { period: d.period }))}</p>`;
    if (f === null) return note;
    return [
      note,
      `<p data-figure="indicator-feedback">${e(c.t('feedbackText', { from: f.months[0] ?? '', to: f.months.at(-1) ?? '', n: c.n(f.inspections), withP: c.n(f.withPropensity) }))}</p>`,
      feedbackTable(f.indicators),
    ].join('\n');
  }
  const withTruth = b.profiles.some((p) => p.truth !== undefined);
  const header = [c.t('profile'), `#${c.t('precisionRaw')}`, `#${c.t('precisionWeighted')}`, `#${c.t('chargesRaw')}`, `#${c.t('chargesWeighted')}`, ...(withTruth ? [`#${c.t('truthPrecision')}`, `#${c.t('truthCharges')}`] : [])];
  const row = (name: string, o: OutcomeFigures, truth: { precision: number; chargesShare: number } | undefined, f = range): string[] => [
    e(name),
    f(o.precisionRaw),
    f(o.precisionWeighted),
    f(o.chargesShareRaw),
    f(o.chargesShareWeighted),
    ...(withTruth ? [truth === undefined ? '–' : c.pct(truth.precision), truth === undefined ? '–' : c.pct(truth.chargesShare)] : []),
  ];
  const rows = [
    ...b.profiles.map((p) => row(`${p.profile.name} ${p.profile.version}`, p.outcomes, p.truth)),
    ...b.differences.map((x) => row(`${c.t('difference')}: ${x.profile} − ${x.against}`, x.figures, undefined, rangeWith(pp))),
  ];
  const parts = [
    `<p>${e(c.t('backtestText', { from: b.window.from, to: b.window.to, capacity: c.n(b.capacity), n: c.n(b.inspections), withP: c.n(b.withPropensity) }))}</p>`,
    table(header, rows),
  ];
  for (const p of b.profiles) {
    parts.push(`<p>${e(c.t('indicatorFeedback', { profile: `${p.profile.name} ${p.profile.version}` }))}</p>`);
    parts.push(feedbackTable(p.indicators));
  }
  return parts.join('\n');
}

function referralsSection(d: ReportData, c: Ctx): string {
  const r = d.referrals;
  if (r === null) return `<p class="note">${e(c.t('noReferrals'))}</p>`;
  const a = r.answers;
  const parts = [
    `<p>${e(c.t('referralsText', { asOf: d.asOf, sent: c.n(r.sent), answered: c.n(r.answered) }))}</p>`,
    `<p data-figure="referral-answers">${e(
      c.t('referralsAnswers', {
        asOf: d.asOf,
        n: c.n(a.referrals),
        violation: c.n(a.violation),
        vat: c.rub(a.vatChargedRub),
        profit: c.rub(a.profitTaxChargedRub),
        noViolation: c.n(a.noViolation),
        declined: c.n(a.declined),
        inProgress: c.n(a.inProgress),
      }),
    )}</p>`,
  ];
  if (r.overdue.length === 0) {
    parts.push(`<p>${e(c.t('referralsNoneOverdue', { days: r.overdueDays }))}</p>`);
    return parts.join('\n');
  }
  parts.push(`<p data-figure="referrals-overdue">${e(c.t('referralsOverdue', { days: r.overdueDays, n: c.n(r.overdue.length) }))}</p>`);
  parts.push(
    table(
      [c.t('referralId'), 'INN', c.t('name'), c.t('planPeriod'), c.t('sentOn'), `#${c.t('ageDays')}`],
      r.overdue.slice(0, OVERDUE_LISTED).map((o) => [e(o.referralId), e(o.inn), e(o.name), e(o.planPeriod), e(o.sentOn), c.n(o.ageDays)]),
    ),
  );
  if (r.overdue.length > OVERDUE_LISTED) parts.push(`<p class="note">${e(c.t('andMore', { n: r.overdue.length - OVERDUE_LISTED }).trim())}</p>`);
  return parts.join('\n');
}

async function modelSection(d: ReportData, c: Ctx): Promise<string> {
  const m = d.model;
  if (m === null) return [`<p class="note">${e(c.t('noModel'))}</p>`, await profileDriftHtml(d, c)].join('\n');
  const unknown = e(c.t('unreadable'));
  const parts = [
    `<dl class="meta">
<dt>${e(c.t('modelPath'))}</dt><dd><code>${e(m.path)}</code></dd>
<dt>${e(c.t('kind'))}</dt><dd>${e(m.kind)}</dd>
<dt>${e(c.t('window'))}</dt><dd>${e(m.window.from)} – ${e(m.window.to)}</dd>
<dt>${e(c.t('examples'))}</dt><dd>${m.examples === null ? unknown : `${c.n(m.examples)} (${m.positives === null ? '–' : c.n(m.positives)})`}</dd>
<dt>${e(c.t('features'))}</dt><dd>${m.features === null ? unknown : c.n(m.features)}</dd>
<dt>${e(c.t('validationAuc'))}</dt><dd>${m.aucModel === null ? '–' : c.n(m.aucModel, 3)} / ${m.aucProfile === null ? '–' : c.n(m.aucProfile, 3)}</dd>
<dt>${e(c.t('fingerprint'))}</dt><dd><code>${e(m.dataFingerprint.slice(0, 16))}…</code></dd>
</dl>`,
  ];
  const drift = d.drift;
  if (drift !== null) {
    const threshold = c.n(drift.threshold, 1);
    const rows = [drift.score, ...drift.features].sort((a, b) => b.psi - a.psi || (a.name < b.name ? -1 : 1));
    parts.push(`<p>${e(c.t('driftText', { threshold }))}</p>`);
    if (drift.flagged.length > 0) {
      const flagged = rows.filter((r) => r.flagged);
      const more = flagged.length - DRIFT_NAMES;
      const list = flagged.slice(0, DRIFT_NAMES).map((r) => `${r.name} (${c.n(r.psi, 2)})`).join(', ') + (more > 0 ? c.t('andMore', { n: more }) : '');
      parts.push(`<p class="warning" data-figure="drift-warning">${e(c.t('driftWarning', { list, from: m.window.from, to: m.window.to }))}</p>`);
    } else parts.push(`<p>${e(c.t('driftOk', { threshold }))}</p>`);
    parts.push(figure(await svgFromVegaLite(driftSpec(rows, drift.threshold, { x: c.t('psi') }), c.lang), c.t('modelCard')));
    parts.push(table([c.t('input'), `#${c.t('psi')}`, c.t('flagged')], rows.map((r) => [`<code>${e(r.name)}</code>`, c.n(r.psi, 4), r.flagged ? '⚠' : '']), (i) => (rows[i]?.flagged ? 'flagged' : '')));
  }
  return parts.join('\n');
}

/** The drift watch of the risk profile's features, for a batch without a model. */
async function profileDriftHtml(d: ReportData, c: Ctx): Promise<string> {
  const drift = d.profileDrift;
  if (drift === null) return '';
  if (typeof drift === 'string') return `<p class="note" data-figure="profile-drift">${e(drift)}.</p>`;
  const threshold = c.n(drift.threshold, 1);
  const rows = [...drift.features].sort((a, b) => b.psi - a.psi || (a.name < b.name ? -1 : 1));
  const parts = [
    `<p data-figure="profile-drift">${e(c.t('profileDriftText', { n: drift.months.length, from: drift.months[0] ?? '', to: drift.months.at(-1) ?? '', threshold }))}</p>`,
    drift.flagged.length > 0
      ? `<p class="warning" data-figure="profile-drift-warning">${e(c.t('profileDriftWarning', { threshold, list: rows.filter((r) => r.flagged).map((r) => `${r.name} (${c.n(r.psi, 2)})`).join(', ') }))}</p>`
      : `<p>${e(c.t('profileDriftOk', { threshold }))}</p>`,
    figure(await svgFromVegaLite(driftSpec(rows, drift.threshold, { x: c.t('psi') }), c.lang), c.t('modelCard')),
    table([c.t('input'), `#${c.t('psi')}`, c.t('flagged')], rows.map((r) => [`<code>${e(r.name)}</code>`, c.n(r.psi, 4), r.flagged ? '⚠' : '']), (i) => (rows[i]?.flagged ? 'flagged' : '')),
  ];
  return parts.join('\n');
}

/** Options of {@link renderReportHtml}. */
export interface RenderOptions {
  lang: Lang;
  /** Participants listed in "Top of the list". */
  top: number;
  /** The instant shown on the generated-at line (the only non-deterministic text). */
  generatedAt: Date;
}

/** What `--rank-by auto` decided and on what evidence, in the report's language. */
export function decisionText(d: RankingDecision, lang: Lang): string {
  const pct = `${(100 * d.share).toFixed(1)}%`;
  if (d.interval === null || d.modelChargesRub === null) {
    return lang === 'ru'
      ? `ранжирует профиль риска: в проверочной выборке модели ${d.withCharges} примеров с нарушением и доначислениями (нужно не менее 30), чтобы отличить модель от профиля`
      : d.reason;
  }
  const ratio = d.ratio === null ? '—' : d.ratio.toFixed(2);
  const interval = `${d.interval.lower.toFixed(2)}–${d.interval.upper >= Number.MAX_VALUE ? '∞' : d.interval.upper.toFixed(2)}`;
  if (lang === 'ru') {
    const who = d.rankBy === 'model' ? 'ранжирует модель' : 'ранжирует профиль риска';
    const weighted = d.weighting === 'none' ? 'без весов' : 'с весами 1/вероятность отбора';
    return `${who}: на ${d.examples} проверочных примерах (${weighted}) верхние ${pct} по модели дают ${ratio} доначислений профиля (95% парный бутстреп-интервал ${interval}); модель ранжирует, только если нижняя граница больше 1`;
  }
  return d.reason;
}

/** The report page; also how many charts it holds. */
export async function renderReportHtml(d: ReportData, options: RenderOptions): Promise<{ html: string; charts: number }> {
  const c = contextOf(options.lang);
  const sections: [string, TextId, string][] = [
    ['inputs', 'inputs', inputsSection(d, c)],
    ['distribution', 'distribution', await distributionSection(d, c)],
    ['top', 'topList', topSection(d, c, options.top)],
    ['indicators', 'indicators', await indicatorsSection(d, c)],
    ['evaluation', 'evaluation', await evaluationSection(d, c)],
    ['changes', 'changes', changesSection(d, c)],
    ['plan', 'plan', planSection(d, c)],
    ['backtest', 'backtest', backtestSection(d, c)],
    ['referrals', 'referralsTitle', referralsSection(d, c)],
    ['model', 'modelCard', await modelSection(d, c)],
  ];
  const rankedBy = d.scoreSource === 'model' ? c.t('byModel') : `${c.t('byProfile')} ${d.riskProfile.name} ${d.riskProfile.version}`;
  const body = [
    `<h1>${e(c.t('title'))}</h1>`,
    `<dl class="meta">
<dt>${e(c.t('period'))}</dt><dd data-figure="period">${e(d.period)}</dd>
<dt>${e(c.t('asOf'))}</dt><dd>${e(d.asOf)}</dd>
<dt>${e(c.t('rankedBy'))}</dt><dd>${e(rankedBy)}</dd>${
      d.rankingDecision === null ? '' : `\n<dt>${e(c.t('rankingDecision'))}</dt><dd data-figure="ranking-decision">${e(decisionText(d.rankingDecision, c.lang))}</dd>`
    }
</dl>`,
    `<p class="generated-at">${e(c.t('generatedAt'))} ${e(options.generatedAt.toISOString())}</p>`,
    `<nav><h2>${e(c.t('contents'))}</h2><ol>${sections.map(([id, title]) => `<li><a href="#${id}">${e(c.t(title))}</a></li>`).join('')}</ol></nav>`,
    ...sections.map(([id, title, html]) => `<section id="${id}">\n<h2>${e(c.t(title))}</h2>\n${html}\n</section>`),
  ].join('\n');
  const html = `<!DOCTYPE html>
<html lang="${options.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(c.t('title'))}: ${e(d.period)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
  return { html, charts: (html.match(/<figure class="chart"/g) ?? []).length };
}
