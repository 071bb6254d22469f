/**
 * Declaration items of one participant-month: honest values drawn around
 * the catalogue's price levels, planted customs schemes applied on top.
 */
import { ddmmyyFromDay, isoFromDay, type MonthRef } from './calendar.js';
import { pickCumulative, type Rng } from './random.js';
import type { Participant, SchemeKind } from './participants.js';
import { dutyRateOf, type World } from './world.js';

/** One generated goods item (version 1) with what was really owed. */
export interface ItemRecord {
  readonly declId: string;
  readonly itemNo: number;
  readonly releaseDay: number;
  readonly procedure: string;
  readonly importer: Participant;
  readonly office: string;
  /** Declared code and origin (catalogue / country indices). */
  readonly hs: number;
  readonly origin: number;
  readonly dispatch: string;
  readonly preference: string;
  readonly value: number;
  readonly weight: number;
  readonly qty: number | null;
  readonly duty: number;
  readonly vat: number;
  readonly excise: number;
  readonly method: number;
  /** Scheme that changed this item, or null for honest items. */
  readonly planted: SchemeKind | null;
  /** True minus declared payments (duty + VAT + excise), RUB; 0 for honest items. */
  readonly charge: number;
  /** True customs value + duty + excise (the cost the importer really bears), RUB. */
  readonly trueLanded: number;
}

/** Hands out declaration numbers `office/ddmmyy/nnnnnnn`, unique per office and day. */
export class DeclIdAllocator {
  private readonly next = new Map<string, number>();

  /** `firstSerial`: the first number of every office and day, for ids kept apart from the imports' (below 7 000 000 + their count); by default spread per office and day. */
  constructor(private readonly firstSerial?: number) {}

  allocate(office: string, day: number): string {
    const key = `${office}/${ddmmyyFromDay(day)}`;
    let serial = this.next.get(key);
    if (serial === undefined) serial = this.firstSerial ?? 1_000_000 + ((Number(office.slice(3)) * 7919 + day * 104_729) % 6_000_000);
    this.next.set(key, serial + 1);
    return `${key}/${String(serial % 10_000_000).padStart(7, '0')}`;
  }
}

/** Rounds to kopecks. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

interface Payments {
  duty: number;
  vat: number;
  excise: number;
}

/** Duty, VAT and excise owed on an item under procedure 40 (other procedures pay none). */
function paymentsOf(world: World, hs: number, origin: number, value: number, weight: number, procedure: string): Payments {
  if (procedure !== '40') return { duty: 0, vat: 0, excise: 0 };
  const code = world.hs[hs];
  if (code === undefined) return { duty: 0, vat: 0, excise: 0 };
  const duty = round2(value * dutyRateOf(world, hs, origin, true));
  const excise = round2(weight * code.excisePerKgRub);
  const vat = round2(code.vatRate * (value + duty + excise));
  return { duty, vat, excise };
}

function schemeActive(p: Participant, monthIndex: number): SchemeKind | null {
  const s = p.scheme;
  if (s === null || monthIndex < s.fromMonth || monthIndex > s.toMonth) return null;
  return s.kind === 'vat_deduction_inflation' ? null : s.kind;
}

/** Generates the items a participant releases in a month (none when inactive). */
export function generateMonthItems(world: World, p: Participant, month: MonthRef, rng: Rng, ids: DeclIdAllocator): ItemRecord[] {
  const s = p.scheme;
  if (s !== null && s.kind === 'shell_importer' && (month.index < s.fromMonth || month.index > s.toMonth)) return [];
  const lo = Math.max(month.firstDay, p.registrationDay);
  const hi = Math.min(month.lastDay, p.liquidationStartDay - 1);
  if (lo > hi) return [];
  if (!rng.chance(p.importProb)) return [];
  const spike = month.index >= p.spikeFrom && month.index <= p.spikeTo ? 4 : 1;
  const mean = (p.lambda * (world.activity[month.index] ?? 1) * spike * ((hi - lo + 1) / month.days)) / p.importProb;
  let remaining = rng.poisson(mean);
  const items: ItemRecord[] = [];
  const scheme = schemeActive(p, month.index);
  const fx = world.fx[month.index] ?? 88;
  while (remaining > 0) {
    const count = Math.min(remaining, 1 + Math.min(98, rng.geometric(0.4)));
    remaining -= count;
    const day = lo + rng.int(hi - lo + 1);
    const office = rng.pick(p.offices);
    const r = rng.next();
    const procedure = r < 0.95 ? '40' : r < 0.98 ? '51' : '31';
    const declId = ids.allocate(office, day);
    for (let itemNo = 1; itemNo <= count; itemNo++) {
      items.push(makeItem(world, p, rng, scheme, fx, declId, itemNo, day, procedure, office));
    }
  }
  return items;
}

