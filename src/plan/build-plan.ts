/**
 * The inspection plan of a period (docs/plan.md): routing, eligibility,
 * capacity and quotas, exploration with exact propensities, and the plan's
 * files as data. `src/app/plan.ts` reads the score run and writes them.
 */
import { itemSourceLines } from '../store/source-lines.js';
import { BATCH_DEFAULTS, PLAN_DEFAULTS } from '../config/defaults.js';
import type { Db } from '../io/db.js';
import { FileSet } from '../run-folder/file-set.js';
import { PLAN_SUMMARY_FILE, planSummaryJson, type PlanItemSet, type PlanSummary } from '../run-folder/plan-summary.js';
import type { ItemRun } from '../run-folder/item-run.js';
import type { ItemRow } from '../run-folder/items.js';
import type { ScoreRun } from '../run-folder/score-run.js';
import { UsageError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import { dossierFileName, dossierHtml, type DossierItems } from './dossier.js';
import { exclusionsOf } from './eligibility.js';
import { rankByItems, type ItemRanking } from './item-ranking.js';
import { inspectableItems, readStoreFacts, type QuotaLine } from './inputs.js';
import {
  PLAN_COLUMNS,
  eligibleTable,
  excludedTable,
  formatQuotaTable,
  planTable,
  quotaSummaries,
  referralTable,
  totalOf,
  type PlanParticipant,
} from './outputs.js';
import { recommendedCheckType, route, type RoutingParams } from './routing.js';
import { NATIONAL, selectPlan, type Candidate, type Cell } from './select.js';
import { tableCsv } from './table.js';
import { flattenJson, planWorkbook } from './xlsx.js';
import { OUTCOMES_SHEET, OUTCOMES_TEMPLATE_FILE, outcomesTemplateTable } from './outcomes-template.js';

/** Capacity as given: one total, or desk and field apart. */
export type CapacitySpec = { mode: 'total'; total: number | null } | { mode: 'desk_field'; desk: number; field: number };

/** What planning needs besides the score run, defaults resolved. */
export interface PlanSettings {
  capacity: CapacitySpec;
  quotaBy: 'office' | 'region' | null;
  /** The quotas file's lines (empty without one) and its path. */
  quotas: { path: string | null; lines: QuotaLine[] };
  reallocate: boolean;
  /** The planner's exclusion list (INN -> reason) and its path. */
  exclusions: { path: string | null; list: Map<string, string> };
  explore: number;
  weighting: 'none' | 'uncertainty';
  seed: number;
  recentMonths: number;
  allowRecent: string[];
  /** null: the default for the run's score source (PLAN_DEFAULTS.aeoMinScore). */
  aeoMinScore: number | null;
  routing: RoutingParams;
  fieldMinRub: number;
  /**
   * What orders the participants: `scores`, ranked.csv (as the score run
   * ranked them); `items`, items-by-participant.csv (the item set must be
   * given), those without item scores after them (docs/plan.md#ranking-by-items).
   */
  rankBy: 'scores' | 'items';
}

/** The files of the plan's set, replaced together (docs/outputs.md). */
export const PLAN_FILES = ['plan.csv', 'plan.xlsx', 'eligible.csv', 'excluded.csv', 'referrals.csv', OUTCOMES_TEMPLATE_FILE, PLAN_SUMMARY_FILE, 'dossiers'] as const;

/** A made plan: its summary, its files (the plan's set) and the per-quota table for stdout. */
export interface BuiltPlan {
  summary: PlanSummary;
  files: FileSet;
  text: string;
}

/** The capacity cells: named quotas from the file, then the national pool with what the total leaves. */
function buildCells(capacity: CapacitySpec, quotas: readonly QuotaLine[], quotasPath: string | null): Cell[] {
  const cells: Cell[] = [];
  if (capacity.mode === 'total') {
    if (quotas.some((q) => q.capacity === null)) throw new UsageError(`${quotasPath ?? 'quotas'}: desk and field quotas need --capacity-desk and --capacity-field`);
    const quoted = quotas.reduce((s, q) => s + (q.capacity as number), 0);
    const total = capacity.total ?? (quotas.length > 0 ? quoted : PLAN_DEFAULTS.capacity);
    if (quoted > total) throw new UsageError(`The quotas add up to ${quoted}, more than --capacity ${total}`);
    for (const q of quotas) cells.push({ quota: q.quota, checkType: 'any', capacity: q.capacity as number });
    cells.push({ quota: NATIONAL, checkType: 'any', capacity: total - quoted });
    return cells;
  }
  if (quotas.some((q) => q.desk === null)) throw new UsageError(`${quotasPath ?? 'quotas'}: with --capacity-desk and --capacity-field the quotas file needs desk and field columns`);
  for (const type of ['desk', 'field'] as const) {
    const quoted = quotas.reduce((s, q) => s + (q[type] as number), 0);
    if (quoted > capacity[type]) throw new UsageError(`The ${type} quotas add up to ${quoted}, more than --capacity-${type} ${capacity[type]}`);
  }
  for (const q of quotas) for (const type of ['desk', 'field'] as const) cells.push({ quota: q.quota, checkType: type, capacity: q[type] as number });
  for (const type of ['desk', 'field'] as const) {
    cells.push({ quota: NATIONAL, checkType: type, capacity: capacity[type] - quotas.reduce((s, q) => s + (q[type] as number), 0) });
  }
  return cells;
}

const canonical = (value: unknown): string => JSON.stringify(value);

/** Per importer of the item set: its riskiest items (at most `limit`) and its line of the roll-up, for the dossiers. */
function dossierItemsOf(itemRun: ItemRun, limit: number): (inn: string) => DossierItems {
  const rows = new Map<string, ItemRow[]>();
  for (const it of itemRun.items) {
    const list = rows.get(it.importer);
    if (list === undefined) rows.set(it.importer, [it]);
    else if (list.length < limit) list.push(it);
  }
  const of = itemRun.rollUp.length;
  const rollUp = new Map(itemRun.rollUp.map((row, i) => [row.inn, { rank: i + 1, of, row }]));
  return (inn) => ({ rows: rows.get(inn) ?? [], rollUp: rollUp.get(inn) ?? null, model: itemRun.manifest.model.path });
}

/**
 * Makes the plan of a scored period on its store: who is eligible, routed
 * where, selected by rank or drawn at random, and the plan's files. With the
 * period's item set (`itemRun`, null when the folder holds none) each
 * dossier lists the participant's riskiest items.
 */
export async function buildPlan(db: Db, run: ScoreRun, itemRun: ItemRun | null, config: PlanSettings, outDir: string): Promise<BuiltPlan> {
  const cells = buildCells(config.capacity, config.quotas.lines, config.quotas.path);
  const listed = config.exclusions.list;
  const quotaLines = config.quotas.lines;
  const manifest = run.manifest.result;
  const params = manifest.parameters;
  const asOf = manifest.as_of;
  const period = manifest.period;
  const lang = params.lang;
  // What ranked the list (a model given may still leave the ranking to the rules: --rank-by rules, or auto on its evidence).
  const scoreSource: 'rules' | 'model' = params.score_source;
  const modelGiven = manifest.model !== null && manifest.model !== undefined;
  const controlYears = params.control_years;
  const leadMonths = params.lead_months;
  const aeoMinScore = config.aeoMinScore ?? PLAN_DEFAULTS.aeoMinScore[scoreSource];
  let itemRanking: ItemRanking | null = null;
  if (config.rankBy === 'items') {
    if (itemRun === null) throw new Error('ranking the plan by items needs the item set (app/plan.ts checks that the folder holds one)');
    itemRanking = rankByItems(run.ranked, itemRun.rollUp);
  }
  const ranked = itemRanking?.ranked ?? run.ranked;
  const rankedBy: 'rules' | 'model' | 'items' = itemRanking === null ? scoreSource : 'items';
  if (config.weighting === 'uncertainty' && ranked.some((r) => r.probability === null)) {
    throw new UsageError('--explore-weighting uncertainty weighs by the model probability p(1 − p): score with --model (and --rescore when the run exists)');
  }

  const inns = ranked.map((r) => r.inn);
  const facts = await readStoreFacts(db, inns, { asOf, controlYears, leadMonths, recentMonths: config.recentMonths });
  const named = new Set(cells.filter((c) => c.quota !== NATIONAL).map((c) => c.quota));
  const allowRecent = new Set(config.allowRecent);
  const participants: PlanParticipant[] = ranked.map((row) => {
    const routing = route({ customsAtStakeRub: row.customsAtStakeRub, taxAtStakeRub: row.taxAtStakeRub, expectedChargesRub: row.expectedChargesRub, modelCustomsShare: row.modelCustomsShare, taxSignals: row.taxSignalCount }, config.routing);
    const group = config.quotaBy === null ? '' : config.quotaBy === 'office' ? row.office : row.region;
    const items = facts.items.get(row.inn);
    const exclusions = exclusionsOf(
      { inn: row.inn, score: row.score, items, register: facts.register.get(row.inn), inspections: facts.inspections.get(row.inn) ?? [], listed: listed.get(row.inn) },
      { asOf, recentCutoff: facts.recentCutoff, recentMonths: config.recentMonths, allowRecent, aeoMinScore },
    );
    const p = row.probability;
    return {
      row,
      routing,
      checkType: recommendedCheckType(routing.customsRub, config.fieldMinRub),
      group,
      homeQuota: named.has(group) ? group : NATIONAL,
      exclusions,
      risk: itemRanking === null ? row.indicatorsFired > 0 || (row.scoreSource === 'model' && row.score > 0) : itemRanking.withItemScores.has(row.inn),
      inspectableItems: items?.inspectable ?? 0,
      earliestInspectableUntil: items?.earliest ?? null,
      weight: config.weighting === 'uncertainty' && p !== null ? Math.max(p * (1 - p), PLAN_DEFAULTS.minUncertaintyWeight) : 1,
    };
  });
  const byInn = new Map(participants.map((p) => [p.row.inn, p]));
  const candidates: Candidate[] = participants.map((p) => ({
    inn: p.row.inn,
    rank: p.row.rank,
    group: p.group,
    risk: p.risk,
    form: p.routing.form,
    checkType: p.checkType,
    exclusions: p.exclusions,
    weight: p.weight,
  }));
  const selection = selectPlan(candidates, cells, { explore: config.explore, weighting: config.weighting, seed: config.seed, reallocate: config.reallocate });
  const referrals = participants.filter(
    (p) => p.routing.form === 'refer_to_tax' && !p.exclusions.some((x) => x.code === 'liquidated' || x.code === 'exclusion_list'),
  );

  const parameters = {
    explore: config.explore,
    explore_weighting: config.weighting,
    min_uncertainty_weight: config.weighting === 'uncertainty' ? PLAN_DEFAULTS.minUncertaintyWeight : null,
    recent_months: config.recentMonths,
    allow_recent: [...config.allowRecent].sort(),
    aeo_min_score: aeoMinScore,
    routing: { material_rub: config.routing.materialRub, dominance_share: config.routing.dominanceShare },
    field_min_rub: config.fieldMinRub,
    control_years: controlYears,
    lead_months: leadMonths,
    exclusion_list: config.exclusions.path === null ? null : { path: config.exclusions.path, entries: listed.size, sha256: sha256Hex(canonical([...listed.entries()])) },
    quotas_file: config.quotas.path === null ? null : { path: config.quotas.path, quotas: quotaLines },
  };
  const rankedSha = run.rankedSha256;
  // The ranking by items enters the id; the default ranking adds nothing, so its ids stay what they were.
  const ranking = itemRanking === null || itemRun === null ? {} : { rankBy: 'items', rollUpSha: itemRun.rollUpSha256 };
  const planId = `${period}-${sha256Hex(canonical({ period, rankedSha, seed: config.seed, cells, quotaBy: config.quotaBy, reallocate: config.reallocate, parameters, ...ranking })).slice(0, 8)}`;

  const plan = planTable(planId, selection.picks, byInn);
  const eligible = eligibleTable(participants, selection.inclusion, selection.frames, selection.picks);
  const excluded = excludedTable(selection.excluded, byInn);
  const taxReasons = new Map(
    referrals.map((p) => [p.row.inn, (run.reasons.get(p.row.inn) ?? []).filter((r) => r.recoveringAuthority === 'tax').map((r) => r.reason).join(' | ')]),
  );
  const referred = referralTable(planId, referrals, taxReasons);
  // Expected charges exist when a model with an amount model was given, whatever ranked the list.
  const withModel = modelGiven && run.ranked.some((r) => r.expectedChargesRub !== null);
  const quotas = quotaSummaries(selection.cells, selection.frames, selection.picks, byInn, referrals, selection.excluded, withModel);
  const total = totalOf(quotas, withModel);
  const count = (keys: string[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const k of keys) out[k] = (out[k] ?? 0) + 1;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  const pickedParticipants = selection.picks.map((p) => byInn.get(p.inn) as PlanParticipant);
  const capacityTotal = cells.reduce((s, c) => s + c.capacity, 0);
  const files = new FileSet();
  files.add('plan.csv', tableCsv(plan));
  files.add('eligible.csv', tableCsv(eligible));
  files.add('excluded.csv', tableCsv(excluded));
  files.add('referrals.csv', tableCsv(referred));
  const template = outcomesTemplateTable(plan, referred, asOf, controlYears);
  files.add(OUTCOMES_TEMPLATE_FILE, tableCsv(template));
  const fixedDate = new Date(`${asOf}T00:00:00Z`);
  const itemSet: PlanItemSet | undefined =
    itemRun === null
      ? undefined
      : {
          period: itemRun.manifest.period,
          model: { path: itemRun.manifest.model.path, sha256: itemRun.manifest.model.sha256 },
          items_sha256: itemRun.itemsSha256,
          items_by_participant_sha256: itemRun.rollUpSha256,
          dossier_items: PLAN_DEFAULTS.dossierItems,
          ranking:
            itemRanking === null
              ? null
              : { with_item_scores: itemRanking.withItemScores.size, without_item_scores: itemRanking.withoutItemScores, not_in_score_run: itemRanking.notInScoreRun },
        };
  const summaryBase = {
    plan_id: planId,
    period,
    as_of: asOf,
    seed: config.seed,
    score_source: rankedBy,
    lang,
    capacity: {
      mode: config.capacity.mode,
      total: capacityTotal,
      desk: config.capacity.mode === 'desk_field' ? config.capacity.desk : null,
      field: config.capacity.mode === 'desk_field' ? config.capacity.field : null,
      quota_by: config.quotaBy,
      reallocate: config.reallocate,
    },
    quotas,
    totals: {
      ...total,
      participants: participants.length,
      eligible: selection.inclusion.size,
      by_form: count(pickedParticipants.map((p) => p.routing.form)),
      by_check_type: count(plan.rows.map((r) => r[PLAN_COLUMNS.findIndex((c) => c.key === 'check_type')] as string)),
      excluded_by_reason: count(selection.excluded.flatMap((e) => e.exclusions.map((x) => x.code))),
    },
    parameters,
    score_run: { risk_profile: manifest.risk_profile, model: manifest.model, ranked_sha256: rankedSha },
    // Only with an item set, so that a plan without one keeps its bytes.
    ...(itemSet === undefined ? {} : { item_set: itemSet }),
  };
  const xlsx = await planWorkbook(
    [
      { name: 'Plan', table: plan },
      { name: 'Referrals', table: referred },
      { name: 'Excluded', table: excluded },
      { name: OUTCOMES_SHEET, table: template },
    ],
    [
      {
        name: 'Parameters',
        rows: flattenJson({ plan_id: planId, period, as_of: asOf, seed: config.seed, score_source: rankedBy, capacity: summaryBase.capacity, parameters, ...(itemSet === undefined ? {} : { item_set: itemSet }) }),
      },
      { name: 'Manifest', rows: flattenJson(manifest) },
    ],
    fixedDate,
    lang,
  );

  // Dossiers: the evidence.csv items where the participant has them, else its largest inspectable items.
  const withoutEvidence = selection.picks.map((p) => p.inn).filter((inn) => !run.evidence.has(inn));
  const storeItems = await inspectableItems(db, withoutEvidence, { asOf, controlYears, leadMonths }, BATCH_DEFAULTS.evidenceItems);
  const itemsOf = itemRun === null ? null : dossierItemsOf(itemRun, PLAN_DEFAULTS.dossierItems);
  // Every evidence item names the file and line it was ingested from (the stored lineage).
  const evidenceOf = (inn: string): readonly Record<string, string>[] => run.evidence.get(inn) ?? storeItems.get(inn) ?? [];
  const sourceLines = await itemSourceLines(
    db,
    selection.picks.flatMap((p) => evidenceOf(p.inn).map((e) => ({ declId: e['decl_id'] ?? '', itemNo: Number(e['item_no']), version: Number(e['version'] ?? 1) }))),
  );
  const dossiers = new Map<string, string>();
  for (const pick of selection.picks) {
    const p = byInn.get(pick.inn) as PlanParticipant;
    const fromCsv = run.evidence.get(pick.inn);
    const fileName = dossierFileName(pick.inn);
    if (dossiers.has(fileName)) throw new Error(`two selected participants would share the dossier file ${fileName} (one is ${pick.inn})`);
    dossiers.set(
      fileName,
      dossierHtml({
        planId,
        period,
        asOf,
        lang,
        row: p.row,
        quota: pick.quota,
        checkType: pick.cellCheckType === 'any' ? p.checkType : pick.cellCheckType,
        form: p.routing.form,
        customsRub: p.routing.customsRub,
        taxRub: p.routing.taxRub,
        customsShare: p.routing.customsShare,
        selection: pick.kind,
        propensity: pick.propensity,
        earliestInspectableUntil: p.earliestInspectableUntil,
        inspectableItems: p.inspectableItems,
        reasons: run.reasons.get(pick.inn) ?? [],
        evidence: evidenceOf(pick.inn).map((e) => ({ ...e, source: sourceLines.get(`${e['decl_id'] ?? ''}/${e['item_no'] ?? ''}/${e['version'] ?? '1'}`) ?? '' })),
        evidenceSource: fromCsv === undefined ? 'store' : 'evidence.csv',
        inspections: facts.inspections.get(pick.inn) ?? [],
        ...(itemsOf === null ? {} : { items: itemsOf(pick.inn) }),
      }),
    );
  }
  files.add('plan.xlsx', xlsx);
  for (const [name, html] of dossiers) files.add(`dossiers/${name}`, html);
  const hashes = files.hashes();
  const summary: PlanSummary = {
    ...summaryBase,
    outputs: { ...Object.fromEntries(['plan.csv', 'eligible.csv', 'excluded.csv', 'referrals.csv', 'plan.xlsx'].map((name) => [name, hashes[name] as string])), dossiers: dossiers.size },
  };
  files.add(PLAN_SUMMARY_FILE, planSummaryJson(summary));
  const lines = [
    `plan ${planId}: ${total.selected} of ${capacityTotal} inspections (${total.risk} risk, ${total.random} random), ${referrals.length} referred to the tax authority, ${selection.excluded.length} excluded; as of ${asOf}, ranked by ${rankedBy}; files in ${outDir}`,
    '',
    formatQuotaTable(quotas, total),
  ];
  if (itemRanking !== null) {
    lines.push(
      '',
      `ranked by items-by-participant.csv: ${itemRanking.withItemScores.size} participants with item scores first, then ${itemRanking.withoutItemScores} without (not picked for risk, still drawn at random)` +
        (itemRanking.notInScoreRun.length === 0 ? '' : `; ${itemRanking.notInScoreRun.length} importers with item scores are not in ranked.csv and not planned (plan-summary.json item_set.ranking.not_in_score_run)`),
    );
  }
  if (!withModel) {
    lines.push(
      '',
      modelGiven
        ? 'no expected charges: the model has no amount model (too few violations with charges to learn one)'
        : 'expected charges need calibrated probabilities: plan with --model for them',
    );
  }
  return { summary, files, text: lines.join('\n') };
}
