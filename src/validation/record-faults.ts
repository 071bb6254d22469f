import { MAX_RECORD_BYTES, type RefusedRecord } from '../io/csv-scan.js';
import type { RejectCode } from './reject-codes.js';

/** A record refused for its structure, as a reject: the column is the header name of the field at fault, if any. */
export interface StructuralIssue {
  line: number;
  column: string | null;
  value: string;
  code: RejectCode;
  message: string;
}

/**
 * The reject of a record the scan refused: `RAGGED_ROW` for a record of
 * another width than the header (value: its field count), otherwise
 * `MALFORMED_RECORD` (value: its first line), with a message saying what
 * exactly is wrong and where.
 */
export function issueOfRefusedRecord(record: RefusedRecord, header: readonly string[]): StructuralIssue {
  const fieldName = (field: number): string | null => (field >= 1 && field <= header.length ? (header[field - 1] as string) : null);
  const fieldText = (field: number): string => {
    const name = fieldName(field);
    return name === null ? `field ${field}` : `field ${field} (${name})`;
  };
  const lines = record.lastLine > record.line ? `lines ${record.line}-${record.lastLine}` : `line ${record.line}`;
  const malformed = (message: string, column: string | null): StructuralIssue => ({
    line: record.line,
    column,
    value: record.text,
    code: 'MALFORMED_RECORD',
    message,
  });
  switch (record.fault) {
    case 'ragged': {
      const empty =
        record.emptyAtEnd > 0 && record.fields > header.length
          ? `; the last ${record.emptyAtEnd} ${record.emptyAtEnd === 1 ? 'is' : 'are'} empty: remove the trailing delimiters`
          : '';
      return {
        line: record.line,
        column: null,
        value: `${record.fields} fields`,
        code: 'RAGGED_ROW',
        message: `the record has ${record.fields} fields, the header ${header.length}${empty}`,
      };
    }
    case 'unclosed_quote':
      return malformed(
        record.resumedAt > 0
          ? `the quote that opens ${fieldText(record.field)} is not closed on ${lines}; reading resumed at line ${record.resumedAt}, the next line that is a well-formed record`
          : `the quote that opens ${fieldText(record.field)} is not closed before the end of the file`,
        fieldName(record.field),
      );
    case 'text_after_quote':
      return malformed(
        `the quoted ${fieldText(record.field)} is followed by other text before the next delimiter (a quote inside a quoted field must be doubled: "")`,
        fieldName(record.field),
      );
    case 'bare_cr':
      return malformed(
        `a carriage return (CR) without a line feed is in unquoted ${fieldText(record.field)}: quote the field or remove the CR`,
        fieldName(record.field),
      );
    case 'spaced_quote':
      return malformed(
        `unquoted ${fieldText(record.field)} has spaces before a quote, which reads both as text and as a quoted field: remove the spaces or quote the whole field`,
        fieldName(record.field),
      );
    case 'too_long':
      return malformed(
        `the record is ${record.bytes.toLocaleString('en-US')} bytes long (${lines}), over the limit of ${MAX_RECORD_BYTES / (1024 * 1024)} MiB ` +
          `(${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes) per record`,
        null,
      );
  }
}
