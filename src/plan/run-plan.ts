/**
 * `ccrg plan`: turns a period's scores into an inspection plan
 * (docs/plan.md): routing, eligibility, capacity and quotas, exploration
 * with exact propensities, and the plan files in the run folder.
 */
import { copyFile, link, mkdir, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BATCH_DEFAULTS, PLAN_DEFAULTS } from '../config/defaults.js';
import { checkReplaceable, replaceDirectory, RUN_FOLDER } from '../io/run-dir.js';
import { writeBatchReport } from '../report/batch-report.js';
import { loadArtifact, serializeArtifact } from '../models/artifact.js';
import { sha256Hex } from '../score/outputs.js';
import { loadCheckedProfile, openScoreStore, runScore, type ScoreConfig } from '../score/run-score.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { dossierFileName, dossierHtml } from './dossier.js';
import { exclusionsOf } from './eligibility.js';
import { inspectableItems, readExclusionList, readQuotas, readScoreRun, readStoreFacts, type QuotaLine, type ScoreRun } from './inputs.js';
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
  type QuotaSummary,
} from './outputs.js';
import { recommendedCheckType, route, type RoutingParams } from './routing.js';
import { NATIONAL, selectPlan, type Candidate, type Cell } from './select.js';
import { tableCsv } from './table.js';
import { flattenJson, planWorkbook } from './xlsx.js';
import { MODEL_INPUT_IDS } from '../models/inputs.js';

/** Capacity as given: one total, or desk and field apart. */
export type CapacitySpec = { mode: 'total'; total: number | null } | { mode: 'desk_field'; desk: number; field: number };

/** Everything `ccrg plan` needs, defaults resolved. */
export interface PlanConfig {
  /** How the period is scored when its run is absent (the same flags as `ccrg score`). */
  score: ScoreConfig;
  /** Score flags given on the command line: an existing run must have been made with them. */
  explicit: { lang: boolean; model: boolean; rankBy?: boolean; riskProfile: boolean; leadMonths: boolean; returnGraceDays: boolean; paymentProcedures: boolean };
  /** Score again even when the period's run exists. */
  rescore: boolean;
  capacity: CapacitySpec;
  quotaBy: 'office' | 'region' | null;
  quotasPath: string | null;
  reallocate: boolean;
  excludePath: string | null;
  explore: number;
  weighting: 'none' | 'uncertainty';
  seed: number;
  recentMonths: number;
  allowRecent: string[];
  /** null: the default for the run's score source (PLAN_DEFAULTS.aeoMinScore). */
  aeoMinScore: number | null;
  routing: RoutingParams;
  fieldMinRub: number;
  /** Also write report.html (the batch report, with the plan summary) into the run folder. */
  report?: boolean;
}

/** The files of the plan's set, replaced together (docs/outputs.md). */
export const PLAN_FILES = ['plan.csv', 'plan.xlsx', 'eligible.csv', 'excluded.csv', 'referrals.csv', 'plan-summary.json', 'dossiers'] as const;

/** plan-summary.json (docs/outputs.md#plan-summaryjson). */
export interface PlanSummary {
  plan_id: string;
  period: string;
  as_of: string;
  seed: number;
  score_source: 'rules' | 'model';
  lang: string;
  capacity: { mode: 'total' | 'desk_field'; total: number; desk: number | null; field: number | null; quota_by: 'office' | 'region' | null; reallocate: boolean };
  quotas: QuotaSummary[];
  totals: QuotaSummary & {
    participants: number;
    eligible: number;
    by_form: Record<string, number>;
    by_check_type: Record<string, number>;
    excluded_by_reason: Record<string, number>;
  };
  parameters: Record<string, unknown>;
  score_run: { risk_profile: unknown; model: unknown; ranked_sha256: string };
  outputs: Record<string, string | number>;
}

/** What a plan run returns. */
export interface PlanResult {
  summary: PlanSummary;
  /** The per-quota table for stdout. */
  text: string;
}

