/**
 * The plan's files (docs/outputs.md#plan): plan.csv, eligible.csv,
 * excluded.csv, referrals.csv as tables (the same tables fill plan.xlsx),
 * plan-summary.json and the per-quota summary printed on stdout.
 */
import { fixed, money } from '../run-folder/format.js';
import type { QuotaSummary } from '../run-folder/plan-summary.js';
import type { RankedRow } from '../run-folder/ranked.js';
import type { CheckType, Routing } from './routing.js';
import { type CellResult, type Exclusion, type Frame, type Inclusion, type Pick } from './select.js';
import { referralIdOf } from './outcomes-template.js';
import type { ColumnSpec, Table } from './table.js';

/** One scored participant with what the plan decided about it. */
export interface PlanParticipant {
  row: RankedRow;
  routing: Routing;
  /** The recommended check type (`fieldMinRub` rule). */
  checkType: CheckType;
  /** Its quota group value ('' without --quota-by or when unknown). */
  group: string;
  /** The quota its group belongs to: the group's own, or national. */
  homeQuota: string;
  exclusions: Exclusion[];
  /** Has risk to act on: an indicator fired, or a model scored it above 0. */
  risk: boolean;
  inspectableItems: number;
  earliestInspectableUntil: string | null;
  weight: number;
}

const score = (r: RankedRow): string => fixed(r.score, r.scoreSource === 'rules' ? 4 : r.expectedChargesRub === null ? 6 : 2);
const share = (x: number | null): string => fixed(x, 4);
/** Propensities with 12 decimals: 1/π keeps 6 significant digits down to π = 1e-6. */
const propensityText = (x: number): string => fixed(x, 12);

const IDENTITY: ColumnSpec[] = [
  { key: 'rank', label: 'Rank', kind: 'integer', width: 7 },
  { key: 'inn', label: 'INN', kind: 'text', width: 14 },
  { key: 'name', label: 'Name', kind: 'text', width: 36 },
  { key: 'region', label: 'Region', kind: 'text', width: 8 },
  { key: 'office', label: 'Customs office', kind: 'text', width: 11 },
];

/** Columns of plan.csv and the Plan sheet of plan.xlsx, in order. */
export const PLAN_COLUMNS: readonly ColumnSpec[] = [
  { key: 'plan_id', label: 'Plan', kind: 'text', width: 18 },
  ...IDENTITY,
  { key: 'quota', label: 'Quota', kind: 'text', width: 11 },
  { key: 'check_type', label: 'Check type', kind: 'text', width: 8 },
  { key: 'score', label: 'Score', kind: 'decimal', decimals: 4, width: 14 },
  { key: 'score_source', label: 'Score source', kind: 'text', width: 8 },
  { key: 'probability', label: 'P(violation)', kind: 'decimal', decimals: 6, width: 11 },
  { key: 'expected_charges_rub', label: 'Expected charges, RUB', kind: 'money', width: 16 },
  { key: 'model_customs_share', label: 'Model customs share', kind: 'decimal', decimals: 4, width: 10 },
  { key: 'customs_at_stake_rub', label: 'Customs at stake, RUB', kind: 'money', width: 16 },
  { key: 'tax_at_stake_rub', label: 'Tax at stake, RUB', kind: 'money', width: 16 },
  { key: 'customs_share', label: 'Customs share', kind: 'decimal', decimals: 4, width: 10 },
  { key: 'recommended_form', label: 'Recommended form', kind: 'text', width: 20 },
  { key: 'reason_1', label: 'Reason 1', kind: 'text', width: 60 },
  { key: 'reason_2', label: 'Reason 2', kind: 'text', width: 50 },
  { key: 'reason_3', label: 'Reason 3', kind: 'text', width: 50 },
  { key: 'selection', label: 'Selection', kind: 'text', width: 10 },
  { key: 'propensity', label: 'Propensity', kind: 'decimal', decimals: 12, width: 16 },
  { key: 'earliest_inspectable_until', label: 'Earliest inspectable until', kind: 'date', width: 12 },
  { key: 'inspectable_items', label: 'Inspectable items', kind: 'integer', width: 10 },
];

/** Columns of eligible.csv. */
const ELIGIBLE_COLUMNS: readonly ColumnSpec[] = [
  ...IDENTITY,
  { key: 'score', label: 'Score', kind: 'decimal', decimals: 4, width: 14 },
  { key: 'risk', label: 'Risk candidate', kind: 'integer', width: 8 },
  { key: 'recommended_form', label: 'Recommended form', kind: 'text', width: 20 },
  { key: 'check_type', label: 'Check type', kind: 'text', width: 8 },
  { key: 'frame', label: 'Exploration frame', kind: 'text', width: 11 },
  { key: 'frame_size', label: 'Frame size', kind: 'integer', width: 10 },
  { key: 'frame_sample', label: 'Frame sample', kind: 'integer', width: 10 },
  { key: 'weight', label: 'Weight', kind: 'decimal', decimals: 6, width: 10 },
  { key: 'inclusion_probability', label: 'Inclusion probability', kind: 'decimal', decimals: 12, width: 16 },
  { key: 'selection', label: 'Selection', kind: 'text', width: 10 },
];

