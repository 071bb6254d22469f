/**
 * The canonical data contract: the extracts the engine reads, their
 * columns, how each column is checked and which columns form the key.
 *
 * docs/data-contract.md is the prose version of this file; keep them in step.
 */

/** Identifier of one extract of the contract. */
export type ExtractId = 'declarations' | 'tax_returns' | 'participants' | 'outcomes' | 'item_outcomes' | 'tax_signals' | 'tax_answers' | 'traceability' | 'eaeu_imports';

/** Every extract, in the order they are ingested (participants before the rows that name them). */
export const EXTRACT_IDS: readonly ExtractId[] = [
  'participants',
  'tax_returns',
  'declarations',
  'outcomes',
  'item_outcomes',
  'tax_signals',
  'tax_answers',
  'traceability',
  'eaeu_imports',
];

/** Validation rules for ids and codes. */
export type Jurisdiction = 'ru' | 'generic';

/**
 * How a column is checked and typed.
 * - `id`: opaque text id, trimmed, non-empty.
 * - `inn`: taxpayer id; `ru`: 10 or 12 digits with valid check digits; `generic`: opaque id.
 * - `text`: free text, trimmed.
 * - `code`: short code; `pattern` (ru only) constrains it.
 * - `enum`: one of `values`.
 * - `integer`: whole number within `min`..`max`.
 * - `money`: DECIMAL(18,2), non-negative.
 * - `quantity`: DOUBLE, non-negative.
 * - `weight`: DOUBLE, strictly positive.
 * - `probability`: DOUBLE in (0, 1].
 * - `date`: calendar date, not after today.
 * - `hs_code`: `ru`: 10 digits (TN VED EAEU); `generic`: 6 to 10 digits.
 * - `country`: `ru`: ISO 3166-1 alpha-2, `EU` or `00`; `generic`: any code of 2 or 3 letters/digits.
 * - `tax_period`: `YYYY-Qn`.
 * - `flag`: boolean written as 0/1, true/false, yes/no.
 */
export type ColumnKind =
  | 'id'
  | 'inn'
  | 'text'
  | 'code'
  | 'enum'
  | 'integer'
  | 'money'
  | 'quantity'
  | 'weight'
  | 'probability'
  | 'date'
  | 'hs_code'
  | 'country'
  | 'tax_period'
  | 'flag';

/** One column of an extract. */
export interface ColumnDef {
  readonly name: string;
  readonly kind: ColumnKind;
  /** Required under `jurisdiction: ru`. */
  readonly required: boolean;
  /** Required under `jurisdiction: generic` (defaults to false). */
  readonly requiredGeneric?: boolean;
  /** Allowed values of an `enum` column (after mapping value maps). */
  readonly values?: readonly string[];
  /** Inclusive bounds of an `integer` column. */
  readonly min?: number;
  readonly max?: number;
  /** Regular expression (DuckDB `regexp_full_match`) for a `code` column under `ru`. */
  readonly pattern?: string;
  /** Value used when the column is absent or empty. */
  readonly default?: string;
  /** Column of the same row whose value is used when this one is absent or empty (a date that defaults to another). */
  readonly defaultFrom?: string;
  /**
   * Set on a column added after the extract's first version: a row where it
   * is empty keeps the content hash it had before the column existed, so an
   * older file ingested again is recognised as stored (src/store/ingest.ts).
   */
  readonly added?: true;
  readonly description: string;
}

/** One extract of the contract. */
export interface ExtractDef {
  readonly id: ExtractId;
  readonly description: string;
  readonly columns: readonly ColumnDef[];
  /** Columns that identify a record; the same key with other content is a `DUPLICATE_KEY` reject. */
  readonly key: readonly string[];
  /** Pairs [earlier, later] of date columns where later must not precede earlier. */
  readonly dateOrder?: readonly (readonly [string, string])[];
}