/** The capacity cells: named quotas from the file, then the national pool with what the total leaves. */
export function buildCells(capacity: CapacitySpec, quotas: readonly QuotaLine[], quotasPath: string | null): Cell[] {
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

function mismatch(outDir: string, what: string): never {
  throw new UsageError(`${outDir} holds scores made with ${what}: add --rescore to score the period again (it replaces the folder), or drop the flag to plan on those scores`);
}

/** Checks that an existing run was made with the score flags given explicitly. */
async function checkRunMatches(run: ScoreRun, config: PlanConfig): Promise<void> {
  const m = run.manifest;
  const dir = config.score.outDir;
  const params = (m['parameters'] ?? {}) as Record<string, unknown>;
  if (m['period'] !== config.score.period) throw new UsageError(`${dir} holds the scores of period ${String(m['period'])}, not ${config.score.period}`);
  const e = config.explicit;
  if (e.lang && params['lang'] !== config.score.lang) mismatch(dir, `--lang ${String(params['lang'])}`);
  if (e.rankBy && (params['rank_by'] ?? 'auto') !== (config.score.rankBy ?? 'auto')) mismatch(dir, `--rank-by ${String(params['rank_by'] ?? 'auto')}`);
  if (e.leadMonths && params['leadMonths'] !== config.score.features.leadMonths) mismatch(dir, `--lead-months ${String(params['leadMonths'])}`);
  if (e.returnGraceDays && params['returnGraceDays'] !== config.score.features.returnGraceDays) mismatch(dir, `--return-grace-days ${String(params['returnGraceDays'])}`);
  if (e.paymentProcedures && JSON.stringify(params['paymentProcedures']) !== JSON.stringify(config.score.features.paymentProcedures)) {
    mismatch(dir, `--payment-procedures ${JSON.stringify(params['paymentProcedures'])}`);
  }
  if (e.riskProfile) {
    const profile = await loadCheckedProfile(config.score.riskProfilePath);
    if ((m['risk_profile'] as { sha256?: string } | undefined)?.sha256 !== profile.sha256) mismatch(dir, 'another risk profile');
  }
  if (e.model && config.score.modelPath !== null && config.score.modelPath !== undefined) {
    const model = m['model'] as { sha256?: string; path?: string } | null;
    if (model === null || model === undefined) mismatch(dir, 'the risk profile, no model');
    const loaded = await loadArtifact(config.score.modelPath, { kind: 'risk', level: 'participant', features: MODEL_INPUT_IDS });
    if (model.sha256 !== sha256Hex(serializeArtifact(loaded.artifact))) mismatch(dir, `another model (${String(model.path)})`);
  }
}

/** Links (or copies) a folder's tree into another, skipping the named top-level entries. */
async function carryOver(from: string, to: string, skip: ReadonlySet<string>): Promise<void> {
  if (!existsSync(from)) return;
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) {
      await mkdir(target);
      await carryOver(source, target, new Set());
    } else {
      try {
        await link(source, target);
      } catch {
        await copyFile(source, target);
      }
    }
  }
}

/**
 * Replaces the plan's set of files in the run folder as a whole: the folder
 * is rebuilt beside itself (the score files and anything else linked in
 * unchanged, the plan's files fresh) and swapped in (src/io/run-dir.ts), so
 * a plan that fails or is killed leaves the previous complete set.
 */
export async function replacePlanFiles(outDir: string, write: (dir: string) => Promise<void>): Promise<void> {
  await replaceDirectory(
    outDir,
    async (fresh) => {
      await carryOver(outDir, fresh, new Set(PLAN_FILES));
      await write(fresh);
    },
    RUN_FOLDER,
  );
}

const canonical = (value: unknown): string => JSON.stringify(value);

