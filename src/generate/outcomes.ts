/**
 * Inspections (labels): planned before the items are generated, as a customs
 * service chose them in the past: each month the top of an older, weaker rule
 * set that sees only what the service could see (never the planted truth),
 * plus a random slice with a known inclusion probability; filled while items
 * stream past; written at the end.
 */
import { isoFromDay, type MonthRef } from './calendar.js';
import { round2, type ItemRecord } from './declarations.js';
import { Rng } from './random.js';
import type { Participant, SchemeKind } from './participants.js';
import type { World } from './world.js';

/** Share of the active importers inspected in a year, unless the caller says otherwise. */
const INSPECTED_PER_YEAR = 0.03;
/** Share of those inspections drawn at random. */
const RANDOM_SHARE = 0.1;
/** Months after the start of an inspection before the importer can be chosen again. */
const COOLDOWN_MONTHS = 12;
/** Chance that an inspection finds planted violations in its window. */
const DETECTION_PROBABILITY = 0.85;
/** Chance that an inspection without planted violations still reports one. */
const FALSE_POSITIVE_RATE = 0.04;

interface ExaminedItem {
  readonly declId: string;
  readonly itemNo: number;
  violation: 0 | 1;
  charges: number;
  /** What a false-positive finding on this item would charge. */
  readonly falseCharge: number;
}

/** One inspection and what it found. */
export interface Inspection {
  readonly id: string;
  readonly p: Participant;
  readonly checkType: 'desk' | 'field';
  readonly fromDay: number;
  readonly toDay: number;
  readonly startedDay: number;
  readonly completedDay: number | null;
  readonly selection: 'risk' | 'random';
  /** Inclusion probability: 1 for a pick of the rules, the slice's probability for a random one. */
  readonly propensity: number;
  readonly planId: string;
  readonly detects: boolean;
  readonly falsePositive: boolean;
  /** Probability that an honest item of the window is examined. */
  readonly sampleProb: number;
  plantedCharges: number;
  readonly examined: ExaminedItem[];
}

/**
 * The older rule set's score of an importer in a month: what the service
 * could see without the planted truth (its volume, a mass registration
 * address, a young firm, few staff, an unreliable register record, goods
 * valued by methods other than the transaction value; an authorised economic
 * operator is spared), and noise for the month's data those rules read. It
 * knows nothing of the schemes: whatever it finds, it finds through them.
 */
function olderRuleScore(p: Participant, month: MonthRef, itemsPerMonth: number, rng: Rng): number {
  return (
    0.6 * Math.log(Math.max(p.lambda, 0.05) / itemsPerMonth) +
    (p.massAddress ? 1.2 : 0) +
    (p.registrationDay > month.firstDay - 730 ? 0.8 : 0) +
    (p.headcount <= 3 ? 0.6 : 0) +
    (month.index >= p.unreliableFrom ? 1.0 : 0) +
    (p.methodShare > 0.03 ? 0.5 : 0) -
    (p.aeo ? 1.5 : 0) +
    0.8 * rng.normal()
  );
}

/**
 * Plans every inspection of the span, by participant. Each month from the
 * fourth, among the importers registered 90 days before and not in
 * liquidation, the service inspects about `inspectedPerYear` of them a
 * year: the top of {@link olderRuleScore} (inclusion probability 1) and a
 * random slice of the rest with probability `inspectedPerYear` ×
 * {@link RANDOM_SHARE} / 12 a month (about {@link RANDOM_SHARE} of the
 * inspections). An importer whose inspection
 * started in the last {@link COOLDOWN_MONTHS} months is not chosen again.
 */
export function planInspections(
  world: World,
  participants: readonly Participant[],
  itemsPerMonth: number,
  seed: number,
  inspectedPerYear: number = INSPECTED_PER_YEAR,
): Map<number, Inspection[]> {
  const rng = new Rng(seed, 7);
  const randomPropensity = (inspectedPerYear * RANDOM_SHARE) / 12;
  const byParticipant = new Map<number, Inspection[]>();
  const lastStarted = new Int32Array(participants.length).fill(-1000);
  let serial = 0;
  // Fractional capacity carried from month to month, so that small worlds are inspected too.
  let capacity = 0;
  for (const month of world.months) {
    if (month.index < 3) continue;
    const active = participants.filter((p) => p.registrationDay <= month.firstDay - 90 && p.liquidationStartDay > month.firstDay);
    capacity += (active.length * inspectedPerYear * (1 - RANDOM_SHARE)) / 12;
    const rulePicks = Math.floor(capacity);
    capacity -= rulePicks;
    const eligible = active.filter((p) => month.index - (lastStarted[p.idx] ?? -1000) >= COOLDOWN_MONTHS);
    const scores = new Map(eligible.map((p) => [p.idx, olderRuleScore(p, month, itemsPerMonth, rng)] as const));
    const byScore = [...eligible].sort((a, b) => (scores.get(b.idx) as number) - (scores.get(a.idx) as number) || a.idx - b.idx);
    const chosen = new Set(byScore.slice(0, rulePicks).map((p) => p.idx));
    for (const p of eligible) {
      const selection: 'risk' | 'random' | null = chosen.has(p.idx) ? 'risk' : rng.chance(randomPropensity) ? 'random' : null;
      if (selection === null) continue;
      const propensity = selection === 'risk' ? 1 : randomPropensity;
      const field = rng.chance(p.lambda > itemsPerMonth * 2 ? 0.3 : 0.1);
      const windowMonths = field ? rng.intBetween(12, 36) : rng.intBetween(3, 12);
      const toMonth = month.index - 1;
      const fromMonth = Math.max(0, toMonth - windowMonths + 1);
      lastStarted[p.idx] = month.index;
      const startedDay = month.firstDay + rng.int(month.days);
      const completedDay = startedDay + (field ? rng.intBetween(60, 180) : rng.intBetween(30, 90));
      serial++;
      const windowItems = Math.max(1, p.lambda * (toMonth - fromMonth + 1));
      const inspection: Inspection = {
        id: `PKP-${month.year}-${String(serial).padStart(6, '0')}`,
        p,
        checkType: field ? 'field' : 'desk',
        fromDay: world.months[fromMonth]?.firstDay ?? month.firstDay,
        toDay: world.months[toMonth]?.lastDay ?? month.firstDay - 1,
        startedDay,
        completedDay: completedDay <= world.endDay ? completedDay : null,
        selection,
        propensity,
        planId: selection === 'random' ? `RND-${month.year}` : rng.chance(0.6) ? `PLAN-${month.quarterKey}` : '',
        detects: rng.chance(DETECTION_PROBABILITY),
        falsePositive: rng.chance(FALSE_POSITIVE_RATE),
        sampleProb: Math.min(0.6, (field ? 60 : 25) / windowItems),
        plantedCharges: 0,
        examined: [],
      };
      const list = byParticipant.get(p.idx);
      if (list === undefined) byParticipant.set(p.idx, [inspection]);
      else list.push(inspection);
    }
  }
  return byParticipant;
}