function makeItem(
  world: World,
  p: Participant,
  rng: Rng,
  scheme: SchemeKind | null,
  fx: number,
  declId: string,
  itemNo: number,
  day: number,
  procedure: string,
  office: string,
): ItemRecord {
  const trueHs = p.hsPool[pickCumulative(rng, p.hsCum)] ?? 0;
  const code = world.hs[trueHs];
  if (code === undefined) throw new Error(`no catalogue code ${trueHs}`);
  const trueOrigin = p.originPool[pickCumulative(rng, p.originCum)] ?? 0;
  const weight = Math.max(0.1, Math.round(code.typicalWeightKg * p.weightFactor * rng.logNormal(-1.0, 0.9) * 1000) / 1000);
  const price = code.priceUsdPerKg * p.priceFactor * rng.logNormal(0, 0.45);
  const trueValue = Math.max(1, round2(weight * price * fx));
  const method = rng.chance(p.methodShare) ? rng.intBetween(2, 6) : 1;
  const trueOriginCode = world.countries[trueOrigin]?.code ?? 'CN';
  let dispatch = trueOriginCode;
  if (rng.chance(0.1)) {
    const via = rng.pick(world.transit);
    if (via !== trueOriginCode) dispatch = via;
  }
  const truePay = paymentsOf(world, trueHs, trueOrigin, trueValue, weight, procedure);

  let hs = trueHs;
  let origin = trueOrigin;
  let value = trueValue;
  let planted: SchemeKind | null = null;
  if (scheme !== null && procedure === '40' && rng.chance(p.scheme?.share ?? 0)) {
    switch (scheme) {
      case 'undervaluation':
      case 'shell_importer': {
        const factor = Math.min(0.97, Math.max(0.15, (p.scheme?.depth ?? 0.8) * rng.logNormal(0, 0.08)));
        value = Math.max(1, round2(trueValue * factor));
        break;
      }
      case 'misclassification': {
        const alternatives = world.lowerDutyAlternatives[trueHs] ?? [];
        if (alternatives.length > 0) hs = alternatives[(p.idx + trueHs) % alternatives.length] ?? trueHs;
        break;
      }
      case 'origin_manipulation':
        if (p.declaredOrigin >= 0 && p.declaredOrigin !== trueOrigin) {
          origin = p.declaredOrigin;
          dispatch = rng.chance(0.75) ? trueOriginCode : rng.pick(world.transit);
        }
        break;
      default:
        break;
    }
    planted = scheme;
  }
  const pay = planted === null ? truePay : paymentsOf(world, hs, origin, value, weight, procedure);
  const charge = round2(truePay.duty + truePay.vat + truePay.excise - (pay.duty + pay.vat + pay.excise));
  if (planted !== null && charge <= 0) {
    // The scheme had nothing to gain on this item: it stays honest.
    hs = trueHs;
    origin = trueOrigin;
    value = trueValue;
    planted = null;
    if (dispatch !== trueOriginCode && !world.transit.includes(dispatch)) dispatch = trueOriginCode;
  }
  const final = planted === null ? truePay : pay;
  const declared = world.hs[hs] ?? code;
  const country = world.countries[origin];
  const preference = procedure === '40' && country?.preference != null && declared.dutyRate > 0 ? country.preference : '';
  const qty = declared.unit === null ? null : Math.max(1, Math.round(weight * code.unitsPerKg * rng.logNormal(0, 0.1)));
  return {
    declId,
    itemNo,
    releaseDay: day,
    procedure,
    importer: p,
    office,
    hs,
    origin,
    dispatch,
    preference,
    value,
    weight,
    qty,
    duty: final.duty,
    vat: final.vat,
    excise: final.excise,
    method,
    planted,
    charge: planted === null ? 0 : charge,
    trueLanded: trueValue + truePay.duty + truePay.excise,
  };
}

/** A later correction of an item: new value, payments recomputed. */
export interface Correction {
  readonly item: ItemRecord;
  readonly versionDay: number;
  readonly value: number;
  readonly duty: number;
  readonly vat: number;
  readonly excise: number;
}

/** Draws a version-2 correction for a few percent of honest items; null for most. */
export function maybeCorrection(world: World, item: ItemRecord, rng: Rng): Correction | null {
  if (item.planted !== null || !rng.chance(0.03)) return null;
  const versionDay = item.releaseDay + rng.intBetween(3, 120);
  if (versionDay > world.endDay) return null;
  const factor = rng.chance(0.7) ? 1 + rng.between(0.02, 0.15) : 1 - rng.between(0.02, 0.08);
  const value = round2(item.value * factor);
  const pay = paymentsOf(world, item.hs, item.origin, value, item.weight, item.procedure);
  return { item, versionDay, value, ...pay };
}

function money(x: number): string {
  return x.toFixed(2);
}

/** One declarations CSV line (no field needs quoting). */
export function declarationLine(world: World, item: ItemRecord, correction: Correction | null): string {
  const c = correction;
  const releaseIso = isoFromDay(item.releaseDay);
  const code = world.hs[item.hs];
  return [
    item.declId,
    item.itemNo,
    c === null ? '1' : '2',
    c === null ? releaseIso : isoFromDay(c.versionDay),
    releaseIso,
    item.procedure,
    item.importer.inn,
    item.importer.broker ?? '',
    item.office,
    code?.code ?? '',
    world.countries[item.origin]?.code ?? '',
    item.dispatch,
    item.preference,
    money(c === null ? item.value : c.value),
    String(item.weight),
    item.qty === null ? '' : String(item.qty),
    item.qty === null ? '' : (code?.unit ?? ''),
    money(c === null ? item.duty : c.duty),
    money(c === null ? item.vat : c.vat),
    item.excise > 0 ? money(c === null ? item.excise : c.excise) : '',
    String(item.method),
  ].join(',');
}
