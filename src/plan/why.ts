/**
 * Why a participant is or is not in a period's plan (`ccrg explain`): read
 * from the plan's own files (plan.csv, eligible.csv, excluded.csv,
 * referrals.csv, plan-summary.json) and, for eligibility the files do not
 * record, recomputed for the one participant with the plan's recorded
 * parameters from the store as of the plan's date.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCsvRecords, type CsvTable } from '../io/csv-read.js';
import type { Db } from '../io/db.js';
import { PLAN_SUMMARY_FILE, readPlanSummary, type PlanSummary, type QuotaSummary } from '../run-folder/plan-summary.js';
import { exclusionsOf } from './eligibility.js';
import { readExclusionList, readStoreFacts, type InspectionRow } from './inputs.js';
import { inspectionIdOf } from './outcomes-template.js';
import type { Exclusion } from './select.js';

/** The files of a plan folder that say who was chosen and why. */
export interface PlanFiles {
  dir: string;
  summary: PlanSummary;
  plan: CsvTable;
  eligible: CsvTable;
  excluded: CsvTable;
  referrals: CsvTable;
}

/** The plan files of a run folder; null when it holds no plan. */
export async function readPlanFiles(dir: string): Promise<PlanFiles | null> {
  if (!existsSync(join(dir, PLAN_SUMMARY_FILE))) return null;
  const read = (file: string, required: string[]): Promise<CsvTable> => readCsvRecords(join(dir, file), required, `the ${file} of a plan`);
  return {
    dir,
    summary: await readPlanSummary(join(dir, PLAN_SUMMARY_FILE)),
    plan: await read('plan.csv', ['inn', 'rank', 'quota', 'selection', 'propensity']),
    eligible: await read('eligible.csv', ['inn', 'rank', 'risk', 'frame', 'inclusion_probability', 'selection']),
    excluded: await read('excluded.csv', ['inn', 'rank', 'reason', 'detail']),
    referrals: await read('referrals.csv', ['inn', 'rank']),
  };
}

const rowsOf = (table: CsvTable, inn: string): Record<string, string>[] => table.records.map((r) => r.values).filter((v) => v['inn'] === inn);

const num = (v: string | undefined): number => Number(v ?? Number.NaN);

/** The plan's parameter of that name, as recorded in plan-summary.json. */
function parameter<T>(summary: PlanSummary, name: string, fallback: T): T {
  const v = summary.parameters[name];
  return v === undefined || v === null ? fallback : (v as T);
}

function quotaLine(q: QuotaSummary | undefined, name: string): string {
  if (q === undefined) return `quota ${name}: not in plan-summary.json`;
  const moved = q.reallocated_in > 0 || q.reallocated_out > 0 ? `, ${q.reallocated_in} slots reallocated in and ${q.reallocated_out} out` : '';
  return `quota ${q.quota}: capacity ${q.capacity}, ${q.selected} selected (${q.risk} by risk, ${q.random} at random from ${q.frame_size} eligible below the risk cut), ${q.unused} unused${moved}`;
}

function inspectionWords(i: InspectionRow): string {
  const result =
    i.completedDate === null
      ? `open since ${i.startedDate}`
      : `${i.startedDate} to ${i.completedDate}, ${i.violation === 1 ? `violation found${i.chargesRub === null ? '' : `, ${i.chargesRub.toFixed(2)} RUB charged`}` : i.violation === 0 ? 'no violation' : 'result not recorded'}`;
  return `${i.inspectionId} (${i.checkType || 'check type not recorded'}, ${i.selection || 'selection not recorded'}): ${result}`;
}

/**
 * The lines that say why `inn` is or is not in the plan of `files`: selected
 * (by risk or in the exploration draw, with its inclusion probability, form
 * and quota), referred to the tax authority, excluded (with the reasons),
 * or eligible but below its quota's risk cut and not drawn; its quota's
 * figures; its inspections known by the plan's date.
 */
