import { isRequired, type ColumnDef, type ExtractDef } from '../contract/extracts.js';
import { templateParts } from '../config/load-mapping.js';
import type { ExtractMapping } from '../config/mapping.js';
import { quoteIdent, quoteLiteral } from '../io/sql.js';
import { InputFileError } from '../util/errors.js';

/** How each contract column is read from a source file: SQL over the raw all-VARCHAR table. */
export interface StagingPlan {
  /** Contract column -> SQL giving its trimmed text (NULL when empty or absent). */
  columns: Map<string, string>;
  /** Contract columns whose source is present in the file (or derived); the rest are defaults or NULL. */
  present: Set<string>;
  /** Extra categorical feature name -> SQL text. */
  extraCategorical: Map<string, string>;
  /** Extra numeric feature name -> SQL text (checked as numbers). */
  extraNumeric: Map<string, string>;
  /** Label columns on declaration rows -> SQL text. */
  labels: { violation: string | null; charges: string | null; lagDays: number } | null;
}

/**
 * Decides, from the header and the mapping, where every contract column comes
 * from. A mapped or required column missing from the header is a whole-file
 * fault naming the column.
 */
export function planStaging(def: ExtractDef, mapping: ExtractMapping, header: readonly string[], file: string): StagingPlan {
  const headerSet = new Set(header);
  const headerList = header.map((h) => JSON.stringify(h)).join(', ');
  const needSource = (source: string, what: string): void => {
    if (!headerSet.has(source)) {
      throw new InputFileError(file, `column "${source}" (${what}) is not in the header; the header has: ${headerList}`);
    }
  };
  const raw = (source: string): string => {
    needSource(source, 'named in the mapping');
    const valueMap = mapping.values[source];
    const trimmed = `trim(${quoteIdent(source)})`;
    if (valueMap === undefined || Object.keys(valueMap).length === 0) return `nullif(${trimmed}, '')`;
    const whens = Object.entries(valueMap).map(([from, to]) => `WHEN ${quoteLiteral(from)} THEN ${quoteLiteral(to)}`);
    return `nullif(trim(CASE ${trimmed} ${whens.join(' ')} ELSE ${trimmed} END), '')`;
  };
  const mappedSourceOf = new Map<string, string>();
  for (const [source, target] of Object.entries(mapping.columns)) mappedSourceOf.set(target, source);
  const renamedAway = new Set(Object.keys(mapping.columns));

  const columns = new Map<string, string>();
  const present = new Set<string>();
  for (const column of def.columns) {
    const template = mapping.derive[column.name];
    let expr: string | null = null;
    if (template !== undefined) {
      expr = deriveExpr(template, (source) => {
        needSource(source, `used by derive.${column.name}`);
        return raw(source);
      });
    } else {
      const source = mappedSourceOf.get(column.name) ?? (headerSet.has(column.name) && !renamedAway.has(column.name) ? column.name : null);
      if (source !== null) {
        if (!headerSet.has(source)) needSource(source, `mapped to ${column.name}`);
        expr = raw(source);
      }
    }
    if (expr !== null) {
      present.add(column.name);
      columns.set(column.name, isRequired(column, mapping.jurisdiction) || column.default === undefined ? expr : `coalesce(${expr}, ${quoteLiteral(column.default)})`);
      continue;
    }
    columns.set(column.name, absentColumnExpr(def, column, mapping, columns, file, headerList));
  }

  const extraCategorical = new Map<string, string>();
  for (const source of mapping.extraCategorical) extraCategorical.set(source, raw(source));
  const extraNumeric = new Map<string, string>();
  for (const source of mapping.extraNumeric) extraNumeric.set(source, raw(source));
  let labels: StagingPlan['labels'] = null;
  if (def.id === 'declarations' && mapping.labels !== null) {
    labels = {
      violation: mapping.labels.violation === null ? null : raw(mapping.labels.violation),
      charges: mapping.labels.additionalCharges === null ? null : raw(mapping.labels.additionalCharges),
      lagDays: mapping.labels.lagDays,
    };
  }
  return { columns, present, extraCategorical, extraNumeric, labels };
}

function absentColumnExpr(
  def: ExtractDef,
  column: ColumnDef,
  mapping: ExtractMapping,
  columns: Map<string, string>,
  file: string,
  headerList: string,
): string {
  if (column.default !== undefined) return quoteLiteral(column.default);
  // Another administration's items often lack an item number: number them in file order.
  if (def.id === 'declarations' && column.name === 'item_no' && mapping.jurisdiction === 'generic') {
    const declId = columns.get('decl_id') ?? 'NULL';
    return `CAST(row_number() OVER (PARTITION BY ${declId} ORDER BY _line) AS VARCHAR)`;
  }
  if (isRequired(column, mapping.jurisdiction)) {
    throw new InputFileError(
      file,
      `required column "${column.name}" of ${def.id} is absent; the header has: ${headerList}. ` +
        `Rename it in the file or map it in the mapping under extracts.${def.id}.columns`,
    );
  }
  return 'NULL::VARCHAR';
}

/** SQL concatenating a template like `{YEAR}-{PERIOD}`; NULL when any part is NULL. */
function deriveExpr(template: string, sourceExpr: (source: string) => string): string {
  const parts = templateParts(template).map((part) => ('text' in part ? quoteLiteral(part.text) : sourceExpr(part.column)));
  return parts.length === 0 ? 'NULL::VARCHAR' : `(${parts.join(' || ')})`;
}
