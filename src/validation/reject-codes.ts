/**
 * Every reason a record can be rejected. A rejected record is reported once
 * per offending column (`RAGGED_ROW` and `DUPLICATE_KEY` once per record).
 *
 * Column checks run first; `DATE_ORDER` only on records whose columns all
 * passed; `DUPLICATE_KEY` only on records that passed everything else.
 */
export type RejectCode =
  | 'RAGGED_ROW'
  | 'MALFORMED_RECORD'
  | 'REQUIRED_MISSING'
  | 'NOT_A_NUMBER'
  | 'NOT_AN_INTEGER'
  | 'TOO_MANY_DECIMALS'
  | 'OUT_OF_RANGE'
  | 'NEGATIVE_AMOUNT'
  | 'NONPOSITIVE_WEIGHT'
  | 'BAD_DATE'
  | 'FUTURE_DATE'
  | 'DATE_ORDER'
  | 'BAD_INN'
  | 'INN_CHECKSUM'
  | 'BAD_HS_CODE'
  | 'BAD_COUNTRY'
  | 'BAD_CODE'
  | 'BAD_VALUE'
  | 'BAD_TAX_PERIOD'
  | 'DUPLICATE_KEY'
  | 'NOT_IN_PLAN'
  | 'PROPENSITY_MISMATCH';

/** What each reject code means, for the rejects file and docs/data-contract.md. */
export const REJECT_CODES: Record<RejectCode, string> = {
  RAGGED_ROW: 'the record has a different number of fields than the header (trailing empty fields count)',
  MALFORMED_RECORD:
    'the record cannot be read: a quote is not closed, a closing quote is followed by other text, spaces come before a quote, a CR without LF stands outside quotes, or the record is over 8 MiB',
  REQUIRED_MISSING: 'a required value is empty',
  NOT_A_NUMBER: 'the value is not a number',
  NOT_AN_INTEGER: 'the value is not a whole number',
  TOO_MANY_DECIMALS: 'the number has more decimals than the column holds (money: 2); it would be stored rounded',
  OUT_OF_RANGE: 'the number is outside the allowed range',
  NEGATIVE_AMOUNT: 'a money amount or quantity is negative',
  NONPOSITIVE_WEIGHT: 'a weight is zero or negative',
  BAD_DATE: 'the value is not a real date in the expected format, or is before 1900-01-01',
  FUTURE_DATE: 'the date is after today',
  DATE_ORDER: 'a date precedes the date it must follow',
  BAD_INN: 'the INN is not 10 or 12 digits, or is all zeros',
  INN_CHECKSUM: 'the INN check digits do not match',
  BAD_HS_CODE: 'the commodity code has the wrong number of digits',
  BAD_COUNTRY: 'the country is not an ISO 3166 alpha-2 code, EU or 00',
  BAD_CODE: 'the code does not have the expected form',
  BAD_VALUE: 'the value is not one of the allowed values',
  BAD_TAX_PERIOD: 'the tax period is not of the form YYYY-Qn',
  DUPLICATE_KEY: 'the key was seen before with different content',
  NOT_IN_PLAN: 'a filled outcomes template row (ingest --plan) that the plan does not hold: another plan_id, or a participant the plan did not select or refer',
  PROPENSITY_MISMATCH: "a filled outcomes template row (ingest --plan) whose propensity is not the plan's inclusion probability for the participant",
};

/** Codes only a filled outcomes template's checks against its plan give (src/app/ingest-outcomes.ts), never an extract alone. */
export const PLAN_CHECK_CODES: ReadonlySet<RejectCode> = new Set(['NOT_IN_PLAN', 'PROPENSITY_MISMATCH']);

export const REJECT_CODE_LIST = Object.keys(REJECT_CODES) as RejectCode[];
