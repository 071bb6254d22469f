/**
 * Foreign-trade participants: identity, size, trade profile and tax
 * behaviour, and their monthly register snapshots.
 */
import { innFromBody } from '../validation/inn.js';
import { dayFromYmd, isoFromDay, type MonthRef } from './calendar.js';
import { cumulative, Rng } from './random.js';
import { chapterWeights, type World } from './world.js';

/** The planted fraud schemes. */
export type SchemeKind = 'undervaluation' | 'misclassification' | 'vat_deduction_inflation' | 'shell_importer' | 'origin_manipulation';

export const SCHEME_KINDS: readonly SchemeKind[] = ['undervaluation', 'misclassification', 'vat_deduction_inflation', 'shell_importer', 'origin_manipulation'];

/** The planted traceability schemes (src/generate/traceability.ts): seen only in the movements of traceable goods. */
export type TraceSchemeKind = 'resale_markup_undervaluation' | 'sales_beyond_imports';

export const TRACE_SCHEME_KINDS: readonly TraceSchemeKind[] = ['resale_markup_undervaluation', 'sales_beyond_imports'];

/** Honest behaviours that look suspicious to a naive rule. */
export type DecoyKind = 'deduction_lag' | 'inventory_buildup' | 'special_regime' | 'non_transaction_valuation' | 'price_dispersion';

export const DECOY_KINDS: readonly DecoyKind[] = ['deduction_lag', 'inventory_buildup', 'special_regime', 'non_transaction_valuation', 'price_dispersion'];

/** One planted scheme of one participant over a span of months. */
export interface SchemeEpisode {
  readonly kind: SchemeKind;
  /** First and last month index (inclusive). */
  readonly fromMonth: number;
  readonly toMonth: number;
  /** Probability that an item of a month in the span is affected. */
  readonly share: number;
  /** Undervaluation: declared/true value factor centre; VAT: excess share of import VAT. */
  readonly depth: number;
}

export type TaxRegime = 'general' | 'usn' | 'patent' | 'eshn';

/** A participant and everything that drives its rows. */
export interface Participant {
  readonly idx: number;
  inn: string;
  name: string;
  region: string;
  activity: string;
  regime: TaxRegime;
  registrationDay: number;
  /** First day in liquidation (no imports from then on); Infinity when never. */
  liquidationStartDay: number;
  /** Day of liquidation; Infinity when not liquidated within the span. */
  liquidationDay: number;
  /** Mean items per month (log-normal across participants). */
  lambda: number;
  /** Probability of importing at all in a month. */
  importProb: number;
  hsPool: number[];
  hsCum: Float64Array;
  originPool: number[];
  originCum: Float64Array;
  offices: string[];
  broker: string | null;
  /** Firm-level honest price factor (1 = market). */
  priceFactor: number;
  /** Firm-level shipment size factor. */
  weightFactor: number;
  /** Share of items valued by methods 2-6. */
  methodShare: number;
  margin: number;
  /** Share of inventory sold per quarter. */
  sellRate: number;
  /** Domestic (non-import) revenue per quarter, RUB. */
  domesticQ: number;
  exportShare: number;
  /** EAEU purchases VAT per quarter, RUB (0 for most). */
  eaeuVatQ: number;
  /** Shares of a quarter's import VAT deducted in the same, next and second next quarter. */
  lag: [number, number, number];
  headcount: number;
  aeo: boolean;
  /** Month index from which the register marks the record unreliable; Infinity when never. */
  unreliableFrom: number;
  massAddress: boolean;
  scheme: SchemeEpisode | null;
  /** A traceability scheme (src/generate/traceability.ts), planted apart from `scheme`. */
  traceScheme: TraceSchemeKind | null;
  decoy: DecoyKind | null;
  /** Month index the decoy behaviour starts (its truth period). */
  decoyMonth: number;
  /** Inventory build-up decoy: the months of the import spike. */
  spikeFrom: number;
  spikeTo: number;
  /** Origin manipulation: the country declared instead of the true one; -1 otherwise. */
  declaredOrigin: number;
  /** Shell importers: share of true revenue reported; whether returns are filed at all. */
  reportShare: number;
  filesReturns: boolean;
  /** Rough mean customs value of one item, RUB (initial inventory and VAT carry). */
  expectedItemValueRub: number;
}