export async function whyInPlan(db: Db, files: PlanFiles, inn: string): Promise<string[]> {
  const { summary } = files;
  const lines: string[] = [`Plan ${summary.plan_id} (${join(files.dir, PLAN_SUMMARY_FILE)}, as of ${summary.as_of}, ranked by ${summary.score_source}):`];
  const recentMonths = parameter(summary, 'recent_months', 12);
  const facts = await readStoreFacts(db, [inn], {
    asOf: summary.as_of,
    controlYears: parameter(summary, 'control_years', 3),
    leadMonths: parameter(summary, 'lead_months', 6),
    recentMonths,
  });
  const planned = rowsOf(files.plan, inn)[0];
  const eligible = rowsOf(files.eligible, inn)[0];
  const excluded = rowsOf(files.excluded, inn);
  const referral = rowsOf(files.referrals, inn)[0];
  const quotaName = planned?.['quota'] ?? excluded[0]?.['quota'] ?? referral?.['quota'] ?? eligible?.['frame'] ?? 'national';
  const quota = summary.quotas.find((q) => q.quota === quotaName);

  if (planned !== undefined) {
    const random = planned['selection'] === 'random';
    lines.push(
      `  IN THE PLAN: rank ${planned['rank'] ?? ''}, ${random ? 'drawn at random in the exploration slice' : 'selected by risk'} (inclusion probability ${num(planned['propensity'])}), ` +
        `${planned['check_type'] ?? ''} check, ${planned['recommended_form'] ?? ''}; inspection id ${inspectionIdOf(summary.plan_id, inn)}`,
    );
  } else if (referral !== undefined) {
    lines.push(
      `  NOT IN THE CUSTOMS PLAN: referred to the tax authority (referral ${referral['referral_id'] ?? ''}, rank ${referral['rank'] ?? ''}): ` +
        `what is at stake is the tax authority's to recover (tax ${referral['tax_at_stake_rub'] ?? '—'} RUB, customs ${referral['customs_at_stake_rub'] ?? '—'} RUB)`,
    );
  } else if (excluded.length > 0) {
    lines.push(`  NOT IN THE PLAN: excluded at rank ${excluded[0]?.['rank'] ?? ''}, where it would have been selected:`);
    for (const x of excluded) lines.push(`    - ${x['reason'] ?? ''}: ${x['detail'] ?? ''}`);
  } else if (eligible !== undefined) {
    const rank = num(eligible['rank']);
    const riskPicks = files.plan.records.map((r) => r.values).filter((v) => v['quota'] === quotaName && v['selection'] === 'risk');
    const cut = riskPicks.reduce((m, v) => Math.max(m, num(v['rank'])), 0);
    const candidate = eligible['risk'] === '1';
    lines.push(
      `  NOT IN THE PLAN: eligible at rank ${rank}; ` +
        (!candidate
          ? 'no indicator fired and the model gave no score above zero, so it was not a risk candidate'
          : riskPicks.length === 0
            ? `quota ${quotaName} selected no one by risk`
            : `below the risk cut of quota ${quotaName}: its ${riskPicks.length} risk picks reach down to rank ${cut}`),
    );
    const p = num(eligible['inclusion_probability']);
    if (Number.isFinite(p) && p > 0 && p < 1) {
      lines.push(`    exploration draw: in the frame of ${eligible['frame_size'] ?? '?'} eligible participants below the cut, ${eligible['frame_sample'] ?? '?'} drawn; its inclusion probability ${p}; not drawn (seed ${summary.seed})`);
    } else lines.push('    exploration draw: not in a frame (the quota had no exploration slots)');
  } else {
    // Neither eligible nor listed in excluded.csv, which records only those that would have been selected.
    const ranked = (await readCsvRecords(join(files.dir, 'ranked.csv'), ['inn', 'score'], 'the ranked.csv of a run')).records.find((r) => r.values['inn'] === inn);
    const score = ranked === undefined ? null : num(ranked.values['score']);
    const listPath = (summary.parameters['exclusion_list'] as { path?: string } | null | undefined)?.path;
    const listed = listPath !== undefined && existsSync(listPath) ? (await readExclusionList(listPath)).get(inn) : undefined;
    const exclusions: Exclusion[] = exclusionsOf(
      { inn, score: score ?? 0, items: facts.items.get(inn), register: facts.register.get(inn), inspections: facts.inspections.get(inn) ?? [], listed },
      {
        asOf: summary.as_of,
        recentCutoff: facts.recentCutoff,
        recentMonths,
        allowRecent: new Set(parameter<string[]>(summary, 'allow_recent', [])),
        aeoMinScore: parameter(summary, 'aeo_min_score', 0),
      },
    );
    if (score === null) lines.push(`  NOT IN THE PLAN: not scored in the run the plan was made from`);
    else if (exclusions.length === 0) lines.push('  NOT IN THE PLAN: not among the participants the plan considered (was it planned from another score run?)');
    else {
      lines.push('  NOT IN THE PLAN: not eligible (below the risk cut too, so excluded.csv does not list it):');
      for (const x of exclusions) lines.push(`    - ${x.code}: ${x.detail}`);
    }
  }
  lines.push(`  ${quotaLine(quota, quotaName)}`);
  const inspections = facts.inspections.get(inn) ?? [];
  lines.push(inspections.length === 0 ? `  inspections known by ${summary.as_of}: none` : `  inspections known by ${summary.as_of} (latest first):`);
  for (const i of inspections.slice(0, 5)) lines.push(`    ${inspectionWords(i)}`);
  if (inspections.length > 5) lines.push(`    and ${inspections.length - 5} earlier`);
  return lines;
}