/** Lets completed inspections whose window holds the item examine it. */
export function examineItem(inspections: readonly Inspection[] | undefined, item: ItemRecord, rng: Rng): void {
  if (inspections === undefined) return;
  for (const inspection of inspections) {
    if (inspection.completedDay === null || item.releaseDay < inspection.fromDay || item.releaseDay > inspection.toDay) continue;
    if (item.planted !== null) inspection.plantedCharges += item.charge;
    const found = item.planted !== null && inspection.detects;
    if (!found && !rng.chance(inspection.sampleProb)) continue;
    inspection.examined.push({
      declId: item.declId,
      itemNo: item.itemNo,
      violation: found ? 1 : 0,
      charges: found ? item.charge : 0,
      falseCharge: round2((item.duty + item.vat) * 0.15),
    });
  }
}

/** Adds a tax-side planted charge (dated `day`) to the windows that contain it. */
export function notePlantedTaxCharge(inspections: readonly Inspection[] | undefined, day: number, amount: number): void {
  if (inspections === undefined) return;
  for (const inspection of inspections) {
    if (inspection.completedDay !== null && day >= inspection.fromDay && day <= inspection.toDay) inspection.plantedCharges += amount;
  }
}

/** The violation category inspectors report for a found scheme (the outcomes contract's `violation_category`). */
const VIOLATION_CATEGORY: Record<SchemeKind, string> = {
  undervaluation: 'valuation',
  misclassification: 'classification',
  origin_manipulation: 'origin',
  vat_deduction_inflation: 'vat_deductions',
  // Every item undervalued (and the import VAT deducted without the sales): valuation first.
  shell_importer: 'valuation',
};

/** The outcomes line and item_outcomes lines of a finished plan, findings decided. */
export function inspectionLines(inspection: Inspection, rng: Rng): { outcome: string; items: string[] } {
  const done = inspection.completedDay !== null;
  let violation = '';
  let charges = '';
  let category = '';
  if (done) {
    const found = inspection.plantedCharges > 0 && inspection.detects;
    if (found) {
      violation = '1';
      charges = round2(inspection.plantedCharges * rng.between(0.9, 1.05)).toFixed(2);
      const p = inspection.p;
      category = p.scheme !== null ? VIOLATION_CATEGORY[p.scheme.kind] : p.traceScheme === 'resale_markup_undervaluation' ? 'valuation' : 'other';
    } else if (inspection.falsePositive) {
      violation = '1';
      category = 'other';
      let total = 0;
      for (const item of inspection.examined.slice(0, 2)) {
        item.violation = 1;
        item.charges = item.falseCharge;
        total += item.falseCharge;
      }
      charges = round2(total > 0 ? total : 20_000 * rng.logNormal(0, 1)).toFixed(2);
    } else {
      violation = '0';
      charges = '0.00';
    }
  }
  const outcome = [
    inspection.id,
    inspection.p.inn,
    inspection.checkType,
    isoFromDay(inspection.fromDay),
    isoFromDay(inspection.toDay),
    isoFromDay(inspection.startedDay),
    inspection.completedDay === null ? '' : isoFromDay(inspection.completedDay),
    violation,
    charges,
    inspection.selection,
    String(inspection.propensity),
    inspection.planId,
    category,
    // Charges by type are not told apart by the generator: left empty (not reported).
    '',
    '',
    '',
    '',
    // correction_no: every result is reported once.
    '',
  ].join(',');
  const items = done
    ? inspection.examined.map((e) => [inspection.id, e.declId, String(e.itemNo), String(e.violation), e.charges.toFixed(2)].join(','))
    : [];
  return { outcome, items };
}