const REGIONS = ['77', '78', '50', '23', '66', '54', '25', '39', '16', '63', '52', '61', '02', '47', '74', '24', '36', '59'];
const REGION_WEIGHTS = [30, 12, 10, 6, 4, 3, 5, 3, 3, 2, 2, 3, 2, 3, 2, 2, 1, 1];
const OKVED = ['46.90', '46.69', '46.73', '46.43', '46.45', '46.41', '46.46', '46.38', '46.49', '47.91', '45.31', '46.51', '46.72', '22.29', '25.99', '10.89', '46.18', '46.62'];
const ROOTS = [
  'Восток', 'Импорт', 'Торг', 'Снаб', 'Пром', 'Альфа', 'Вектор', 'Меридиан', 'Гранит', 'Северный', 'Логистик', 'Трейд', 'Опт',
  'Маркет', 'Техно', 'Строй', 'Агро', 'Фарм', 'Текстиль', 'Авто', 'Электро', 'Сибирь', 'Балтика', 'Орион', 'Каскад', 'Эталон',
  'Гарант', 'Партнёр', 'Стандарт', 'Профи', 'Инвест', 'Колос', 'Байкал', 'Волга', 'Урал', 'Дельта', 'Сигма', 'Лотос', 'Мега', 'Кристалл',
];
const SUFFIXES = ['', '', ' Групп', ' Трейд', ' Импорт', ' Логистик', ' Плюс', ' М', ' Восток', ' Снаб', ' Дистрибуция'];
const SURNAMES = ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков'];
const GIVEN = ['Александр', 'Сергей', 'Андрей', 'Дмитрий', 'Алексей', 'Игорь', 'Олег', 'Павел'];
const PATRONYMIC = ['Иванович', 'Сергеевич', 'Петрович', 'Андреевич', 'Николаевич', 'Викторович'];

/** A Russian-looking company name; a few carry commas or straight double quotes. */
export function companyName(rng: Rng): string {
  const root = rng.pick(ROOTS) + (rng.chance(0.3) ? rng.pick(ROOTS).toLowerCase() : '') + rng.pick(SUFFIXES);
  const form = rng.weighted([80, 14, 2, 4]);
  const prefix = ['ООО', 'АО', 'ПАО', 'ЗАО'][form] ?? 'ООО';
  const r = rng.next();
  if (r < 0.05) return `${prefix} "${root}"`;
  if (r < 0.07) return `${prefix} «${root}, ${rng.pick(ROOTS)} и партнёры»`;
  if (r < 0.1) return `${prefix} «ТД «${root}»»`;
  if (r < 0.12) return `${prefix} "Торговый дом ""${root}"""`;
  return `${prefix} «${root}»`;
}

function entrepreneurName(rng: Rng): string {
  return `ИП ${rng.pick(SURNAMES)} ${rng.pick(GIVEN)} ${rng.pick(PATRONYMIC)}`;
}

