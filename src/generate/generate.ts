/**
 * `generateExtracts`: writes the five extracts, truth.csv and dirty.csv for a
 * synthetic world with planted fraud schemes, decoys and bad rows
 * (docs/generator.md). Rows stream to disk month by month.
 */
import { mkdir } from 'node:fs/promises';
import { EXTRACT_FILE_STEMS, EXTRACTS, type ExtractId } from '../contract/extracts.js';
import type { Logger } from '../util/logger.js';
import { startProgress } from '../util/progress.js';
import { isoFromDay, parseYearMonth, type MonthRef } from './calendar.js';
import { CsvWriter } from '../io/csv-stream-writer.js';
import { DeclIdAllocator, declarationLine, generateMonthItems, maybeCorrection, type Correction } from './declarations.js';
import { DirtyPlanter, type DirtyEntry, type FreshKey } from './dirty.js';
import { examineItem, inspectionLines, notePlantedTaxCharge, planInspections } from './outcomes.js';
import { buildParticipants, DECOY_KINDS, SCHEME_KINDS, snapshotFields, TRACE_SCHEME_KINDS, type DecoyKind, type SchemeKind, type TraceSchemeKind } from './participants.js';
import { ReferralBook } from './tax-answers.js';
import { taxSignalLines } from './tax-signals.js';
import { Rng } from './random.js';
import { planDecoys, planSchemes } from './schemes.js';
import { TaxBook, taxReturnLine } from './tax-returns.js';
import { EAEU_ORIGIN_DECOY, EAEU_ORIGIN_SCHEME, EAEU_SCHEME, EaeuBook } from './eaeu-imports.js';
import { EXPORT_DECOY_KINDS, EXPORT_SCHEME_KINDS, ExportBook, type ExportDecoyKind, type ExportSchemeKind } from './exports.js';
import { TraceBook, TRACE_DECOY_KINDS, type TraceDecoyKind } from './traceability.js';
import { TRUTH_COLUMNS, TruthLog } from './truth.js';
import { buildWorld } from './world.js';

/** What to generate. */
export interface GenerateOptions {
  participants: number;
  months: number;
  /** Last month, YYYY-MM. */
  end: string;
  seed: number;
  outDir: string;
  /** Write `<name>.csv.gz` instead of `.csv`. */
  gzip: boolean;
  /** One declarations, tax_returns and participants file per month. */
  monthly: boolean;
  /** Mean items per participant and month. */
  itemsPerMonth: number;
  /** Share of good rows followed by a planted bad row (default 0.02). */
  dirtyRate?: number;
  /** Share of the active importers inspected in a year (default 0.03; a tenth of them at random). */
  inspectionRate?: number;
  /** Code prefixes of the goods subject to traceability (profiles/traceable-goods.yaml). */
  traceablePrefixes: readonly string[];
}

/** Rows written to one file. */
export interface FileSummary {
  file: string;
  rows: number;
  dirtyRows: number;
}

/** What was written. */
export interface GenerateSummary {
  outDir: string;
  files: FileSummary[];
  items: number;
  dirtyRows: number;
  truthRows: number;
  inspections: number;
  /** Participants with each planted scheme. */
  schemes: Record<SchemeKind | TraceSchemeKind | typeof EAEU_SCHEME | typeof EAEU_ORIGIN_SCHEME | ExportSchemeKind, number>;
  /** Participants with each decoy. */
  decoys: Record<DecoyKind | TraceDecoyKind | ExportDecoyKind | typeof EAEU_ORIGIN_DECOY, number>;
}

function header(extract: ExtractId): string[] {
  return EXTRACTS[extract].columns.map((c) => c.name);
}

