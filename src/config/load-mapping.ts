/**
 * Reads a column mapping file (YAML, docs/mapping.md) into a resolved
 * `Mapping`: structure checked by the JSON Schema in mapping-schema.ts, then
 * the checks that need the data contract.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { EXTRACTS, type ExtractId, type Jurisdiction } from '../contract/extracts.js';
import { ConfigError } from '../util/errors.js';
import {
  addedPairId,
  BUILT_IN_PAIRS,
  describePair,
  ENTITY_PAIR_COLUMNS,
  entityPartFromName,
  HS_PREFIXES,
  isSamePair,
  isSamePart,
  isSellerColumn,
  sellerPair,
  sellerPairId,
  type EntityPair,
  type EntityPairPart,
  type EntityPairs,
} from './entity-pairs.js';
import { defaultExtractMapping, type Delimiter, type Encoding, type ExtractMapping, type LabelMapping, type Mapping } from './mapping.js';
import { mappingSchema } from './mapping-schema.js';
import { describeValue as describe, formatPath, offsetOf, parseYamlWithPositions, pathFromPointer, readConfigFile, splitBraces, typeName, type DocPath } from './yaml-doc.js';

/** Format options as written in the file (snake_case). */
interface RawFormat {
  encoding?: string;
  delimiter?: string;
  decimal_separator?: '.' | ',';
  date_format?: string | null;
  currency?: string;
  jurisdiction?: Jurisdiction;
}

interface RawExtract extends RawFormat {
  columns?: Record<string, string>;
  values?: Record<string, Record<string, string>>;
  derive?: Record<string, string>;
  extra_categorical?: string[];
  extra_numeric?: string[];
  labels?: { violation?: string | null; additional_charges?: string | null; lag_days?: number };
  entity_pairs?: { add?: string[][]; remove?: string[] };
}

interface RawMappingFile {
  version: 1;
  jurisdiction?: Jurisdiction;
  defaults?: RawFormat;
  extracts?: Partial<Record<ExtractId, RawExtract>>;
}

interface Issue {
  path: DocPath;
  /** Point at the key of the last path element rather than its value (unknown keys). */
  atKey?: boolean;
  message: string;
}

const ENCODINGS: Record<string, Encoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'windows-1251': 'windows-1251',
  cp1251: 'windows-1251',
  win1251: 'windows-1251',
};

const DELIMITERS: Record<string, Delimiter> = {
  auto: 'auto',
  ',': ',',
  ';': ';',
  '\t': '\t',
  '|': '|',
  comma: ',',
  semicolon: ';',
  tab: '\t',
  pipe: '|',
  '\\t': '\t',
};

/** strptime directives DuckDB understands (after an optional `-` flag). */
const DATE_DIRECTIVES = new Set('aAwdbBmyYHIpMSfgnzZjUWcxX%'.split(''));

const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
const validateStructure = ajv.compile<RawMappingFile>(mappingSchema);

/**
 * Reads and resolves the mapping file at `path`.
 *
 * `sha256` is the hex digest of the file's bytes; `source` is `path`.
 * Throws `ConfigError` naming the file, the position and the key for any
 * problem (all problems found, one per line).
 */
export async function loadMapping(path: string): Promise<Mapping> {
  const { text, sha256 } = await readConfigFile(path, 'mapping file');
  return { ...mappingFromText(text, path), sha256 };
}

/**
 * Parses, checks and resolves mapping file text; `source` names the file in
 * messages and in `Mapping.source`. `sha256` is left null (see `loadMapping`).
 *
 * Resolution per extract: `defaultExtractMapping()`, then the top-level
 * `jurisdiction`, then `defaults`, then the extract's own keys.
 */