const DECLARATIONS: ExtractDef = {
  id: 'declarations',
  description: 'One row per goods item of a released declaration (and per correction version).',
  key: ['decl_id', 'item_no', 'version'],
  dateOrder: [['release_date', 'version_date']],
  columns: [
    { name: 'decl_id', kind: 'id', required: true, requiredGeneric: true, description: 'Declaration registration number.' },
    { name: 'item_no', kind: 'integer', required: true, min: 1, max: 99999, description: 'Goods item number within the declaration (generic: numbered in file order when absent).' },
    { name: 'version', kind: 'integer', required: false, min: 1, max: 999, default: '1', description: 'Version of the item: corrections after release carry a higher version.' },
    { name: 'version_date', kind: 'date', required: false, defaultFrom: 'release_date', description: 'Date the version was made (default: release_date). Decides which version is visible as of a date.' },
    { name: 'release_date', kind: 'date', required: true, requiredGeneric: true, description: 'Date the goods were released.' },
    { name: 'procedure', kind: 'code', required: true, pattern: '[0-9]{2}', description: 'Customs procedure code, e.g. 40 release for domestic consumption, 10 export (an export declaration: read by the export features only, never as an import).' },
    { name: 'importer_inn', kind: 'inn', required: true, requiredGeneric: true, description: 'INN of the declarant: the importer, the exporter on an export declaration (procedure 10) (generic: any importer id).' },
    { name: 'customs_representative_inn', kind: 'inn', required: false, description: 'INN of the customs representative (broker), if any.' },
    { name: 'customs_office', kind: 'code', required: true, pattern: '[0-9]{8}', description: 'Code of the customs office that released the goods (ru: 8 digits).' },
    { name: 'hs_code', kind: 'hs_code', required: true, requiredGeneric: true, description: 'Commodity code (ru: 10-digit TN VED EAEU; generic: 6 to 10 digits).' },
    { name: 'origin_country', kind: 'country', required: true, description: 'Country of origin.' },
    { name: 'dispatch_country', kind: 'country', required: false, description: 'Country of dispatch.' },
    { name: 'preference', kind: 'code', required: false, description: 'Tariff preference code, empty when none.' },
    { name: 'customs_value_rub', kind: 'money', required: true, requiredGeneric: true, description: 'Customs value (RUB; generic: the mapping currency).' },
    { name: 'net_weight_kg', kind: 'weight', required: true, description: 'Net weight in kilograms, > 0.' },
    { name: 'supplementary_qty', kind: 'quantity', required: false, description: 'Quantity in the supplementary unit.' },
    { name: 'supplementary_unit', kind: 'code', required: false, description: 'Supplementary unit code (e.g. 796 pieces).' },
    { name: 'duty_rub', kind: 'money', required: true, description: 'Import duty paid.' },
    { name: 'import_vat_rub', kind: 'money', required: true, description: 'Import VAT paid at customs.' },
    { name: 'excise_rub', kind: 'money', required: false, description: 'Excise paid at customs.' },
    { name: 'valuation_method', kind: 'integer', required: false, min: 1, max: 6, description: 'Customs valuation method 1-6 (1 = transaction value).' },
  ],
};