/** Columns of excluded.csv. */
const EXCLUDED_COLUMNS: readonly ColumnSpec[] = [
  ...IDENTITY,
  { key: 'quota', label: 'Quota', kind: 'text', width: 11 },
  { key: 'score', label: 'Score', kind: 'decimal', decimals: 4, width: 14 },
  { key: 'recommended_form', label: 'Recommended form', kind: 'text', width: 20 },
  { key: 'check_type', label: 'Check type', kind: 'text', width: 8 },
  { key: 'reason', label: 'Reason', kind: 'text', width: 24 },
  { key: 'detail', label: 'Detail', kind: 'text', width: 70 },
];

/** Columns of referrals.csv. */
const REFERRAL_COLUMNS: readonly ColumnSpec[] = [
  { key: 'plan_id', label: 'Plan', kind: 'text', width: 18 },
  { key: 'referral_id', label: 'Referral id', kind: 'text', width: 30 },
  ...IDENTITY,
  { key: 'quota', label: 'Quota', kind: 'text', width: 11 },
  { key: 'score', label: 'Score', kind: 'decimal', decimals: 4, width: 14 },
  { key: 'tax_at_stake_rub', label: 'Tax at stake, RUB', kind: 'money', width: 16 },
  { key: 'customs_at_stake_rub', label: 'Customs at stake, RUB', kind: 'money', width: 16 },
  { key: 'expected_charges_rub', label: 'Expected charges, RUB', kind: 'money', width: 16 },
  { key: 'model_customs_share', label: 'Model customs share', kind: 'decimal', decimals: 4, width: 10 },
  { key: 'customs_share', label: 'Customs share', kind: 'decimal', decimals: 4, width: 10 },
  { key: 'recommended_form', label: 'Recommended form', kind: 'text', width: 14 },
  { key: 'tax_reasons', label: 'Tax reasons', kind: 'text', width: 80 },
];

/** plan.csv rows: risk picks, then random picks, each in rank order. */
export function planTable(planId: string, picks: readonly Pick[], byInn: ReadonlyMap<string, PlanParticipant>): Table {
  return {
    columns: PLAN_COLUMNS,
    rows: picks.map((pick) => {
      const p = byInn.get(pick.inn) as PlanParticipant;
      const r = p.row;
      return [
        planId,
        String(r.rank),
        r.inn,
        r.name,
        r.region,
        r.office,
        pick.quota,
        pick.cellCheckType === 'any' ? p.checkType : pick.cellCheckType,
        score(r),
        r.scoreSource,
        fixed(r.probability, 6),
        money(r.expectedChargesRub),
        share(r.modelCustomsShare),
        money(r.customsAtStakeRub),
        money(r.taxAtStakeRub),
        share(p.routing.customsShare),
        p.routing.form,
        r.reasons[0] ?? '',
        r.reasons[1] ?? '',
        r.reasons[2] ?? '',
        pick.kind,
        propensityText(pick.propensity),
        p.earliestInspectableUntil ?? '',
        String(p.inspectableItems),
      ];
    }),
  };
}

/** eligible.csv rows: every eligible participant in rank order with its inclusion probability. */
export function eligibleTable(participants: readonly PlanParticipant[], inclusion: ReadonlyMap<string, Inclusion>, frames: readonly Frame[], picks: readonly Pick[]): Table {
  const frameOf = new Map(frames.map((f) => [f.quota, f]));
  const kindOf = new Map(picks.map((p) => [p.inn, p.kind]));
  const rows: string[][] = [];
  for (const p of participants) {
    const inc = inclusion.get(p.row.inn);
    if (inc === undefined) continue;
    const frame = inc.frame === null ? undefined : frameOf.get(inc.frame);
    rows.push([
      String(p.row.rank),
      p.row.inn,
      p.row.name,
      p.row.region,
      p.row.office,
      score(p.row),
      p.risk ? '1' : '0',
      p.routing.form,
      p.checkType,
      inc.frame ?? '',
      frame === undefined ? '' : String(frame.size),
      frame === undefined ? '' : String(frame.sample),
      fixed(p.weight, 6),
      propensityText(inc.probability),
      kindOf.get(p.row.inn) ?? '',
    ]);
  }
  return { columns: ELIGIBLE_COLUMNS, rows };
}

/** excluded.csv rows: ineligible participants that would have been selected, in rank order. */
export function excludedTable(excluded: readonly { inn: string; quota: string; exclusions: readonly Exclusion[] }[], byInn: ReadonlyMap<string, PlanParticipant>): Table {
  return {
    columns: EXCLUDED_COLUMNS,
    rows: excluded.map((e) => {
      const p = byInn.get(e.inn) as PlanParticipant;
      return [
        String(p.row.rank),
        p.row.inn,
        p.row.name,
        p.row.region,
        p.row.office,
        e.quota,
        score(p.row),
        p.routing.form,
        p.checkType,
        e.exclusions.map((x) => x.code).join('; '),
        e.exclusions.map((x) => x.detail).join('; '),
      ];
    }),
  };
}

