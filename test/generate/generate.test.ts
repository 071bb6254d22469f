import { GENERATE_DEFAULTS } from '../../src/config/defaults.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACTS } from '../../src/contract/extracts.js';
import { generateExtracts, type GenerateOptions, type GenerateSummary } from '../../src/generate/generate.js';
import { SCHEME_KINDS, DECOY_KINDS, TRACE_SCHEME_KINDS } from '../../src/generate/participants.js';
import { TRACE_DECOY_KINDS } from '../../src/generate/traceability.js';
import { EAEU_ORIGIN_DECOY, EAEU_ORIGIN_SCHEME, EAEU_SCHEME } from '../../src/generate/eaeu-imports.js';
import { EXPORT_DECOY_KINDS, EXPORT_SCHEME_KINDS } from '../../src/generate/exports.js';
import { isValidInn } from '../../src/validation/inn.js';
import { PLAN_CHECK_CODES, REJECT_CODE_LIST } from '../../src/validation/reject-codes.js';
import { memoryLogger } from '../../src/util/logger.js';
import { brokenRules, keyOf } from '../util/contract-check.js';
import { readOutput, type Output } from './output.js';
import { readCsvFile } from '../util/csv-records.js';
import { REPO_ROOT } from '../scenario/worlds.js';

const TODAY = '2026-06-30';
const root = mkdtempSync(join(tmpdir(), 'ccrg-generate-'));

function options(name: string, extra: Partial<GenerateOptions> = {}): GenerateOptions {
  return { participants: 250, months: 12, end: '2026-06', seed: 7, outDir: join(root, name), gzip: false, monthly: false, itemsPerMonth: 4, traceablePrefixes: GENERATE_DEFAULTS.traceablePrefixes, ...extra };
}

async function generate(name: string, extra: Partial<GenerateOptions> = {}): Promise<{ summary: GenerateSummary; output: Output; dir: string }> {
  const opts = options(name, extra);
  const summary = await generateExtracts(opts, memoryLogger());
  return { summary, output: readOutput(opts.outDir), dir: opts.outDir };
}

function filesOf(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
}

let plain: Awaited<ReturnType<typeof generate>>;
let monthly: Awaited<ReturnType<typeof generate>>;