const TAX_RETURNS: ExtractDef = {
  id: 'tax_returns',
  description: 'VAT returns: one row per taxpayer, quarter and correction.',
  key: ['inn', 'tax_period', 'correction_no'],
  columns: [
    { name: 'inn', kind: 'inn', required: true, requiredGeneric: true, description: 'Taxpayer INN.' },
    { name: 'tax_period', kind: 'tax_period', required: true, requiredGeneric: true, description: 'Quarter, YYYY-Qn.' },
    { name: 'correction_no', kind: 'integer', required: true, requiredGeneric: true, min: 0, max: 999, description: 'Correction number, 0 for the primary return.' },
    { name: 'filed_date', kind: 'date', required: true, requiredGeneric: true, description: 'Date the return (or correction) was filed.' },
    { name: 'revenue_rub', kind: 'money', required: true, requiredGeneric: true, description: 'Sales base of the quarter: taxable sales plus zero-rated exports.' },
    { name: 'cost_of_sales_rub', kind: 'money', required: false, description: 'Cost of sales of the quarter.' },
    { name: 'vat_accrued_rub', kind: 'money', required: true, description: 'VAT accrued.' },
    { name: 'vat_deductions_rub', kind: 'money', required: true, description: 'All VAT deductions claimed.' },
    { name: 'vat_deductions_import_rub', kind: 'money', required: true, description: 'Deductions of VAT paid to customs (Section 3 line 150).' },
    { name: 'vat_deductions_eaeu_rub', kind: 'money', required: false, description: 'Deductions of VAT on EAEU imports paid to the tax authority.' },
    {
      name: 'zero_rate_sales_rub',
      kind: 'money',
      required: false,
      added: true,
      description: 'Sales at the zero VAT rate declared in the quarter (Section 4): exports, and sales to buyers in other EAEU members (Tax Code art. 164, 165).',
    },
    {
      name: 'zero_rate_sales_eaeu_rub',
      kind: 'money',
      required: false,
      added: true,
      description: 'The part of zero_rate_sales_rub sold to buyers in other EAEU members: confirmed by the buyer\'s application on the import of goods, not by an export declaration.',
    },
    {
      name: 'zero_rate_unconfirmed_rub',
      kind: 'money',
      required: false,
      added: true,
      description: 'Zero-rate sales left unconfirmed 180 days after the export and taxed in this quarter (Section 6).',
    },
  ],
};

const PARTICIPANTS: ExtractDef = {
  id: 'participants',
  description: 'Register snapshots of foreign-trade participants.',
  key: ['inn', 'snapshot_date'],
  dateOrder: [['registration_date', 'liquidation_date']],
  columns: [
    { name: 'inn', kind: 'inn', required: true, requiredGeneric: true, description: 'Taxpayer INN.' },
    { name: 'snapshot_date', kind: 'date', required: true, requiredGeneric: true, description: 'Date of the register snapshot.' },
    { name: 'name', kind: 'text', required: true, description: 'Registered name.' },
    { name: 'registration_date', kind: 'date', required: true, description: 'Date of state registration.' },
    { name: 'status', kind: 'enum', required: true, values: ['active', 'in_liquidation', 'liquidated'], default: 'active', description: 'Register status.' },
    { name: 'liquidation_date', kind: 'date', required: false, description: 'Date of liquidation, if liquidated.' },
    { name: 'region', kind: 'code', required: false, description: 'Region code.' },
    { name: 'activity_code', kind: 'code', required: false, description: 'Main activity code (OKVED).' },
    { name: 'headcount', kind: 'integer', required: false, min: 0, max: 10_000_000, description: 'Average headcount.' },
    { name: 'tax_regime', kind: 'enum', required: true, values: ['general', 'usn', 'patent', 'eshn'], default: 'general', description: 'Tax regime; only `general` files VAT returns.' },
    { name: 'aeo', kind: 'flag', required: false, default: '0', description: 'Authorised economic operator.' },
    { name: 'unreliable_record', kind: 'flag', required: false, description: 'Register record marked unreliable.' },
    { name: 'mass_address', kind: 'flag', required: false, description: 'Registered at a mass-registration address.' },
  ],
};

