import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { EXTRACTS, type ExtractId } from '../../src/contract/extracts.js';
import { defaultMapping, type Mapping } from '../../src/config/mapping.js';
import { openDuckDb, type Db } from '../../src/io/db.js';
import { ingestFiles, type IngestResult } from '../../src/store/ingest.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';

/** The date tests treat as today. */
export const TODAY = '2026-11-26';

const dirs: string[] = [];

/** Removes the folders {@link tempDir} made; test/util/setup.ts runs it after every test of every file. */
export async function removeTempDirs(): Promise<void> {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** A fresh temporary folder, removed after the test (not for beforeAll: it would go after the first test). */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ccrg-test-'));
  dirs.push(dir);
  return dir;
}

/** Writes a file into a fresh temporary folder and returns its path. */
export async function fixtureFile(name: string, content: string | Uint8Array, dir?: string): Promise<string> {
  const path = join(dir ?? (await tempDir()), name);
  await writeFile(path, content);
  return path;
}

/** A valid row of each extract, by contract column; tests override single values. */
export const VALID_ROWS: Record<ExtractId, Record<string, string>> = {
  declarations: {
    decl_id: '10702030/150324/3012345',
    item_no: '1',
    version: '1',
    version_date: '',
    release_date: '2024-03-15',
    procedure: '40',
    importer_inn: '7707083893',
    customs_representative_inn: '',
    customs_office: '10702030',
    hs_code: '8471300000',
    origin_country: 'CN',
    dispatch_country: 'CN',
    preference: '',
    customs_value_rub: '100000.00',
    net_weight_kg: '12.5',
    supplementary_qty: '10',
    supplementary_unit: '796',
    duty_rub: '0.00',
    import_vat_rub: '20000.00',
    excise_rub: '',
    valuation_method: '1',
  },
  tax_returns: {
    inn: '7707083893',
    tax_period: '2024-Q1',
    correction_no: '0',
    filed_date: '2024-04-20',
    revenue_rub: '5000000.00',
    cost_of_sales_rub: '4000000.00',
    vat_accrued_rub: '1000000.00',
    vat_deductions_rub: '800000.00',
    vat_deductions_import_rub: '20000.00',
    vat_deductions_eaeu_rub: '',
  },
  participants: {
    inn: '7707083893',
    snapshot_date: '2024-03-31',
    name: 'ООО Ромашка',
    registration_date: '2010-05-01',
    status: 'active',
    liquidation_date: '',
    region: '77',
    activity_code: '46.90',
    headcount: '12',
    tax_regime: 'general',
    aeo: '0',
    unreliable_record: '0',
    mass_address: '0',
  },
  outcomes: {
    inspection_id: 'I-1',
    inn: '7707083893',
    check_type: 'desk',
    period_from: '2023-01-01',
    period_to: '2023-12-31',
    started_date: '2024-02-01',
    completed_date: '2024-04-01',
    violation: '1',
    additional_charges_rub: '15000.00',
    selection: 'risk',
    propensity: '',
    plan_id: '',
  },
  item_outcomes: {
    inspection_id: 'I-1',
    decl_id: '10702030/150324/3012345',
    item_no: '1',
    violation: '1',
    additional_charges_rub: '15000.00',
  },
  tax_signals: {
    signal_id: 'S-1',
    inn: '7707083893',
    signal_type: 'deduction_refused',
    signal_date: '2024-03-15',
    amount_rub: '250000.00',
    description: '',
  },
  tax_answers: {
    referral_id: '2024-06-0123abcd/R/7707083893',
    inn: '7707083893',
    decision_date: '2024-09-30',
    result: 'violation',
    vat_charged_rub: '120000.00',
    profit_tax_charged_rub: '',
  },
  traceability: {
    rnpt: '10702030/150324/3012345/001',
    doc_type: 'invoice',
    doc_no: 'SF-1',
    doc_date: '2024-04-02',
    correction_no: '0',
    correction_date: '',
    seller_inn: '7707083893',
    buyer_inn: '7736207543',
    quantity: '100',
    unit: '796',
    value_rub: '150000.00',
    vat_rub: '30000.00',
  },
  eaeu_imports: {
    application_no: '7707-2024-000123',
    line_no: '1',
    application_date: '2024-04-15',
    correction_no: '0',
    correction_date: '',
    applicant_inn: '7707083893',
    supplier_country: 'BY',
    supplier_id: '190542056',
    contract_no: 'K-17/2024',
    accepted_date: '2024-03-28',
    hs_code: '8418102001',
    quantity: '20',
    unit: '796',
    value_rub: '400000.00',
    vat_rub: '80000.00',
    excise_rub: '',
  },
};

/** CSV text of an extract: the header in contract order and one line per row (overrides of the valid row). */
export function extractCsv(extract: ExtractId, rows: readonly Record<string, string>[], delimiter = ','): string {
  const columns = EXTRACTS[extract].columns.map((c) => c.name);
  const quote = (v: string): string => (/[",;\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = [columns.join(delimiter), ...rows.map((row) => columns.map((c) => quote(row[c] ?? VALID_ROWS[extract][c] ?? '')).join(delimiter))];
  return `${lines.join('\n')}\n`;
}

/** Ingests files into a store and returns the result; the store stays open for queries. */
export async function ingestInto(
  db: Db,
  inputs: { extract: ExtractId; file: string }[],
  options: { mapping?: Mapping; dryRun?: boolean; maxRejectShare?: number | null; today?: string } = {},
): Promise<IngestResult> {
  return ingestFiles(
    db,
    { inputs, mapping: options.mapping ?? defaultMapping(), dryRun: options.dryRun ?? false, maxRejectShare: options.maxRejectShare ?? null },
    fixedClock(options.today ?? TODAY),
    memoryLogger(),
  );
}

/** An in-memory store, closed after the test. */
export async function memoryStore(): Promise<Db> {
  const db = await openDuckDb(':memory:');
  onTestFinished(() => db.close());
  return db;
}

/** Ingests one extract's rows (as overrides of the valid row) and returns the rejects as `line code column`. */
export async function rejectsOf(extract: ExtractId, rows: readonly Record<string, string>[], mapping?: Mapping): Promise<string[]> {
  const db = await memoryStore();
  const file = await fixtureFile(`${extract}.csv`, extractCsv(extract, rows));
  const result = await ingestInto(db, [{ extract, file }], mapping === undefined ? {} : { mapping });
  return result.rejects.map((r) => `${r.line} ${r.code}${r.column === null ? '' : ` ${r.column}`}`);
}