beforeAll(async () => {
  // Enough importers and months for a few dozen inspections, so that every item_outcomes rule is planted.
  plain = await generate('plain', { dirtyRate: 0.08, participants: 600, months: 18 });
  monthly = await generate('monthly', { monthly: true, gzip: true, months: 4, participants: 150 });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('generateExtracts', () => {
  it('writes byte-identical files for the same options and seed, gzip included', async () => {
    const a = options('det-a', { gzip: true, participants: 80, months: 4 });
    const b = { ...a, outDir: join(root, 'det-b') };
    await generateExtracts(a, memoryLogger());
    await generateExtracts(b, memoryLogger());
    const fa = filesOf(a.outDir);
    const fb = filesOf(b.outDir);
    expect([...fa.keys()]).toEqual([...fb.keys()]);
    for (const [name, bytes] of fa) expect(bytes.equals(fb.get(name) as Buffer), name).toBe(true);
    const gz = fa.get('declarations.csv.gz') as Buffer;
    expect(gz.readUInt32LE(4)).toBe(0); // gzip MTIME
    expect(gz[3]).toBe(0); // no file name or other optional header fields
  });

  it('writes different data for a different seed', async () => {
    const a = options('seed-a', { participants: 60, months: 3 });
    const b = options('seed-b', { participants: 60, months: 3, seed: 8 });
    await generateExtracts(a, memoryLogger());
    await generateExtracts(b, memoryLogger());
    expect(readFileSync(join(a.outDir, 'declarations.csv')).equals(readFileSync(join(b.outDir, 'declarations.csv')))).toBe(false);
  });

  it('writes the contract header of every extract in column order', () => {
    for (const f of plain.output.files) expect(f.header, f.file).toEqual(EXTRACTS[f.extract].columns.map((c) => c.name));
  });

  it('breaks exactly the one logged rule on every dirty line and no rule on clean lines', () => {
    for (const out of [plain.output, monthly.output]) {
      const seenKeys = new Map<string, Set<string>>();
      const logged = new Set(out.dirty.keys());
      for (const f of out.files) {
        const keys = seenKeys.get(f.extract) ?? new Set<string>();
        seenKeys.set(f.extract, keys);
        const fileKeys = new Set<string>();
        for (const r of f.records) {
          const where = `${f.file}:${r.line}`;
          const rule = out.dirty.get(where);
          const broken = [...brokenRules(f.extract, r.fields, TODAY)];
          logged.delete(where);
          if (rule === undefined) {
            expect(broken, where).toEqual([]);
            const key = keyOf(f.extract, r.fields);
            expect(keys.has(key), `${where} repeats a clean key`).toBe(false);
            keys.add(key);
            fileKeys.add(key);
          } else if (rule === 'MALFORMED_RECORD') {
            expect(f.rawLines[r.line - 1], where).toMatch(/,"[^",\n]*" [^",]*,/);
          } else if (rule === 'DUPLICATE_KEY') {
            expect(broken, where).toEqual([]);
            expect(fileKeys.has(keyOf(f.extract, r.fields)), `${where} duplicates an earlier row of its file`).toBe(true);
          } else {
            expect(broken, where).toEqual([rule]);
          }
        }
      }
      expect([...logged], 'dirty.csv lines that start no record').toEqual([]);
    }
  });

  it('plants every reject rule of the extracts at least once (the plan checks of a filled outcomes template aside)', () => {
    const rules = new Set(plain.output.dirtyRows.map((r) => r[2]));
    expect([...REJECT_CODE_LIST].filter((c) => !rules.has(c) && !PLAN_CHECK_CODES.has(c))).toEqual([]);
  });

  it('plants about 2% dirty rows per file at the default rate', async () => {
    const { summary } = await generate('rate', { participants: 200, months: 6 });
    for (const f of summary.files.filter((x) => x.rows > 2000)) {
      expect(f.dirtyRows / f.rows, f.file).toBeGreaterThan(0.012);
      expect(f.dirtyRows / f.rows, f.file).toBeLessThan(0.028);
    }
  });

  it('writes only valid INNs in clean rows', () => {
    for (const f of plain.output.files) {
      const innColumns = EXTRACTS[f.extract].columns.flatMap((c, i) => (c.kind === 'inn' ? [i] : []));
      for (const r of f.records) {
        if (plain.output.dirty.has(`${f.file}:${r.line}`)) continue;
        for (const i of innColumns) {
          const v = r.fields[i] ?? '';
          if (v !== '') expect(isValidInn(v), `${f.file}:${r.line} ${v}`).toBe(true);
        }
      }
    }
  });

  it('writes no date after the end month in clean rows', () => {
    for (const f of plain.output.files) {
      const dateColumns = EXTRACTS[f.extract].columns.flatMap((c, i) => (c.kind === 'date' ? [i] : []));
      for (const r of f.records) {
        if (plain.output.dirty.has(`${f.file}:${r.line}`)) continue;
        for (const i of dateColumns) expect((r.fields[i] ?? '') <= TODAY, `${f.file}:${r.line}`).toBe(true);
      }
    }
  });

  it('quotes names with commas, quotes and 1-3 line breaks', () => {
    const participants = plain.output.files.find((f) => f.extract === 'participants');
    const names = new Set(participants?.records.map((r) => r.fields[2] ?? ''));
    const multiLine = [...names].filter((n) => n.includes('\n'));
    expect(multiLine.length).toBeGreaterThanOrEqual(1);
    expect(multiLine.length).toBeLessThanOrEqual(3);
    expect([...names].some((n) => n.includes('"'))).toBe(true);
    expect([...names].some((n) => n.includes(','))).toBe(true);
  });

  it('plants schemes in 5-10% of participants per 12 months, every scheme present, with positive charges', () => {
    const schemeRows = plain.output.truth.filter((r) => r[1] === 'scheme');
    // The customs and VAT schemes: 5-10% of participants per 12 months; the later ones (traceability, EAEU, exports) about 1% each on top.
    const inns = new Set(schemeRows.filter((r) => (SCHEME_KINDS as readonly string[]).includes(r[2] ?? '')).map((r) => r[0]));
    const share = (inns.size / 600) * (12 / 18);
    expect(share).toBeGreaterThanOrEqual(0.04);
    expect(share).toBeLessThanOrEqual(0.1);
    for (const kind of [...TRACE_SCHEME_KINDS, EAEU_SCHEME, EAEU_ORIGIN_SCHEME, ...EXPORT_SCHEME_KINDS]) {
      expect(new Set(schemeRows.filter((r) => r[2] === kind).map((r) => r[0])).size / 600, kind).toBeLessThanOrEqual(0.015);
    }
    expect(new Set(schemeRows.map((r) => r[2]))).toEqual(new Set([...SCHEME_KINDS, ...TRACE_SCHEME_KINDS, EAEU_SCHEME, EAEU_ORIGIN_SCHEME, ...EXPORT_SCHEME_KINDS]));
    for (const r of schemeRows) expect(Number(r[6]), r.join(',')).toBeGreaterThan(0);
    const decoys = plain.output.truth.filter((r) => r[1] === 'decoy');
    expect(new Set(decoys.map((r) => r[2]))).toEqual(new Set([...DECOY_KINDS, ...TRACE_DECOY_KINDS, ...EXPORT_DECOY_KINDS, EAEU_ORIGIN_DECOY]));
    for (const r of decoys) expect(r[6]).toBe('0.00');
  });

  it('writes movements of traceable goods that balance with the imports, except where a scheme was planted', () => {
    const clean = (extract: string) => {
      const f = plain.output.files.find((x) => x.extract === extract);
      return (f?.records ?? []).filter((r) => !plain.output.dirty.has(`${f?.file}:${r.line}`)).map((r) => r.fields);
    };
    const items = new Map<string, { importer: string; hs: string; qty: number; unit: string; value: number; release: string }>();
    for (const f of clean('declarations')) {
      items.set(`${f[0]}/${String(f[1]).padStart(3, '0')}`, { importer: f[6] ?? '', hs: f[9] ?? '', qty: f[16] === '' ? Number(f[14]) : Number(f[15]), unit: f[16] ?? '', value: Number(f[13]), release: f[4] ?? '' });
    }
    const latest = new Map<string, string[]>();
    for (const m of clean('traceability')) {
      const key = [m[6], m[1], m[2], m[3], m[0]].join('|');
      if (Number(m[4]) >= Number(latest.get(key)?.[4] ?? -1)) latest.set(key, m);
    }
    const moves = [...latest.values()];
    expect(moves.length).toBeGreaterThan(1000);
    expect(clean('traceability').some((m) => m[4] === '1')).toBe(true);
    const flow = new Map<string, number>();
    const add = (firm: string, rnpt: string, q: number) => flow.set(`${firm}|${rnpt}`, (flow.get(`${firm}|${rnpt}`) ?? 0) + q);
    for (const m of moves) {
      const rnpt = m[0] ?? '';
      const item = items.get(rnpt);
      expect(item, rnpt).toBeDefined();
      expect(GENERATE_DEFAULTS.traceablePrefixes.some((p) => item?.hs.startsWith(p)), item?.hs).toBe(true);
      add(m[6] ?? '', rnpt, -Number(m[8]));
      if (m[7] !== '') add(m[7] ?? '', rnpt, Number(m[8]));
    }
    for (const [rnpt, item] of items) if (flow.has(`${item.importer}|${rnpt}`)) add(item.importer, rnpt, item.qty);
    const truthOf = (kind: string) => new Set(plain.output.truth.filter((r) => r[2] === kind).map((r) => r[0]));
    const beyond = truthOf('sales_beyond_imports');
    const excessFirms = new Set([...flow].filter(([, balance]) => balance < -1e-6).map(([key]) => key.split('|')[0]));
    expect(beyond.size).toBeGreaterThan(0);
    // Every firm that moved more than it received is a planted seller beyond its imports.
    for (const firm of excessFirms) expect(beyond.has(firm ?? ''), firm).toBe(true);
    expect([...beyond].some((firm) => excessFirms.has(firm))).toBe(true);
    // Consignment: the importer only transfers; the agent sells.
    const consignors = truthOf('consignment_sales');
    const consigned = moves.filter((m) => consignors.has(m[6] ?? ''));
    expect(consigned.length).toBeGreaterThan(0);
    for (const m of consigned) expect(m[1]).toBe('transfer_report');
    // Stock: some of its batches are sold almost a year or more after their release.
    const stock = truthOf('stock_from_earlier_batches');
    const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
    expect(moves.some((m) => stock.has(m[6] ?? '') && days(items.get(m[0] ?? '')?.release ?? '', m[3] ?? '') >= 330)).toBe(true);
  });

  it('writes the applications on EAEU imports that paid the VAT the returns deduct as EAEU VAT, quarter by quarter', () => {
    const clean = (extract: string) => {
      const f = plain.output.files.find((x) => x.extract === extract);
      return (f?.records ?? []).filter((r) => !plain.output.dirty.has(`${f?.file}:${r.line}`)).map((r) => r.fields);
    };
    const deducted = new Map<string, number>();
    for (const r of clean('tax_returns')) if (r[2] === '0' && Number(r[9]) > 0) deducted.set(`${r[0]}|${r[1]}`, Number(r[9]));
    const paid = new Map<string, number>();
    const quarterOf = (iso: string): string => `${iso.slice(0, 4)}-Q${Math.ceil(Number(iso.slice(5, 7)) / 3)}`;
    for (const a of clean('eaeu_imports')) {
      if (a[3] !== '0') continue;
      expect(['BY', 'KZ', 'AM', 'KG']).toContain(a[6]);
      expect((a[2] ?? '') >= (a[9] ?? ''), 'filed after acceptance').toBe(true);
      const key = `${a[5]}|${quarterOf(a[9] ?? '')}`;
      paid.set(key, (paid.get(key) ?? 0) + Number(a[14]));
    }
    expect(deducted.size).toBeGreaterThan(10);
    // Every deduction was paid, but where the scheme was planted: there the truth names what was not; and
    // nothing was paid that no return deducts.
    const quarterEnd = (q: string): string => `${q.slice(0, 4)}-${String(Number(q.slice(6)) * 3).padStart(2, '0')}`;
    const unpaid = new Map(plain.output.truth.filter((r) => r[2] === EAEU_SCHEME).map((r) => [`${r[0]}|${r[3]}`, Number(r[6])]));
    expect(unpaid.size).toBeGreaterThan(0);
    let matched = 0;
    for (const [key, vat] of deducted) {
      const p = paid.get(key);
      if (p === undefined) continue;
      const [inn, q] = key.split('|') as [string, string];
      expect(Math.abs(p + (unpaid.get(`${inn}|${quarterEnd(q)}`) ?? 0) - vat), key).toBeLessThan(0.05);
      matched++;
    }
    expect(matched / deducted.size).toBeGreaterThan(0.9);
    for (const key of paid.keys()) expect(deducted.has(key), key).toBe(true);
    // Goods of a false origin are declared at 15-40% of the price the other applications show for the same code and unit;
    // every line has a quantity (in kg when the code has no supplementary unit).
    const falseMonths = new Set(plain.output.truth.filter((r) => r[2] === EAEU_ORIGIN_SCHEME).map((r) => `${r[0]}|${r[3]}`));
    expect(falseMonths.size).toBeGreaterThan(0);
    const prices = new Map<string, number[]>();
    const planted: { key: string; price: number }[] = [];
    for (const a of clean('eaeu_imports')) {
      if (a[3] !== '0') continue;
      expect(Number(a[11]), a.join(',')).toBeGreaterThan(0);
      const key = `${a[10]}|${a[12]}`;
      const price = Number(a[13]) / Number(a[11]);
      if (falseMonths.has(`${a[5]}|${(a[9] ?? '').slice(0, 7)}`)) planted.push({ key, price });
      else prices.set(key, [...(prices.get(key) ?? []), price]);
    }
    let compared = 0;
    for (const { key, price } of planted) {
      const others = (prices.get(key) ?? []).sort((x, y) => x - y);
      if (others.length < 3) continue;
      expect(price / (others[Math.floor(others.length / 2)] as number), key).toBeLessThan(0.5);
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('writes export declarations behind the zero-rate sales of the returns, and EAEU sales without one', () => {
    const clean = (extract: string) => {
      const f = plain.output.files.find((x) => x.extract === extract);
      return (f?.records ?? []).filter((r) => !plain.output.dirty.has(`${f?.file}:${r.line}`)).map((r) => r.fields);
    };
    const zero = new Map<string, { sales: number; eaeu: number }>();
    for (const r of clean('tax_returns')) {
      if (r[2] !== '0') continue;
      const z = zero.get(r[0] ?? '') ?? { sales: 0, eaeu: 0 };
      z.sales += Number(r[10]);
      z.eaeu += Number(r[11]);
      zero.set(r[0] ?? '', z);
    }
    const exported = new Map<string, number>();
    for (const d of clean('declarations').filter((r) => r[5] === '10')) {
      expect([d[10], d[11], d[17], d[18]], d.join(',')).toEqual(['RU', 'RU', '0.00', '0.00']);
      exported.set(d[6] ?? '', (exported.get(d[6] ?? '') ?? 0) + Number(d[13]));
    }
    expect(exported.size).toBeGreaterThan(10);
    const planted = (kind: string) => new Set(plain.output.truth.filter((r) => r[2] === kind).map((r) => r[0] ?? ''));
    const withoutExport = planted('zero_rate_without_export');
    expect(withoutExport.size).toBeGreaterThan(0);
    // Every exporter declares its sales at the zero rate in its returns; its sales outside the EAEU are backed by declarations,
    // up to the sales whose declarations or returns fall after the span and the few moved to Section 6.
    let backed = 0;
    for (const [inn, value] of exported) {
      const z = zero.get(inn);
      expect(z, inn).toBeDefined();
      if (z !== undefined && value >= 0.8 * (z.sales - z.eaeu) && value <= 1.25 * (z.sales - z.eaeu)) backed++;
    }
    expect(backed / exported.size).toBeGreaterThan(0.8);
    // Zero-rate sales nobody declared: far beyond the exports.
    for (const inn of withoutExport) {
      const z = zero.get(inn);
      if (z === undefined) continue;
      expect(z.sales - z.eaeu, inn).toBeGreaterThan(1.5 * (exported.get(inn) ?? 0));
    }
    // Sales to EAEU buyers make up most of the decoys' zero-rate sales.
    for (const inn of planted('eaeu_buyer_confirmed')) {
      const z = zero.get(inn);
      if (z !== undefined && z.sales > 0) expect(z.eaeu / z.sales, inn).toBeGreaterThan(0.5);
    }
  });

  it('lists truth item keys that are clean declaration items of the named importer', () => {
    const decl = plain.output.files.find((f) => f.extract === 'declarations');
    const importerOf = new Map<string, string>();
    for (const r of decl?.records ?? []) {
      if (!plain.output.dirty.has(`${decl?.file}:${r.line}`)) importerOf.set(`${r.fields[0]}/${r.fields[1]}`, r.fields[6] ?? '');
    }
    for (const r of plain.output.truth.filter((x) => x[1] === 'scheme' && x[5] !== '')) {
      const keys = (r[5] ?? '').split(';');
      expect(keys.length).toBe(Number(r[4]));
      for (const k of keys) expect(importerOf.get(k), k).toBe(r[0]);
    }
  });

  it('writes item_outcomes only for declaration items and completed inspections', () => {
    for (const out of [plain.output, monthly.output]) {
      const items = new Set<string>();
      for (const f of out.files.filter((x) => x.extract === 'declarations')) {
        for (const r of f.records) if (!out.dirty.has(`${f.file}:${r.line}`)) items.add(`${r.fields[0]}/${r.fields[1]}`);
      }
      const outcomes = out.files.find((f) => f.extract === 'outcomes');
      const completed = new Set(outcomes?.records.filter((r) => !out.dirty.has(`${outcomes.file}:${r.line}`) && r.fields[6] !== '').map((r) => r.fields[0]));
      const itemOutcomes = out.files.find((f) => f.extract === 'item_outcomes');
      for (const r of itemOutcomes?.records ?? []) {
        if (out.dirty.has(`${itemOutcomes?.file}:${r.line}`)) continue;
        expect(items.has(`${r.fields[1]}/${r.fields[2]}`), r.fields.join(',')).toBe(true);
        expect(completed.has(r.fields[0]), r.fields[0]).toBe(true);
      }
    }
  });

  it('leaves violation and charges empty while an inspection is open and records every inspection with its inclusion probability', () => {
    const outcomes = plain.output.files.find((f) => f.extract === 'outcomes');
    const clean = outcomes?.records.filter((r) => !plain.output.dirty.has(`${outcomes.file}:${r.line}`)) ?? [];
    expect(clean.length).toBeGreaterThan(10);
    for (const r of clean) {
      if (r.fields[6] === '') expect([r.fields[7], r.fields[8]]).toEqual(['', '']);
      else expect(['0', '1']).toContain(r.fields[7]);
      // A pick of the older rules was certain; a random one had the slice's probability.
      expect(Number(r.fields[10]), r.fields.join(',')).toBe(r.fields[9] === 'random' ? 0.00025 : 1);
    }
  });

  it('inspects about 3% of the active importers a year, a tenth of them at random (data-samples)', () => {
    const text = gunzipSync(readFileSync(join(REPO_ROOT, 'data-samples', 'outcomes.csv.gz'))).toString('utf8');
    const rows = text.trim().split('\n').slice(1).map((line) => line.split(','));
    const bySelection = (s: string): number => rows.filter((r) => r[9] === s).length;
    // 2,000 participants, about 1,800 active, 21 months with inspections: 3% a year is about 95.
    expect(rows.length).toBeGreaterThan(70);
    expect(rows.length).toBeLessThan(130);
    expect(bySelection('random') / rows.length).toBeGreaterThan(0.02);
    expect(bySelection('random') / rows.length).toBeLessThan(0.25);
  });

  it('answers the older rules\' referrals from the planted truth: violations charge the VAT the tax-side schemes took (data-samples)', () => {
    const samples = join(REPO_ROOT, 'data-samples');
    const dirty = new Set(readCsvFile(join(samples, 'dirty.csv')).filter((r) => r.fields[0] === 'tax_answers.csv.gz').map((r) => Number(r.fields[1])));
    const answers = readCsvFile(join(samples, 'tax_answers.csv.gz')).slice(1).filter((r) => !dirty.has(r.line));
    const taxCharges = new Map<string, number>();
    for (const r of readCsvFile(join(samples, 'truth.csv')).slice(1).map((x) => x.fields)) {
      if (r[2] === 'vat_deduction_inflation' || r[2] === 'shell_importer') taxCharges.set(r[0] ?? '', (taxCharges.get(r[0] ?? '') ?? 0) + Number(r[6]));
    }
    expect(answers.length).toBeGreaterThan(20);
    const finals = new Map<string, string[]>();
    for (const { fields } of answers) {
      const [referral, inn, date, result, vat] = fields as [string, string, string, string, string];
      // Referred by a quarter's plan, answered within the span.
      expect(referral, fields.join(',')).toMatch(new RegExp(`^PLAN-\\d{4}-Q[1-4]/R/${inn}$`));
      expect(date <= '2026-06-30', fields.join(',')).toBe(true);
      expect(vat === '', fields.join(',')).toBe(result !== 'violation');
      if (result !== 'in_progress') {
        expect(finals.has(referral), `${referral} decided twice`).toBe(false);
        finals.set(referral, fields);
      }
    }
    const violations = [...finals.values()].filter((f) => f[3] === 'violation');
    const planted = violations.filter((f) => taxCharges.has(f[1] as string));
    // Mostly the schemes' VAT, never more than they took; a few false findings.
    expect(planted.length / violations.length).toBeGreaterThan(0.8);
    for (const f of planted) expect(Number(f[4]), f.join(',')).toBeLessThanOrEqual((taxCharges.get(f[1] as string) as number) * 1.05 + 0.01);
    // A tax-side schemer referred is found out far more often than anyone else.
    const hitRate = (schemer: boolean): number => {
      const decided = [...finals.values()].filter((f) => taxCharges.has(f[1] as string) === schemer && f[3] !== 'declined');
      return decided.filter((f) => f[3] === 'violation').length / Math.max(1, decided.length);
    };
    expect(hitRate(true)).toBeGreaterThan(0.7);
    expect(hitRate(false)).toBeLessThan(0.3);
  });

  it('plants the same schemes as before inspections were chosen by the older rules and before the traceability schemes: truth.csv byte-identical on three seeds', async () => {
    // sha256 of truth.csv written by the generator whose inspections saw the planted fraud (commit cd0d156):
    // choosing the inspections differently must change who was inspected, never what was planted. The
    // traceability schemes and decoys came later, from random streams of their own: without their rows
    // the file is the same.
    const traceKinds = new Set<string>([...TRACE_SCHEME_KINDS, ...TRACE_DECOY_KINDS, EAEU_SCHEME, EAEU_ORIGIN_SCHEME, EAEU_ORIGIN_DECOY, ...EXPORT_SCHEME_KINDS, ...EXPORT_DECOY_KINDS]);
    const before: Record<number, string> = {
      1: '5e022c1abd899c71d26126da2599d90e41bec9aaee02219f78abc4d46ce169f8',
      2: '2384b94c3b8ea586988cfccccf192cc1e8bbef3771c5c77b66b8ca5a7240eedf',
      3: '866bd5d57f72ce951c08548ed49785209d3dcce7aae4abfceb34017d36310277',
    };
    for (const seed of [1, 2, 3]) {
      const { dir } = await generate(`truth-${seed}`, { participants: 300, months: 12, seed, dirtyRate: 0.02 });
      const lines = readFileSync(join(dir, 'truth.csv'), 'utf8').split('\n');
      const earlier = lines.filter((line) => !traceKinds.has(line.split(',')[2] ?? ''));
      expect(earlier.length, `seed ${seed}: traceability rows planted`).toBeLessThan(lines.length);
      expect(createHash('sha256').update(earlier.join('\n')).digest('hex'), `seed ${seed}`).toBe(before[seed]);
    }
  });

  it('splits declarations, tax returns and participants by month with --monthly', () => {
    const names = monthly.output.files.map((f) => f.file);
    for (const m of ['2026-03', '2026-04', '2026-05', '2026-06']) {
      expect(names).toContain(`declarations-${m}.csv.gz`);
      expect(names).toContain(`tax_returns-${m}.csv.gz`);
      expect(names).toContain(`participants-${m}.csv.gz`);
    }
    expect(names).toContain('outcomes.csv.gz');
    for (const f of monthly.output.files.filter((x) => x.file.startsWith('declarations-'))) {
      const month = f.file.slice('declarations-'.length, 'declarations-'.length + 7);
      for (const r of f.records) {
        if (!monthly.output.dirty.has(`${f.file}:${r.line}`)) expect(r.fields[3]?.slice(0, 7), `${f.file}:${r.line}`).toBe(month);
      }
    }
    const dirtyFiles = new Set(monthly.output.dirtyRows.map((r) => r[0]));
    expect([...dirtyFiles].some((f) => f?.startsWith('declarations-2026-'))).toBe(true);
  });

  it('splits the applications on EAEU imports by filing month with --monthly, the same lines as the single file', async () => {
    const single = await generate('eaeu-single', { participants: 1500, months: 8, dirtyRate: 0 });
    const split = await generate('eaeu-monthly', { participants: 1500, months: 8, dirtyRate: 0, monthly: true });
    const lines = (out: Output): string[] => out.files.filter((f) => f.extract === 'eaeu_imports').flatMap((f) => f.records.map((r) => r.fields.join(',')));
    const expected = lines(single.output);
    expect(expected.length).toBeGreaterThan(100);
    expect(lines(split.output).sort()).toEqual([...expected].sort());
    const files = split.output.files.filter((f) => f.extract === 'eaeu_imports');
    // Every month of the span has its file, empty or not.
    for (const m of ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']) expect(files.map((f) => f.file)).toContain(`eaeu_imports-${m}.csv`);
    for (const f of files) {
      const month = f.file.slice('eaeu_imports-'.length, 'eaeu_imports-'.length + 7);
      // A correction is filed on its correction date, the first version on its application date.
      for (const r of f.records) expect((r.fields[3] === '0' ? r.fields[2] : r.fields[4])?.slice(0, 7), `${f.file}:${r.line}`).toBe(month);
    }
    expect(readFileSync(join(split.dir, 'truth.csv')).equals(readFileSync(join(single.dir, 'truth.csv')))).toBe(true);
  });
});