function dayFromIso(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

/** Generates every file into `options.outDir`. */
export async function generateExtracts(options: GenerateOptions, logger: Logger): Promise<GenerateSummary> {
  const end = parseYearMonth(options.end);
  if (end === null) throw new Error(`end must be YYYY-MM, got "${options.end}"`);
  if (!(options.participants >= 1) || !(options.months >= 1) || !(options.itemsPerMonth > 0)) {
    throw new Error(`participants (${options.participants}), months (${options.months}) and itemsPerMonth (${options.itemsPerMonth}) must be positive`);
  }
  const { seed, gzip, monthly, itemsPerMonth, outDir } = options;
  const dirtyRate = options.dirtyRate ?? 0.02;
  await mkdir(outDir, { recursive: true });

  const world = buildWorld(seed, end, options.months);
  const participants = buildParticipants(world, options.participants, itemsPerMonth, seed);
  planSchemes(world, participants, itemsPerMonth, seed);
  planDecoys(world, participants, itemsPerMonth, seed);
  const traceBook = new TraceBook(world, participants, options.traceablePrefixes, itemsPerMonth, seed);
  const inspections = planInspections(world, participants, itemsPerMonth, seed, options.inspectionRate);
  const tax = new TaxBook(world, participants, seed);
  const referralBook = new ReferralBook(world, participants);
  const byInn = new Map(participants.map((p) => [p.inn, p] as const));
  const quarterEnds = new Map(world.months.filter((m) => m.month % 3 === 0).map((m) => [m.quarterKey, m.index] as const));
  const quarterMonths = new Map<string, MonthRef[]>();
  for (const m of world.months) quarterMonths.set(m.quarterKey, [...(quarterMonths.get(m.quarterKey) ?? []), m]);
  // The applications behind the returns' EAEU deductions (src/generate/eaeu-imports.ts), from a stream of their own.
  const traceDecoys = new Set(traceBook.planted(participants).decoys.map((d) => d.p.idx));
  const eaeuBook = new EaeuBook(world, participants, seed, traceDecoys);
  // Export declarations and the returns' zero-rate figures (src/generate/exports.ts), planned up front from streams of their own.
  const exportBook = new ExportBook(world, participants, seed, new Set([...traceDecoys, ...eaeuBook.plantedIdx()]));
  // Third-country goods declared as EAEU goods, and genuinely cheaper EAEU goods, planned last so that nothing above changes.
  eaeuBook.planOrigins(participants, new Set([...traceDecoys, ...exportBook.plantedIdx()]));
  const truth = new TruthLog();
  for (const p of participants) {
    if (p.decoy === null) continue;
    const month = world.months[p.decoyMonth];
    const registered = world.months.find((m) => m.lastDay >= p.registrationDay);
    const period = month !== undefined && registered !== undefined && registered.index > month.index ? registered.key : (month?.key ?? '');
    truth.addDecoy(p, p.decoy, period);
  }
  const tracePlanted = traceBook.planted(participants);
  for (const d of tracePlanted.decoys) truth.addDecoy(d.p, d.kind, d.period);
  for (const d of exportBook.decoys()) truth.addDecoy(d.p, d.kind, d.period);
  for (const c of exportBook.plantedCharges()) truth.addCharge(c.p, c.kind, c.month.key, c.amount);
  for (const d of eaeuBook.originDecoys(participants)) truth.addDecoy(d.p, EAEU_ORIGIN_DECOY, d.period);

  const itemRng = new Rng(seed, 5);
  const snapshotRng = new Rng(seed, 10);
  const outcomeRng = new Rng(seed, 9);
  const ids = new DeclIdAllocator();
  const stats = new Map<string, FileSummary>();
  const statOf = (file: string): FileSummary => {
    let s = stats.get(file);
    if (s === undefined) {
      s = { file, rows: 0, dirtyRows: 0 };
      stats.set(file, s);
    }
    return s;
  };
  const dirtyWriter = new CsvWriter(outDir, 'dirty', false, ['file', 'line', 'rule']);
  let dirtyRows = 0;
  const onPlanted = (entry: DirtyEntry): void => {
    dirtyWriter.writeLine(`${entry.file},${entry.line},${entry.rule}`);
    statOf(entry.file).dirtyRows++;
    dirtyRows++;
  };
  const freshKeys: Record<ExtractId, FreshKey> = {
    declarations: (f) => {
      f[0] = ids.allocate(f[8] ?? '', dayFromIso(f[4] ?? ''));
    },
    tax_returns: (f, serial) => {
      f[2] = String(100 + (serial % 800));
    },
    participants: (f) => {
      f[1] = `${(f[1] ?? '').slice(0, 8)}15`;
    },
    outcomes: (f, serial) => {
      f[0] = `${f[0] ?? ''}-D${serial}`;
    },
    item_outcomes: (f, serial) => {
      f[2] = String(10_000 + (serial % 89_000));
    },
    tax_signals: (f, serial) => {
      f[0] = `${f[0] ?? ''}-D${serial}`;
    },
    tax_answers: (f, serial) => {
      f[0] = `${f[0] ?? ''}-D${serial}`;
    },
    traceability: (f, serial) => {
      f[2] = `${f[2] ?? ''}-D${serial}`;
    },
    eaeu_imports: (f, serial) => {
      f[0] = `${f[0] ?? ''}-D${serial}`;
    },
  };
  const planters = {} as Record<ExtractId, DirtyPlanter>;
  (Object.keys(freshKeys) as ExtractId[]).forEach((extract, i) => {
    planters[extract] = new DirtyPlanter(extract, dirtyRate, new Rng(seed, 20 + i), freshKeys[extract], onPlanted);
  });

  const open = (extract: ExtractId, month: Pick<MonthRef, 'key'> | null): CsvWriter => {
    const stem = month === null ? EXTRACT_FILE_STEMS[extract] : `${EXTRACT_FILE_STEMS[extract]}-${month.key}`;
    const writer = new CsvWriter(outDir, stem, gzip, header(extract));
    statOf(writer.fileName);
    return writer;
  };
  const finish = async (writer: CsvWriter): Promise<void> => {
    await writer.close();
    statOf(writer.fileName).rows = writer.records;
  };

  let declWriter: CsvWriter | null = monthly ? null : open('declarations', null);
  let taxWriter: CsvWriter | null = monthly ? null : open('tax_returns', null);
  let partWriter: CsvWriter | null = monthly ? null : open('participants', null);
  const headcount = Float64Array.from(participants, (p) => p.headcount);
  const corrections = new Map<string, Correction[]>();
  let totalItems = 0;

  const progress = startProgress(logger, 'generate', world.months.length, 'months');
  for (const month of world.months) {
    const decl = declWriter ?? open('declarations', month);
    const taxes = taxWriter ?? open('tax_returns', month);
    const part = partWriter ?? open('participants', month);

    for (const p of participants) {
      if (p.registrationDay > month.lastDay) continue;
      const isShell = p.scheme?.kind === 'shell_importer';
      headcount[p.idx] = isShell ? p.headcount : Math.max(0, (headcount[p.idx] ?? 0) * Math.exp(0.04 * snapshotRng.normal()));
      const fields = snapshotFields(p, month, Math.round(headcount[p.idx] ?? 0), month.lastDay);
      part.writeFields(fields);
      planters.participants.afterGood(part, fields);
      await part.flushIfFull();
    }

    for (const row of tax.takeFiled(month)) {
      const filer = byInn.get(row.inn);
      const quarterEnd = quarterEnds.get(row.taxPeriod);
      if (filer !== undefined && quarterEnd !== undefined) {
        referralBook.addReturn(filer, quarterEnd, {
          filedDay: row.filedDay,
          deductedImport: row.vatDeductionsImport,
          deductions: row.vatDeductions,
          accrued: row.vatAccrued,
        });
      }
      if (filer !== undefined && row.correctionNo === 0) {
        const unpaid = eaeuBook.addQuarter(filer, quarterMonths.get(row.taxPeriod) ?? [], row.vatDeductionsEaeu, row.filedDay);
        if (unpaid !== null) truth.addCharge(unpaid.p, EAEU_SCHEME, unpaid.month.key, unpaid.amount);
      }
      const line = taxReturnLine(row, exportBook.returnFigures(row.inn, row.taxPeriod));
      taxes.writeLine(line);
      planters.tax_returns.afterGood(taxes, line.split(','));
    }
    await taxes.flushIfFull();

    let monthItems = 0;
    for (const p of participants) {
      const items = generateMonthItems(world, p, month, itemRng, ids);
      if (items.length === 0) continue;
      const own = inspections.get(p.idx);
      for (const item of items) {
        const line = declarationLine(world, item, null);
        decl.writeLine(line);
        planters.declarations.afterGood(decl, line.split(','));
        const traced = traceBook.addItem(item, month);
        tax.addImport(p, item.trueLanded + traced.extraLanded, item.vat);
        referralBook.addBorderVat(p, month, item.vat);
        examineItem(own, item, outcomeRng);
        truth.addItem(item, month.key);
        if (traced.planted !== null) {
          truth.addTraceItem(item, traced.planted.kind, month.key, traced.planted.charge);
          notePlantedTaxCharge(own, traced.planted.day, traced.planted.charge);
        }
        const correction = maybeCorrection(world, item, itemRng);
        if (correction !== null) {
          const key = isoFromDay(correction.versionDay).slice(0, 7);
          const list = corrections.get(key);
          if (list === undefined) corrections.set(key, [correction]);
          else list.push(correction);
        }
      }
      monthItems += items.length;
      await decl.flushIfFull();
    }
    for (const correction of corrections.get(month.key) ?? []) {
      const line = declarationLine(world, correction.item, correction);
      decl.writeLine(line);
      planters.declarations.afterGood(decl, line.split(','));
      tax.addVat(correction.item.importer, correction.vat - correction.item.vat);
      referralBook.addBorderVat(correction.item.importer, month, correction.vat - correction.item.vat);
      monthItems++;
    }
    corrections.delete(month.key);
    // Export declarations (procedure 10) released in the month; no bad rows are planted among them, so every other row stays as it was.
    for (const fields of exportBook.declarationLines(month)) {
      decl.writeFields(fields);
      monthItems++;
    }
    await decl.flushIfFull();
    totalItems += monthItems;

    if (month.month % 3 === 0) {
      for (const charge of tax.closeQuarter(month, month.index >= 2)) {
        truth.addCharge(charge.p, charge.kind, charge.month.key, charge.amount);
        notePlantedTaxCharge(inspections.get(charge.p.idx), charge.month.lastDay, charge.amount);
        referralBook.addCharge(charge);
      }
    }
    if (monthly) {
      await Promise.all([finish(decl), finish(taxes), finish(part)]);
    }
    await dirtyWriter.flushIfFull();
    progress.tick(1, `${month.key}: ${monthItems} declaration rows`);
  }
  progress.done();
  for (const writer of [declWriter, taxWriter, partWriter]) if (writer !== null) await finish(writer);
  declWriter = taxWriter = partWriter = null;

  const outcomes = open('outcomes', null);
  const itemOutcomes = open('item_outcomes', null);
  const all = [...inspections.values()].flat().sort((a, b) => a.startedDay - b.startedDay || a.id.localeCompare(b.id));
  for (const inspection of all) {
    const { outcome, items } = inspectionLines(inspection, outcomeRng);
    outcomes.writeLine(outcome);
    planters.outcomes.afterGood(outcomes, outcome.split(','));
    for (const line of items) {
      itemOutcomes.writeLine(line);
      planters.item_outcomes.afterGood(itemOutcomes, line.split(','));
    }
    await itemOutcomes.flushIfFull();
  }
  await finish(outcomes);
  await finish(itemOutcomes);

  // Lines kept by month (`YYYY-MM` keys): with --monthly, one file for each of `months` (a header alone when it has
  // none); otherwise one file of every month's lines in month order.
  const writeByMonth = async (extract: ExtractId, byMonth: ReadonlyMap<string, readonly string[][]>, months: readonly string[]): Promise<void> => {
    for (const month of monthly ? months : [null]) {
      const writer = open(extract, month === null ? null : { key: month });
      for (const key of month === null ? [...byMonth.keys()].sort() : [month]) {
        for (const fields of byMonth.get(key) ?? []) {
          writer.writeFields(fields);
          planters[extract].afterGood(writer, fields);
        }
        await writer.flushIfFull();
      }
      await finish(writer);
    }
  };
  const spanMonths = world.months.map((m) => m.key);

  // Movements of traceable goods (src/generate/traceability.ts), by the month they were made.
  await writeByMonth('traceability', traceBook.linesByMonth(), spanMonths);

  // Applications on the import of goods from EAEU members, by filing month; with --monthly, the months after the
  // span that applications were filed in (its last months' arrivals) get files too.
  const applications = eaeuBook.linesByMonth();
  await writeByMonth('eaeu_imports', applications, [...new Set([...spanMonths, ...applications.keys()])].sort());

  // The tax authority's signals, from a random stream of their own (src/generate/tax-signals.ts).
  const signals = open('tax_signals', null);
  for (const line of taxSignalLines(participants, world.months, new Rng(seed, 30))) {
    signals.writeLine(line);
    planters.tax_signals.afterGood(signals, line.split(','));
  }
  await finish(signals);

  // The tax authority's answers to the older rules' referrals (src/generate/tax-answers.ts), from a stream of their own.
  const answers = open('tax_answers', null);
  for (const line of referralBook.answerLines(new Rng(seed, 31))) {
    answers.writeLine(line);
    planters.tax_answers.afterGood(answers, line.split(','));
  }
  await finish(answers);

  // The false-origin charges accrued as the applications were written.
  for (const c of eaeuBook.plantedOriginCharges()) truth.addCharge(c.p, EAEU_ORIGIN_SCHEME, c.month.key, c.amount);
  const truthWriter = new CsvWriter(outDir, 'truth', false, TRUTH_COLUMNS);
  for (const fields of truth.lines()) {
    truthWriter.writeFields(fields);
    await truthWriter.flushIfFull();
  }
  await truthWriter.close();
  await dirtyWriter.close();

  const schemes = Object.fromEntries([...SCHEME_KINDS, ...TRACE_SCHEME_KINDS, EAEU_SCHEME, EAEU_ORIGIN_SCHEME, ...EXPORT_SCHEME_KINDS].map((k) => [k, 0])) as GenerateSummary['schemes'];
  const decoys = Object.fromEntries([...DECOY_KINDS, ...TRACE_DECOY_KINDS, ...EXPORT_DECOY_KINDS, EAEU_ORIGIN_DECOY].map((k) => [k, 0])) as GenerateSummary['decoys'];
  for (const p of participants) {
    if (p.scheme !== null) schemes[p.scheme.kind]++;
    if (p.decoy !== null) decoys[p.decoy]++;
  }
  Object.assign(schemes, tracePlanted.schemes);
  schemes[EAEU_SCHEME] = eaeuBook.schemeCount;
  schemes[EAEU_ORIGIN_SCHEME] = eaeuBook.originSchemeCount;
  decoys[EAEU_ORIGIN_DECOY] = eaeuBook.originDecoys(participants).length;
  for (const d of tracePlanted.decoys) decoys[d.kind]++;
  Object.assign(schemes, exportBook.schemeCounts());
  for (const d of exportBook.decoys()) decoys[d.kind]++;
  return {
    outDir,
    files: [...stats.values()],
    items: totalItems,
    dirtyRows,
    truthRows: truth.size,
    inspections: all.length,
    schemes,
    decoys,
  };
}