/** Makes the plan of a period and writes its files into the run folder. */
export async function runPlan(config: PlanConfig, clock: Clock, logger: Logger): Promise<PlanResult> {
  const outDir = config.score.outDir;
  await checkReplaceable(outDir, RUN_FOLDER);
  const quotaLines = config.quotasPath === null ? [] : await readQuotas(config.quotasPath);
  const cells = buildCells(config.capacity, quotaLines, config.quotasPath);
  const listed = config.excludePath === null ? new Map<string, string>() : await readExclusionList(config.excludePath);
  const store = await openScoreStore(config.score, clock, logger);
  try {
    let run = config.rescore ? null : await readScoreRun(outDir);
    if (run !== null) await checkRunMatches(run, config);
    if (run === null) {
      logger.info(`${config.rescore ? 'rescoring' : `no score run in ${outDir}: scoring`} ${config.score.period} first`);
      // The report, when asked for, is written once the plan is there too.
      await runScore({ ...config.score, report: false }, clock, logger, store);
      run = await readScoreRun(outDir);
      if (run === null) throw new Error(`scoring wrote no complete run into ${outDir}`);
    }
    const manifest = run.manifest;
    const params = (manifest['parameters'] ?? {}) as Record<string, unknown>;
    const asOf = String(manifest['as_of']);
    const period = String(manifest['period']);
    const lang = params['lang'] === 'ru' ? 'ru' : 'en';
    const scoreSource: 'rules' | 'model' = manifest['model'] === null || manifest['model'] === undefined ? 'rules' : 'model';
    const controlYears = Number(params['controlYears'] ?? config.score.features.controlYears);
    const leadMonths = Number(params['leadMonths'] ?? config.score.features.leadMonths);
    const aeoMinScore = config.aeoMinScore ?? PLAN_DEFAULTS.aeoMinScore[scoreSource];
    if (config.weighting === 'uncertainty' && run.ranked.some((r) => r.probability === null)) {
      throw new UsageError('--explore-weighting uncertainty weighs by the model probability p(1 − p): score with --model (and --rescore when the run exists)');
    }

    const inns = run.ranked.map((r) => r.inn);
    const facts = await readStoreFacts(store.db, inns, { asOf, controlYears, leadMonths, recentMonths: config.recentMonths });
    const named = new Set(cells.filter((c) => c.quota !== NATIONAL).map((c) => c.quota));
    const allowRecent = new Set(config.allowRecent);
    const participants: PlanParticipant[] = run.ranked.map((row) => {
      const routing = route({ customsAtStakeRub: row.customsAtStakeRub, taxAtStakeRub: row.taxAtStakeRub, expectedChargesRub: row.expectedChargesRub, modelCustomsShare: row.modelCustomsShare }, config.routing);
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
        risk: row.indicatorsFired > 0 || (row.scoreSource === 'model' && row.score > 0),
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
      exclusion_list: config.excludePath === null ? null : { path: config.excludePath, entries: listed.size, sha256: sha256Hex(canonical([...listed.entries()])) },
      quotas_file: config.quotasPath === null ? null : { path: config.quotasPath, quotas: quotaLines },
    };
    const rankedSha = sha256Hex(run.texts.ranked);
    const planId = `${period}-${sha256Hex(canonical({ period, rankedSha, seed: config.seed, cells, quotaBy: config.quotaBy, reallocate: config.reallocate, parameters })).slice(0, 8)}`;

    const plan = planTable(planId, selection.picks, byInn);
    const eligible = eligibleTable(participants, selection.inclusion, selection.frames, selection.picks);
    const excluded = excludedTable(selection.excluded, byInn);
    const taxReasons = new Map(
      referrals.map((p) => [p.row.inn, (run.reasons.get(p.row.inn) ?? []).filter((r) => r.recoveringAuthority === 'tax').map((r) => r.reason).join(' | ')]),
    );
    const referred = referralTable(planId, referrals, taxReasons);
    const withModel = scoreSource === 'model';
    const quotas = quotaSummaries(selection.cells, selection.frames, selection.picks, byInn, referrals, selection.excluded, withModel);
    const total = totalOf(quotas, withModel);
    const count = (keys: string[]): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const k of keys) out[k] = (out[k] ?? 0) + 1;
      return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
    };
    const pickedParticipants = selection.picks.map((p) => byInn.get(p.inn) as PlanParticipant);
    const capacityTotal = cells.reduce((s, c) => s + c.capacity, 0);
    const files: Record<string, string> = {
      'plan.csv': tableCsv(plan),
      'eligible.csv': tableCsv(eligible),
      'excluded.csv': tableCsv(excluded),
      'referrals.csv': tableCsv(referred),
    };
    const fixedDate = new Date(`${asOf}T00:00:00Z`);
    const summaryBase = {
      plan_id: planId,
      period,
      as_of: asOf,
      seed: config.seed,
      score_source: scoreSource,
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
      score_run: { risk_profile: manifest['risk_profile'] ?? null, model: manifest['model'] ?? null, ranked_sha256: rankedSha },
    };
    const xlsx = await planWorkbook(
      [
        { name: 'Plan', table: plan },
        { name: 'Referrals', table: referred },
        { name: 'Excluded', table: excluded },
      ],
      [
        { name: 'Parameters', rows: flattenJson({ plan_id: planId, period, as_of: asOf, seed: config.seed, score_source: scoreSource, capacity: summaryBase.capacity, parameters }) },
        { name: 'Manifest', rows: flattenJson(manifest) },
      ],
      fixedDate,
      lang,
    );

    // Dossiers: the evidence.csv items where the participant has them, else its largest inspectable items.
    const withoutEvidence = selection.picks.map((p) => p.inn).filter((inn) => !run.evidence.has(inn));
    const storeItems = await inspectableItems(store.db, withoutEvidence, { asOf, controlYears, leadMonths }, BATCH_DEFAULTS.evidenceItems);
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
          evidence: fromCsv ?? storeItems.get(pick.inn) ?? [],
          evidenceSource: fromCsv === undefined ? 'store' : 'evidence.csv',
          inspections: facts.inspections.get(pick.inn) ?? [],
        }),
      );
    }
    const summary: PlanSummary = {
      ...summaryBase,
      outputs: { ...Object.fromEntries(Object.entries(files).map(([name, text]) => [name, sha256Hex(text)])), 'plan.xlsx': sha256Hex(xlsx), dossiers: dossiers.size },
    };

    await replacePlanFiles(outDir, async (dir) => {
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
      await writeFile(join(dir, 'plan.xlsx'), xlsx);
      await mkdir(join(dir, 'dossiers'));
      for (const [name, html] of dossiers) await writeFile(join(dir, 'dossiers', name), html);
      await writeFile(join(dir, 'plan-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    });
    logger.info(`planned ${total.selected} inspections for ${period}; wrote ${outDir}`);
    if (config.report === true) {
      const report = await writeBatchReport({ outDir, period, lang, db: store.db, parentDir: dirname(outDir), clock });
      logger.info(`wrote ${report.path}`);
    }
    const lines = [
      `plan ${planId}: ${total.selected} of ${capacityTotal} inspections (${total.risk} risk, ${total.random} random), ${referrals.length} referred to the tax authority, ${selection.excluded.length} excluded; as of ${asOf}, ranked by ${scoreSource}; files in ${outDir}`,
      '',
      formatQuotaTable(quotas, total),
    ];
    if (!withModel) lines.push('', 'expected charges need calibrated probabilities: plan with --model for them');
    return { summary, text: lines.join('\n') };
  } finally {
    store.db.close();
  }
}