const OUTCOMES: ExtractDef = {
  id: 'outcomes',
  description: 'Post-release inspections and their results (labels).',
  key: ['inspection_id', 'completed_date', 'correction_no'],
  dateOrder: [
    ['period_from', 'period_to'],
    ['started_date', 'completed_date'],
  ],
  columns: [
    { name: 'inspection_id', kind: 'id', required: true, requiredGeneric: true, description: 'Inspection id.' },
    { name: 'inn', kind: 'inn', required: true, requiredGeneric: true, description: 'INN of the inspected participant.' },
    { name: 'check_type', kind: 'enum', required: true, values: ['desk', 'field'], description: 'Desk or field inspection.' },
    { name: 'period_from', kind: 'date', required: true, requiredGeneric: true, description: 'First day of the inspected period.' },
    { name: 'period_to', kind: 'date', required: true, requiredGeneric: true, description: 'Last day of the inspected period.' },
    { name: 'started_date', kind: 'date', required: true, requiredGeneric: true, description: 'Date the inspection started.' },
    { name: 'completed_date', kind: 'date', required: false, description: 'Date the inspection was completed; empty while open.' },
    { name: 'violation', kind: 'integer', required: false, min: 0, max: 1, description: '1 if a violation was found; empty while open.' },
    { name: 'additional_charges_rub', kind: 'money', required: false, description: 'Additional charges assessed.' },
    { name: 'selection', kind: 'enum', required: true, values: ['risk', 'random'], default: 'risk', description: 'How the participant was selected.' },
    { name: 'propensity', kind: 'probability', required: false, description: 'Inclusion probability in (0, 1] when known.' },
    { name: 'plan_id', kind: 'id', required: false, description: 'Id of the plan that selected it.' },
    {
      name: 'violation_category',
      kind: 'enum',
      required: false,
      added: true,
      values: ['valuation', 'classification', 'origin', 'vat_deductions', 'other'],
      description: 'What the violation was about (the main one when several); empty without a violation or when not reported.',
    },
    { name: 'duty_rub', kind: 'money', required: false, added: true, description: 'Customs duty charged (part of additional_charges_rub).' },
    { name: 'import_vat_rub', kind: 'money', required: false, added: true, description: 'Import VAT charged (part of additional_charges_rub).' },
    { name: 'excise_rub', kind: 'money', required: false, added: true, description: 'Excise charged (part of additional_charges_rub).' },
    { name: 'penalties_rub', kind: 'money', required: false, added: true, description: 'Penalties and fines charged (part of additional_charges_rub).' },
    {
      name: 'correction_no',
      kind: 'integer',
      required: false,
      added: true,
      min: 1,
      max: 999,
      description: 'Empty for the first report of a result; 1, 2, ... for each correction of it. As of a date, the highest correction of an inspection counts.',
    },
  ],
};

const ITEM_OUTCOMES: ExtractDef = {
  id: 'item_outcomes',
  description: 'Every declaration item examined in an inspection, with its finding.',
  key: ['inspection_id', 'decl_id', 'item_no'],
  columns: [
    { name: 'inspection_id', kind: 'id', required: true, requiredGeneric: true, description: 'Inspection id.' },
    { name: 'decl_id', kind: 'id', required: true, requiredGeneric: true, description: 'Declaration registration number.' },
    { name: 'item_no', kind: 'integer', required: true, requiredGeneric: true, min: 1, max: 99999, description: 'Goods item number.' },
    { name: 'violation', kind: 'integer', required: true, requiredGeneric: true, min: 0, max: 1, description: '1 if the item was found in violation.' },
    { name: 'additional_charges_rub', kind: 'money', required: false, description: 'Additional charges assessed on the item.' },
  ],
};

const TAX_SIGNALS: ExtractDef = {
  id: 'tax_signals',
  description: "The tax authority's signals about foreign-trade participants (information exchange): what its own control found.",
  key: ['signal_id'],
  columns: [
    { name: 'signal_id', kind: 'id', required: true, requiredGeneric: true, description: "The tax authority's id of the signal." },
    { name: 'inn', kind: 'inn', required: true, requiredGeneric: true, description: 'INN of the participant the signal is about.' },
    {
      name: 'signal_type',
      kind: 'enum',
      required: true,
      requiredGeneric: true,
      values: ['resale_markup', 'missing_trader', 'deduction_refused', 'other'],
      description:
        'resale_markup: imports resold at a markup far above the trade, by a firm without the staff or assets to trade; missing_trader: a link of its VAT chain pays no VAT; deduction_refused: a desk audit refused VAT deductions; other.',
    },
    { name: 'signal_date', kind: 'date', required: true, requiredGeneric: true, description: 'Date the signal was sent (known to customs from then on).' },
    { name: 'amount_rub', kind: 'money', required: false, description: 'The money the signal is about (the markup, the refused deductions, the unpaid VAT), when given.' },
    { name: 'description', kind: 'text', required: false, description: 'The tax authority\'s words.' },
  ],
};