/** referrals.csv rows: participants routed to the tax authority, in rank order; they use no customs capacity. */
export function referralTable(planId: string, referrals: readonly PlanParticipant[], taxReasons: ReadonlyMap<string, string>): Table {
  return {
    columns: REFERRAL_COLUMNS,
    rows: referrals.map((p) => [
      planId,
      referralIdOf(planId, p.row.inn),
      String(p.row.rank),
      p.row.inn,
      p.row.name,
      p.row.region,
      p.row.office,
      p.homeQuota,
      score(p.row),
      money(p.row.taxAtStakeRub),
      money(p.row.customsAtStakeRub),
      money(p.row.expectedChargesRub),
      share(p.row.modelCustomsShare),
      share(p.routing.customsShare),
      p.routing.form,
      taxReasons.get(p.row.inn) ?? '',
    ]),
  };
}


const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Per-quota figures, named quotas in file order, national last. */
export function quotaSummaries(
  cells: readonly CellResult[],
  frames: readonly Frame[],
  picks: readonly Pick[],
  byInn: ReadonlyMap<string, PlanParticipant>,
  referrals: readonly PlanParticipant[],
  excluded: readonly { quota: string }[],
  withModel: boolean,
): QuotaSummary[] {
  const quotas = [...new Set(cells.map((c) => c.quota))];
  return quotas.map((quota) => {
    const own = cells.filter((c) => c.quota === quota);
    const sum = (f: (c: CellResult) => number): number => own.reduce((s, c) => s + f(c), 0);
    const selected = picks.filter((p) => p.quota === quota);
    const charges = selected.map((p) => byInn.get(p.inn)?.row.expectedChargesRub ?? 0);
    return {
      quota,
      capacity: sum((c) => c.capacity),
      cells: own.map((c) => ({
        check_type: c.checkType,
        capacity: c.capacity,
        explore_slots: c.exploreSlots,
        risk: c.risk,
        random: c.random,
        reallocated_in: c.reallocatedIn,
        reallocated_out: c.reallocatedOut,
        unused: c.unused,
      })),
      explore_slots: sum((c) => c.exploreSlots),
      selected: selected.length,
      risk: sum((c) => c.risk),
      random: sum((c) => c.random),
      reallocated_in: sum((c) => c.reallocatedIn),
      reallocated_out: sum((c) => c.reallocatedOut),
      unused: sum((c) => c.unused),
      frame_size: frames.find((f) => f.quota === quota)?.size ?? 0,
      expected_charges_rub: withModel ? round2(charges.reduce((a, b) => a + b, 0)) : null,
      customs_at_stake_rub: round2(selected.reduce((s, p) => s + (byInn.get(p.inn)?.row.customsAtStakeRub ?? 0), 0)),
      referrals: referrals.filter((r) => r.homeQuota === quota).length,
      excluded: excluded.filter((e) => e.quota === quota).length,
    };
  });
}

/** The per-quota table printed on stdout. */
export function formatQuotaTable(quotas: readonly QuotaSummary[], totals: QuotaSummary): string {
  const rub = (x: number | null): string => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
  const head = ['quota', 'capacity', 'reallocated', 'selected', 'risk', 'random', 'unused', 'expected charges RUB', 'referrals', 'excluded'];
  const moved = (q: QuotaSummary): string => {
    const net = q.reallocated_in - q.reallocated_out;
    return net > 0 ? `+${net}` : String(net);
  };
  const line = (q: QuotaSummary): string[] => [
    q.quota,
    String(q.capacity),
    moved(q),
    String(q.selected),
    String(q.risk),
    String(q.random),
    String(q.unused),
    rub(q.expected_charges_rub),
    String(q.referrals),
    String(q.excluded),
  ];
  const rows = [head, ...quotas.map(line), line(totals)];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const fmt = (r: string[]): string => r.map((v, i) => (i === 0 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number))).join('  ');
  return [fmt(head), ...quotas.map((q) => fmt(line(q))), fmt(line(totals))].join('\n');
}

/** The totals line: every quota added up (`quota` = "total"). */
export function totalOf(quotas: readonly QuotaSummary[], withModel: boolean): QuotaSummary {
  const sum = (f: (q: QuotaSummary) => number): number => quotas.reduce((s, q) => s + f(q), 0);
  return {
    quota: 'total',
    capacity: sum((q) => q.capacity),
    cells: [],
    explore_slots: sum((q) => q.explore_slots),
    selected: sum((q) => q.selected),
    risk: sum((q) => q.risk),
    random: sum((q) => q.random),
    reallocated_in: sum((q) => q.reallocated_in),
    reallocated_out: sum((q) => q.reallocated_out),
    unused: sum((q) => q.unused),
    frame_size: sum((q) => q.frame_size),
    expected_charges_rub: withModel ? round2(sum((q) => q.expected_charges_rub ?? 0)) : null,
    customs_at_stake_rub: round2(sum((q) => q.customs_at_stake_rub)),
    referrals: sum((q) => q.referrals),
    excluded: sum((q) => q.excluded),
  };
}