/** Builds `count` honest participants (schemes and decoys are planted later). */
export function buildParticipants(world: World, count: number, itemsPerMonth: number, seed: number): Participant[] {
  const rng = new Rng(seed, 2);
  const { chapters, weights } = chapterWeights();
  const countryWeights = world.countries.map((c) => c.weight);
  const start = world.startDay;
  const spanDays = world.endDay - world.startDay;
  const earliest = dayFromYmd(1995, 1, 1);
  const fx0 = world.fx[0] ?? 88;
  const inns = new Set<string>();
  const out: Participant[] = [];

  for (let idx = 0; idx < count; idx++) {
    const entrepreneur = rng.chance(0.03);
    const region = REGIONS[rng.weighted(REGION_WEIGHTS)] ?? '77';
    let inn = '';
    do {
      const body = entrepreneur
        ? region + String(rng.intBetween(1, 60)).padStart(2, '0') + String(rng.int(1_000_000)).padStart(6, '0')
        : region + String(rng.intBetween(1, 50)).padStart(2, '0') + String(rng.int(100_000)).padStart(5, '0');
      inn = innFromBody(body);
    } while (inns.has(inn));
    inns.add(inn);

    const name = entrepreneur ? entrepreneurName(rng) : companyName(rng);

    const lambda = itemsPerMonth * Math.exp(1.1 * rng.normal() - 0.605);
    const u = rng.next();
    const importProb = u < 0.6 ? rng.between(0.6, 1) : u < 0.85 ? rng.between(0.2, 0.6) : rng.between(0.03, 0.2);
    const chapterCount = 1 + rng.weighted([50, 35, 15]);
    const hsPool: number[] = [];
    for (let c = 0; c < chapterCount; c++) {
      const chapter = chapters[rng.weighted(weights)] ?? '84';
      const codes = world.hsByChapter.get(chapter) ?? [];
      const take = Math.min(codes.length, rng.intBetween(2, 6));
      for (let k = 0; k < take; k++) {
        const code = rng.pick(codes);
        if (!hsPool.includes(code)) hsPool.push(code);
      }
    }
    const hsCum = cumulative(hsPool.map((_, i) => 1 / (i + 1)));
    const originPool: number[] = [rng.weighted(countryWeights)];
    for (let k = 0; k < 2; k++) originPool.push(rng.weighted(countryWeights));
    const originCum = cumulative([0.7, 0.2, 0.1]);
    const officeCount = 1 + rng.weighted([55, 30, 15]);
    const offices: string[] = [];
    for (let k = 0; k < officeCount; k++) offices.push(rng.pick(world.offices));

    const registeredDuringSpan = rng.chance(0.08);
    const registrationDay = registeredDuringSpan ? start + rng.int(Math.max(1, spanDays - 60)) : earliest + rng.int(start - earliest - 30);
    const regimeRoll = rng.next();
    const regime: TaxRegime = regimeRoll < 0.86 ? 'general' : regimeRoll < 0.96 ? 'usn' : regimeRoll < 0.985 ? (entrepreneur ? 'patent' : 'usn') : 'eshn';

    let liquidationStartDay = Number.POSITIVE_INFINITY;
    let liquidationDay = Number.POSITIVE_INFINITY;
    if (rng.chance(0.03)) {
      liquidationStartDay = Math.max(registrationDay + 200, start + rng.int(spanDays));
      const done = liquidationStartDay + rng.intBetween(90, 240);
      if (done <= world.endDay) liquidationDay = done;
      if (liquidationStartDay > world.endDay) liquidationStartDay = Number.POSITIVE_INFINITY;
    }

    const priceFactor = rng.logNormal(0, 0.15);
    const weightFactor = Math.exp(0.25 * Math.log(Math.max(lambda, 0.05) / itemsPerMonth)) * rng.logNormal(0, 0.4);
    let meanValueUsd = 0;
    for (const h of hsPool) {
      const code = world.hs[h];
      if (code !== undefined) meanValueUsd += code.priceUsdPerKg * code.typicalWeightKg;
    }
    meanValueUsd = (meanValueUsd / Math.max(1, hsPool.length)) * priceFactor * weightFactor * Math.exp(-1.0 + 0.5 * 0.45 * 0.45 + 0.5 * 0.9 * 0.9);
    const expectedItemValueRub = meanValueUsd * fx0;
    const importQ = lambda * 3 * expectedItemValueRub;
    const lagRoll = rng.next();
    const lag: [number, number, number] = lagRoll < 0.75 ? [1, 0, 0] : lagRoll < 0.95 ? [0.8, 0.2, 0] : [0.6, 0.3, 0.1];

    out.push({
      idx,
      inn,
      name,
      region,
      activity: rng.pick(OKVED),
      regime,
      registrationDay,
      liquidationStartDay,
      liquidationDay,
      lambda,
      importProb,
      hsPool,
      hsCum,
      originPool,
      originCum,
      offices,
      broker: rng.chance(0.4) ? rng.pick(world.brokers) : null,
      priceFactor,
      weightFactor,
      methodShare: rng.chance(0.15) ? rng.between(0.05, 0.2) : 0.01,
      margin: rng.between(0.12, 0.5),
      sellRate: rng.between(0.6, 0.85),
      domesticQ: importQ * rng.logNormal(0, 0.8) * (rng.chance(0.3) ? 2 : 0.4) + 300_000 * rng.logNormal(0, 1),
      exportShare: rng.chance(0.1) ? rng.between(0.05, 0.4) : 0,
      eaeuVatQ: rng.chance(0.12) ? importQ * 0.2 * rng.between(0.02, 0.3) : 0,
      lag,
      headcount: Math.max(1, Math.round(rng.logNormal(Math.log(4 + lambda * 2), 0.8))),
      aeo: false,
      unreliableFrom: rng.chance(0.01) ? rng.int(world.months.length) : Number.POSITIVE_INFINITY,
      massAddress: rng.chance(0.005),
      scheme: null,
      traceScheme: null,
      decoy: null,
      decoyMonth: 0,
      spikeFrom: -1,
      spikeTo: -1,
      declaredOrigin: -1,
      reportShare: 1,
      filesReturns: regime === 'general',
      expectedItemValueRub,
    });
  }
  // One to three names carry a line break, as register extracts sometimes do.
  const lineBreakNames = Math.min(count, rng.intBetween(1, 3));
  for (let k = 0; k < lineBreakNames; k++) {
    const p = out[Math.floor(((k + 0.5) * count) / lineBreakNames)];
    if (p !== undefined) p.name = `${p.name}\nфилиал «Москва»`;
  }
  const bySize = [...out].filter((p) => p.registrationDay < start - 5 * 365).sort((a, b) => b.lambda - a.lambda || a.idx - b.idx);
  for (const p of bySize.slice(0, Math.max(1, Math.round(count * 0.01)))) p.aeo = true;
  return out;
}

/** Fields of the participant's register snapshot at a month end, in contract column order. */
export function snapshotFields(p: Participant, month: MonthRef, headcount: number, snapshotDay: number): string[] {
  const status = snapshotDay >= p.liquidationDay ? 'liquidated' : snapshotDay >= p.liquidationStartDay ? 'in_liquidation' : 'active';
  return [
    p.inn,
    isoFromDay(snapshotDay),
    p.name,
    isoFromDay(p.registrationDay),
    status,
    status === 'liquidated' ? isoFromDay(p.liquidationDay) : '',
    p.region,
    p.activity,
    String(headcount),
    p.regime,
    p.aeo ? '1' : '0',
    month.index >= p.unreliableFrom ? '1' : '0',
    p.massAddress ? '1' : '0',
  ];
}