export function mappingFromText(text: string, source: string): Mapping {
  const { doc, data, at } = parseYamlWithPositions(text, source);
  const fail = (issues: readonly Issue[]): never => {
    const lines = issues.map((issue) => {
      const offset = offsetOf(doc.contents, issue.path, issue.atKey === true);
      const where = offset === null ? source : at(offset);
      return `${where}: ${issue.path.length === 0 ? '(top level)' : formatPath(issue.path)}: ${issue.message}`;
    });
    throw new ConfigError([...new Set(lines)].join('\n'));
  };

  if (data === null || data === undefined) {
    fail([{ path: ['version'], message: 'missing: the file is empty; expected at least "version: 1"' }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    fail([{ path: [], message: `got ${describe(data)}; expected key: value pairs starting with "version: 1"` }]);
  }
  const top = data as Record<string, unknown>;
  if (!('version' in top)) {
    fail([{ path: ['version'], message: 'missing; expected 1; add "version: 1" as the first line' }]);
  }
  if (top.version !== 1) {
    fail([{ path: ['version'], message: `${describe(top.version)} is not supported; expected 1, the only mapping format version this ccrg reads` }]);
  }

  if (!validateStructure(data)) {
    fail((validateStructure.errors ?? []).map((error) => issueFromAjv(error, data)));
  }
  const raw = data as RawMappingFile;
  const issues = checkSemantics(raw);
  if (issues.length > 0) fail(issues);

  const base = { ...defaultExtractMapping(), ...resolveFormat(raw.jurisdiction === undefined ? {} : { jurisdiction: raw.jurisdiction }) };
  const defaults: ExtractMapping = { ...base, ...resolveFormat(raw.defaults ?? {}) };
  const resolve = (id: ExtractId): ExtractMapping => resolveExtract(defaults, raw.extracts?.[id]);
  return {
    source,
    sha256: null,
    extracts: {
      declarations: resolve('declarations'),
      tax_returns: resolve('tax_returns'),
      participants: resolve('participants'),
      outcomes: resolve('outcomes'),
      item_outcomes: resolve('item_outcomes'),
      tax_signals: resolve('tax_signals'),
      tax_answers: resolve('tax_answers'),
      traceability: resolve('traceability'),
      eaeu_imports: resolve('eaeu_imports'),
    },
  };
}

/**
 * The source column that supplies `contractColumn`: the one mapped to it in
 * `columns`, else the column of the same name when that name is not mapped to
 * another contract column. Null when the column is derived (or its
 * same-named source column is mapped elsewhere).
 */
export function sourceColumnFor(mapping: ExtractMapping, contractColumn: string): string | null {
  if (Object.hasOwn(mapping.derive, contractColumn)) return null;
  for (const [sourceColumn, target] of Object.entries(mapping.columns)) {
    if (target === contractColumn) return sourceColumn;
  }
  return Object.hasOwn(mapping.columns, contractColumn) ? null : contractColumn;
}

/** One piece of a derive template: literal text or a source column reference. */
export type TemplatePart = { text: string } | { column: string };

/**
 * Splits a derive template such as `{YEAR}-{PERIOD}` into literal text and
 * source column references. Throws `Error` on a malformed template (unbalanced
 * or nested braces, empty `{}`); templates in a loaded mapping are already checked.
 */
export function templateParts(template: string): TemplatePart[] {
  return splitBraces(template).map((part) => {
    if ('text' in part) return part;
    if (part.inner.trim() === '') throw new Error(`"{}" at character ${part.at} names no column`);
    return { column: part.inner };
  });
}

function resolveFormat(raw: RawFormat): Partial<ExtractMapping> {
  const out: Partial<ExtractMapping> = {};
  if (raw.encoding !== undefined) out.encoding = ENCODINGS[raw.encoding.toLowerCase()] as Encoding;
  if (raw.delimiter !== undefined) out.delimiter = DELIMITERS[raw.delimiter] as Delimiter;
  if (raw.decimal_separator !== undefined) out.decimalSeparator = raw.decimal_separator;
  if (raw.date_format !== undefined) out.dateFormat = raw.date_format;
  if (raw.currency !== undefined) out.currency = raw.currency;
  if (raw.jurisdiction !== undefined) out.jurisdiction = raw.jurisdiction;
  return out;
}

function resolveExtract(defaults: ExtractMapping, raw: RawExtract | undefined): ExtractMapping {
  if (raw === undefined) return { ...defaults };
  let labels: LabelMapping | null = null;
  if (raw.labels !== undefined) {
    labels = {
      violation: raw.labels.violation ?? null,
      additionalCharges: raw.labels.additional_charges ?? null,
      lagDays: raw.labels.lag_days ?? 0,
    };
  }
  return {
    ...defaults,
    ...resolveFormat(raw),
    columns: { ...raw.columns },
    values: Object.fromEntries(Object.entries(raw.values ?? {}).map(([column, map]) => [column, { ...map }])),
    derive: { ...raw.derive },
    extraCategorical: [...(raw.extra_categorical ?? [])],
    extraNumeric: [...(raw.extra_numeric ?? [])],
    labels,
    entityPairs: resolveEntityPairs(raw),
  };
}

/** The checked `entity_pairs` of an extract as typed parts (names resolved by `entityPartFromName`). */
function resolveEntityPairs(raw: RawExtract): EntityPairs {
  const extraCategorical = raw.extra_categorical ?? [];
  const part = (name: string): EntityPairPart => entityPartFromName(name, extraCategorical) as EntityPairPart;
  return {
    add: (raw.entity_pairs?.add ?? []).map(([a, b]) => [part(a as string), part(b as string)] as const),
    remove: [...(raw.entity_pairs?.remove ?? [])],
  };
}

/** The checks the schema cannot express: they need the contract or relate several keys. */
function checkSemantics(raw: RawMappingFile): Issue[] {
  const issues: Issue[] = [];
  const defaultsJurisdiction = raw.defaults?.jurisdiction;
  if (raw.jurisdiction !== undefined && defaultsJurisdiction !== undefined && raw.jurisdiction !== defaultsJurisdiction) {
    issues.push({
      path: ['defaults', 'jurisdiction'],
      message: `"${defaultsJurisdiction}" contradicts the top-level jurisdiction "${raw.jurisdiction}"; expected one jurisdiction; keep only one of the two keys`,
    });
  }
  checkDateFormat(raw.defaults?.date_format, ['defaults', 'date_format'], issues);

  for (const [id, extract] of Object.entries(raw.extracts ?? {}) as [ExtractId, RawExtract][]) {
    const here = ['extracts', id];
    const contract = EXTRACTS[id].columns.map((c) => c.name);
    const isContract = (name: string): boolean => contract.includes(name);
    const expected = `expected one of: ${contract.join(', ')}`;
    checkDateFormat(extract.date_format, [...here, 'date_format'], issues);

    const supplier = new Map<string, string>();
    for (const [sourceColumn, target] of Object.entries(extract.columns ?? {})) {
      const path = [...here, 'columns', sourceColumn];
      if (!isContract(target)) {
        issues.push({ path, message: `"${target}" is not a column of ${id}; ${expected}; to keep a non-contract column, list "${sourceColumn}" under extra_categorical or extra_numeric instead` });
        continue;
      }
      const earlier = supplier.get(target);
      if (earlier !== undefined) {
        issues.push({ path, message: `"${target}" is already supplied by source column "${earlier}"; expected each contract column at most once; remove one of the two entries` });
        continue;
      }
      supplier.set(target, sourceColumn);
    }

    for (const [target, template] of Object.entries(extract.derive ?? {})) {
      const path = [...here, 'derive', target];
      if (!isContract(target)) {
        issues.push({ path, atKey: true, message: `"${target}" is not a column of ${id}; ${expected}; derive builds contract columns only` });
        continue;
      }
      const mappedFrom = supplier.get(target);
      if (mappedFrom !== undefined) {
        issues.push({ path, atKey: true, message: `"${target}" is both derived and mapped from source column "${mappedFrom}" (columns); expected one source per contract column; remove the columns entry or the derive entry` });
      }
      let parts: TemplatePart[];
      try {
        parts = templateParts(template);
      } catch (error) {
        issues.push({ path, message: `${JSON.stringify(template)} is not a valid template: ${(error as Error).message}; expected text with {SOURCE COLUMN} references, e.g. "{YEAR}-{PERIOD}"` });
        continue;
      }
      if (!parts.some((part) => 'column' in part)) {
        issues.push({ path, message: `${JSON.stringify(template)} references no source column; expected at least one {SOURCE COLUMN}, e.g. "{YEAR}-{PERIOD}"; for a constant, use a value map or the column's default` });
      }
    }

    if (extract.labels !== undefined) {
      if (id !== 'declarations') {
        issues.push({ path: [...here, 'labels'], atKey: true, message: `labels are read only for declarations, not ${id}; remove the key (${id === 'outcomes' || id === 'item_outcomes' ? `map the label columns in ${id}.columns instead` : 'move it under extracts.declarations'})` });
      } else if (extract.labels.violation == null && extract.labels.additional_charges == null) {
        issues.push({ path: [...here, 'labels'], atKey: true, message: 'names no label column; expected violation or additional_charges (or both); add one or remove labels' });
      }
    }

    if (extract.entity_pairs !== undefined) {
      if (id !== 'declarations') {
        issues.push({ path: [...here, 'entity_pairs'], atKey: true, message: `entity pairs are read only for declarations, not ${id}; remove the key (move it under extracts.declarations)` });
      } else {
        checkEntityPairs(extract, [...here, 'entity_pairs'], isContract, issues);
      }
    }

    const extraKind = new Map<string, string>();
    for (const key of ['extra_categorical', 'extra_numeric'] as const) {
      (extract[key] ?? []).forEach((column, index) => {
        const path = [...here, key, index];
        const columns = extract.columns ?? {};
        const mappedTo = Object.hasOwn(columns, column) ? columns[column] : undefined;
        const otherList = extraKind.get(column);
        if (mappedTo !== undefined) {
          issues.push({ path, message: `"${column}" is mapped to contract column "${mappedTo}" (columns); expected extra columns to be outside the contract; remove it from ${key} or from columns` });
        } else if (isContract(column)) {
          issues.push({ path, message: `"${column}" is a contract column of ${id}; expected extra columns to be outside the contract (they are stored under their source name); remove it from ${key}` });
        } else if (otherList !== undefined) {
          issues.push({ path, message: `"${column}" is also listed under ${otherList}; expected a column to be either categorical or numeric; remove one` });
        }
        extraKind.set(column, key);
      });
    }
  }
  return issues;
}

/**
 * Checks `entity_pairs`: every part names a column that can key an entity,
 * no pair is made of one part twice, of two prefixes of the HS code, or of
 * the parts of a pair that is already there (built in, or listed before),
 * and every removed id is a built-in pair.
 */
function checkEntityPairs(extract: RawExtract, here: DocPath, isContract: (name: string) => boolean, issues: Issue[]): void {
  const extraCategorical = extract.extra_categorical ?? [];
  const removed = new Set(extract.entity_pairs?.remove ?? []);
  const sellers = extraCategorical.filter(isSellerColumn);
  const builtIn: [string, EntityPair][] = [...Object.entries(BUILT_IN_PAIRS), ...sellers.map((name): [string, EntityPair] => [sellerPairId(name), sellerPair(name)])];
  const parts = `a contract column (${ENTITY_PAIR_COLUMNS.join(', ')}), an HS prefix (${Object.keys(HS_PREFIXES).join(', ')}) or a column listed under extra_categorical${
    extraCategorical.length === 0 ? ' (none is)' : ` (${extraCategorical.map((c) => JSON.stringify(c)).join(', ')})`
  }`;
  const added: { index: number; pair: EntityPair }[] = [];
  (extract.entity_pairs?.add ?? []).forEach((names, index) => {
    const path = [...here, 'add', index];
    const resolved = names.map((name, j) => {
      const part = entityPartFromName(name, extraCategorical);
      if (part === null) {
        const { problem, fix } = unknownPart(name, extract, isContract);
        issues.push({ path: [...path, j], message: `${JSON.stringify(name)} ${problem}; expected ${parts}${fix}` });
      } else if (part.kind === 'hs' && extraCategorical.includes(name)) {
        issues.push({ path: [...path, j], message: `"${name}" names both an HS prefix and a column listed under extra_categorical; expected one meaning; rename the extra column in the source file` });
        return null;
      }
      return part;
    });
    const [a, b] = resolved;
    if (a === null || b === null || a === undefined || b === undefined) return;
    const pair: EntityPair = [a, b];
    const described = describePair(pair);
    if (isSamePart(a, b)) {
      issues.push({ path, message: `${described} pairs a part with itself; expected two different parts` });
      return;
    }
    if (a.kind === 'hs' && b.kind === 'hs') {
      issues.push({ path, message: `${described} pairs two prefixes of the same HS code; expected two different ids: the longer prefix alone (hs${Math.max(a.digits, b.digits)}) is already an entity` });
      return;
    }
    const same = builtIn.find(([id, p]) => !removed.has(id) && isSamePair(pair, p));
    if (same !== undefined) {
      issues.push({ path, message: `${described} is the built-in pair "${same[0]}", there by default; expected a pair not there yet; remove this entry` });
      return;
    }
    const earlier = added.find((e) => isSamePair(pair, e.pair) || addedPairId(e.pair) === addedPairId(pair));
    if (earlier !== undefined) {
      issues.push({ path, message: `${described} is the same pair as entry ${earlier.index} (${describePair(earlier.pair)}); expected each pair once; remove one` });
      return;
    }
    added.push({ index, pair });
  });
  (extract.entity_pairs?.remove ?? []).forEach((id, index) => {
    if (builtIn.some(([builtInId]) => builtInId === id)) return;
    issues.push({
      path: [...here, 'remove', index],
      message: `${JSON.stringify(id)} is not a built-in pair; expected one of: ${builtIn.map(([builtInId]) => builtInId).join(', ')}${
        sellers.length === 0 ? ' (extra_<column>_importer exists only for an extra_categorical column naming the seller)' : ''
      }`,
    });
  });
}

/** Why a name is not a part a pair can be made of, and what to write instead where that is known. */
function unknownPart(name: string, extract: RawExtract, isContract: (name: string) => boolean): { problem: string; fix: string } {
  const mappedTo = Object.hasOwn(extract.columns ?? {}, name) ? (extract.columns ?? {})[name] : undefined;
  if (mappedTo !== undefined && (ENTITY_PAIR_COLUMNS as readonly string[]).includes(mappedTo)) {
    return { problem: `is the source column of contract column "${mappedTo}" (columns)`, fix: `; name the contract column instead: ${mappedTo}` };
  }
  if (name === 'hs_code') return { problem: 'is the whole HS code', fix: '; name a prefix instead: hs10 for all 10 digits' };
  if (isContract(name)) return { problem: 'is a contract column that cannot key an entity', fix: '' };
  if ((extract.extra_numeric ?? []).includes(name)) {
    return { problem: 'is listed under extra_numeric: numbers cannot key an entity', fix: '; list it under extra_categorical instead if its values are codes' };
  }
  return { problem: 'is not a part a pair can be made of', fix: '' };
}

function checkDateFormat(format: string | null | undefined, path: DocPath, issues: Issue[]): void {
  if (format === undefined || format === null) return;
  const directives = [...format.matchAll(/%-?(.?)/g)].map((m) => m[1] as string);
  const unknown = directives.find((d) => !DATE_DIRECTIVES.has(d));
  if (directives.length === 0 || unknown !== undefined) {
    const problem = directives.length === 0 ? 'has no % directive' : `has an unknown directive "%${unknown}"`;
    issues.push({ path, message: `${JSON.stringify(format)} ${problem}; expected a strptime format such as "%d.%m.%Y", or null for ISO YYYY-MM-DD` });
  }
}

function issueFromAjv(error: ErrorObject, root: unknown): Issue {
  const path = pathFromPointer(error.instancePath, root);
  const value = describe(error.data);
  const description = typeof error.parentSchema?.description === 'string' ? error.parentSchema.description.replace(/\.$/, '') : null;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      const what = path.length === 1 && path[0] === 'extracts' ? 'extract' : 'key';
      return { path: [...path, key], atKey: true, message: `unknown ${what} "${key}"; expected one of: ${allowed.join(', ')}; check the spelling or remove it` };
    }
    case 'type': {
      const expected = String(error.params.type).split(',').map(typeName).join(' or ');
      const hint = typeof error.data === 'number' && expected.includes('string') ? `; quote it ("${error.data}") so it is read as text` : '';
      return { path, message: `${value} has the wrong type; expected ${expected}${hint}` };
    }
    case 'enum':
      return { path, message: `${value} is not allowed; expected one of: ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path, message: `${value} is not allowed; expected ${JSON.stringify(error.params.allowedValue)}` };
    case 'pattern':
      return { path, message: `${value} is not allowed; expected ${description ?? `a match of ${String(error.params.pattern)}`}` };
    case 'minLength':
      return { path, message: 'empty text is not allowed; expected a non-empty value' };
    case 'minimum':
      return { path, message: `${value} is too small; expected at least ${String(error.params.limit)}` };
    case 'uniqueItems': {
      const first = Math.min(Number(error.params.i), Number(error.params.j));
      const second = Math.max(Number(error.params.i), Number(error.params.j));
      const what = path[path.length - 1] === 'remove' ? 'id' : 'column';
      return { path: [...path, second], message: `${describe((error.data as unknown[])[second])} is listed twice (also at index ${first}); expected each ${what} once; remove the duplicate` };
    }
    case 'minItems':
    case 'maxItems': {
      const count = Array.isArray(error.data) ? error.data.length : 0;
      return { path, message: `${JSON.stringify(error.data)} has ${count} item${count === 1 ? '' : 's'}; expected ${description ?? `${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(error.params.limit)}`}` };
    }
    case 'propertyNames':
      return { path, message: `empty key "${String(error.params.propertyName)}" is not allowed; expected a source column name` };
    case 'required':
      return { path: [...path, String(error.params.missingProperty)], message: `missing; add it` };
    default:
      return { path, message: `${value}: ${error.message ?? 'is not allowed'}` };
  }
}