const TAX_ANSWERS: ExtractDef = {
  id: 'tax_answers',
  description: "The tax authority's answers to referrals (referrals.csv of a plan): one row per decision.",
  key: ['referral_id', 'decision_date'],
  columns: [
    { name: 'referral_id', kind: 'id', required: true, requiredGeneric: true, description: 'The referral answered, `<plan_id>/R/<inn>`.' },
    { name: 'inn', kind: 'inn', required: true, requiredGeneric: true, description: 'INN of the referred participant.' },
    { name: 'decision_date', kind: 'date', required: true, requiredGeneric: true, description: 'Date of the decision.' },
    {
      name: 'result',
      kind: 'enum',
      required: true,
      requiredGeneric: true,
      values: ['violation', 'no_violation', 'declined', 'in_progress'],
      description: 'violation or no_violation: the control measure ended so; declined: no measure taken; in_progress: taken up, not finished.',
    },
    { name: 'vat_charged_rub', kind: 'money', required: false, description: 'VAT charged.' },
    { name: 'profit_tax_charged_rub', kind: 'money', required: false, description: 'Profit tax charged.' },
  ],
};

const TRACEABILITY: ExtractDef = {
  id: 'traceability',
  description:
    "Movements of traceable goods in the national traceability system: one row per batch registration number (RNPT) on a document (VAT invoice, adjustment invoice, transfer report, or a report retiring the goods from circulation), and per correction.",
  key: ['seller_inn', 'doc_type', 'doc_no', 'doc_date', 'rnpt', 'correction_no'],
  dateOrder: [['doc_date', 'correction_date']],
  columns: [
    {
      name: 'rnpt',
      kind: 'id',
      required: true,
      requiredGeneric: true,
      description:
        'Batch registration number: for goods imported through customs the declaration number and the item number (`10702030/150324/3012345/001`), for goods from other EAEU members the number given on the notification of import.',
    },
    {
      name: 'doc_type',
      kind: 'enum',
      required: true,
      requiredGeneric: true,
      values: ['invoice', 'adjustment', 'transfer_report', 'retired_sale', 'retired_export', 'retired_write_off'],
      description:
        'invoice: VAT invoice of a sale; adjustment: adjustment invoice changing one; transfer_report: a transfer without an invoice; retired_sale, retired_export, retired_write_off: the goods leave circulation by a sale to the final consumer, an export, a write-off.',
    },
    { name: 'doc_no', kind: 'id', required: true, requiredGeneric: true, description: 'Number of the document.' },
    { name: 'doc_date', kind: 'date', required: true, requiredGeneric: true, description: 'Date of the document (of the movement).' },
    { name: 'correction_no', kind: 'integer', required: false, min: 0, max: 999, default: '0', description: 'Correction number of the document, 0 for the first issue; as of a date the highest correction made by then counts.' },
    { name: 'correction_date', kind: 'date', required: false, defaultFrom: 'doc_date', description: 'Date the correction was made (default: doc_date).' },
    { name: 'seller_inn', kind: 'inn', required: true, requiredGeneric: true, description: 'INN of the seller (of the firm retiring the goods, for a retirement).' },
    { name: 'buyer_inn', kind: 'inn', required: false, description: 'INN of the buyer; empty for a retirement.' },
    { name: 'quantity', kind: 'quantity', required: true, requiredGeneric: true, description: "Quantity in the item's traceability unit." },
    { name: 'unit', kind: 'code', required: true, pattern: '[0-9]{3}', description: 'Traceability unit of the quantity (OKEI code, e.g. 796 pieces, 166 kg).' },
    { name: 'value_rub', kind: 'money', required: true, requiredGeneric: true, description: 'Value without VAT (RUB; generic: the mapping currency); for an adjustment, the value after it.' },
    { name: 'vat_rub', kind: 'money', required: false, description: 'VAT on the value.' },
  ],
};

