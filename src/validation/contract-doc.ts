import { EXTRACT_IDS, EXTRACTS, type ColumnDef } from '../contract/extracts.js';
import { REJECT_CODES } from './reject-codes.js';
import { sqlTypeOf } from './column-checks.js';

/** Markers around the generated part of docs/data-contract.md. */
const CONTRACT_DOC_BEGIN = '<!-- BEGIN GENERATED: scripts/write-contract-doc.ts -->';
const CONTRACT_DOC_END = '<!-- END GENERATED -->';

function requiredText(column: ColumnDef): string {
  if (column.required && column.requiredGeneric) return 'yes';
  if (column.required) return 'ru';
  if (column.requiredGeneric) return 'generic';
  return '';
}

function checkText(column: ColumnDef): string {
  switch (column.kind) {
    case 'integer':
      return `integer ${column.min ?? ''}..${column.max ?? ''}`;
    case 'enum':
      return `one of ${(column.values ?? []).map((v) => `\`${v}\``).join(', ')}`;
    case 'code':
      return column.pattern === undefined ? 'code' : `code; ru: \`${column.pattern}\``;
    default:
      return column.kind;
  }
}

/** Markdown tables of every extract's columns and of the reject codes, generated from the contract. */
function contractTablesMarkdown(): string {
  const parts: string[] = [];
  for (const id of EXTRACT_IDS) {
    const def = EXTRACTS[id];
    parts.push(`### ${id}\n\n${def.description} Key: ${def.key.map((k) => `\`${k}\``).join(', ')}.\n`);
    parts.push('| column | stored as | check | required | default | meaning |');
    parts.push('| --- | --- | --- | --- | --- | --- |');
    for (const c of def.columns) {
      parts.push(`| \`${c.name}\` | ${sqlTypeOf(c)} | ${checkText(c)} | ${requiredText(c)} | ${c.default ?? (c.defaultFrom === undefined ? '' : `\`${c.defaultFrom}\``)} | ${c.description} |`);
    }
    if (def.dateOrder !== undefined) {
      parts.push(`\nDate order: ${def.dateOrder.map(([a, b]) => `\`${b}\` ≥ \`${a}\``).join('; ')}.`);
    }
    parts.push('');
  }
  parts.push('### Reject codes\n');
  parts.push('| code | meaning |');
  parts.push('| --- | --- |');
  for (const [code, meaning] of Object.entries(REJECT_CODES)) parts.push(`| \`${code}\` | ${meaning} |`);
  return `${CONTRACT_DOC_BEGIN}\n${parts.join('\n')}\n${CONTRACT_DOC_END}`;
}

/** Replaces the generated part of the doc text with the current tables. */
export function withContractTables(doc: string): string {
  const begin = doc.indexOf(CONTRACT_DOC_BEGIN);
  const end = doc.indexOf(CONTRACT_DOC_END);
  if (begin < 0 || end < begin) throw new Error('docs/data-contract.md lacks the generated-section markers');
  return doc.slice(0, begin) + contractTablesMarkdown() + doc.slice(end + CONTRACT_DOC_END.length);
}