const EAEU_IMPORTS: ExtractDef = {
  id: 'eaeu_imports',
  description:
    "Applications on the import of goods and payment of indirect taxes: goods arriving from another EAEU member cross no customs border, and their import VAT is paid to the tax authority with this application. One row per goods line of an application, and per correction.",
  key: ['applicant_inn', 'application_no', 'line_no', 'correction_no'],
  dateOrder: [['application_date', 'correction_date']],
  columns: [
    { name: 'application_no', kind: 'id', required: true, requiredGeneric: true, description: 'Registration number of the application.' },
    { name: 'line_no', kind: 'integer', required: false, min: 1, max: 99999, default: '1', description: 'Goods line of the application.' },
    { name: 'application_date', kind: 'date', required: true, requiredGeneric: true, description: 'Date the application was filed with the tax authority.' },
    { name: 'correction_no', kind: 'integer', required: false, min: 0, max: 999, default: '0', description: 'Correction number of the application, 0 for the first; as of a date the highest correction made by then counts.' },
    { name: 'correction_date', kind: 'date', required: false, defaultFrom: 'application_date', description: 'Date the correction was filed (default: application_date).' },
    { name: 'applicant_inn', kind: 'inn', required: true, requiredGeneric: true, description: 'INN of the importer filing the application.' },
    { name: 'supplier_country', kind: 'country', required: true, description: 'Member state of the supplier (AM, BY, KZ, KG).' },
    { name: 'supplier_id', kind: 'id', required: false, description: "The supplier's taxpayer id in its member state." },
    { name: 'contract_no', kind: 'text', required: false, description: 'Number of the contract the goods were bought under.' },
    { name: 'accepted_date', kind: 'date', required: false, description: 'Date the goods were accepted for accounting (the VAT is due by the 20th of the next month).' },
    { name: 'hs_code', kind: 'hs_code', required: true, requiredGeneric: true, description: 'Commodity code of the goods (TN VED EAEU).' },
    { name: 'quantity', kind: 'quantity', required: false, description: 'Quantity of the goods in `unit`.' },
    { name: 'unit', kind: 'code', required: false, pattern: '[0-9]{3}', description: 'Unit of the quantity (OKEI code, e.g. 796 pieces, 166 kg).' },
    { name: 'value_rub', kind: 'money', required: true, requiredGeneric: true, description: 'Value of the goods: the tax base (RUB; generic: the mapping currency).' },
    { name: 'vat_rub', kind: 'money', required: true, description: 'Import VAT paid to the tax authority for the line.' },
    { name: 'excise_rub', kind: 'money', required: false, description: 'Excise paid for the line.' },
  ],
};

/** The whole contract, by extract id. */
/**
 * The customs procedure of an export declaration (export, code 10 of the
 * EAEU classifier of customs procedures). Its items are the exporter's, in
 * the declarations extract: read by the export features only, never as imports.
 */
export const EXPORT_PROCEDURE = '10';

export const EXTRACTS: Record<ExtractId, ExtractDef> = {
  declarations: DECLARATIONS,
  tax_returns: TAX_RETURNS,
  participants: PARTICIPANTS,
  outcomes: OUTCOMES,
  item_outcomes: ITEM_OUTCOMES,
  tax_signals: TAX_SIGNALS,
  tax_answers: TAX_ANSWERS,
  traceability: TRACEABILITY,
  eaeu_imports: EAEU_IMPORTS,
};

/** Names of the columns added to an extract after its first version (`added`). */
export function addedColumns(def: ExtractDef): ReadonlySet<string> {
  return new Set(def.columns.filter((c) => c.added === true).map((c) => c.name));
}

/** Whether a column must be present and non-empty under a jurisdiction. */
export function isRequired(column: ColumnDef, jurisdiction: Jurisdiction): boolean {
  return jurisdiction === 'ru' ? column.required : column.requiredGeneric === true;
}

/** Standard file names of the extracts in a folder (`generate` writes them, `--dir` reads them). */
export const EXTRACT_FILE_STEMS: Record<ExtractId, string> = {
  declarations: 'declarations',
  tax_returns: 'tax_returns',
  participants: 'participants',
  outcomes: 'outcomes',
  item_outcomes: 'item_outcomes',
  tax_signals: 'tax_signals',
  tax_answers: 'tax_answers',
  traceability: 'traceability',
  eaeu_imports: 'eaeu_imports',
};

/** Version of the store schema, recorded in the lineage of every ingest. */
export const SCHEMA_VERSION = 1;
