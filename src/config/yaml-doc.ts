/**
 * Positions and paths inside a parsed YAML document, shared by the loaders of
 * configuration files (mapping, risk profile) so their messages read alike:
 * `file:line:col: path: message`.
 */
import { sha256Hex } from '../util/hash.js';
import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { ConfigError, isBadPath, pathErrorText, UsageError } from '../util/errors.js';

/** A path inside the file: map keys and sequence indexes. */
export type DocPath = readonly (string | number)[];

/** A value as it appears in a message: JSON for scalars, "a list" / "a mapping" for collections. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

/** The words for a JSON Schema type name in "expected ..." messages. */
export function typeName(type: string): string {
  switch (type) {
    case 'object':
      return 'a mapping of key: value';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'integer':
      return 'a whole number';
    case 'null':
      return 'null';
    default:
      return `a ${type}`;
  }
}

/** Turns an ajv JSON pointer into a path, with numbers for list indexes (found by walking `root`). */
export function pathFromPointer(pointer: string, root: unknown): DocPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let value = root;
  for (const escaped of pointer.slice(1).split('/')) {
    const key = escaped.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(value) ? Number(key) : key;
    path.push(segment);
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return path;
}

/** `extracts.declarations.columns."Declaration ID"`, `extra_numeric[1]`. */
export function formatPath(path: DocPath): string {
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const text = /^[\p{L}\p{N}_]+$/u.test(segment) ? segment : JSON.stringify(segment);
      return i === 0 ? text : `.${text}`;
    })
    .join('');
}

/** Offset in the text of the node at `path` (of its key when `atKey`), or null when it is not in the document. */
export function offsetOf(root: unknown, path: DocPath, atKey: boolean): number | null {
  let node = root as YamlNode | null;
  let keyOffset: number | null = null;
  for (const segment of path) {
    keyOffset = null;
    if (isMap(node)) {
      const pair = node.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(segment));
      if (pair === undefined) return null;
      keyOffset = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : null;
      node = (pair.value ?? null) as YamlNode | null;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = (node.items[segment] ?? null) as YamlNode | null;
    } else {
      return null;
    }
  }
  if (atKey && keyOffset !== null) return keyOffset;
  return node?.range?.[0] ?? keyOffset;
}

/** A piece of a `{...}` template: literal text, or what stood between the braces and where. */
export type BracePart = { text: string } | { inner: string; at: number };

/**
 * Splits a template such as `{YEAR}-{PERIOD}` or `{x:money} RUB` into text and
 * placeholders. Throws `Error` (message with the 1-based character, without
 * the file) on a `}` without `{`, an unclosed `{`, or nested braces.
 */
export function splitBraces(template: string): BracePart[] {
  const parts: BracePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i] as string;
    if (ch === '}') throw new Error(`"}" at character ${i + 1} has no matching "{"`);
    if (ch !== '{') {
      text += ch;
      i += 1;
      continue;
    }
    const close = template.indexOf('}', i + 1);
    const nested = template.indexOf('{', i + 1);
    if (close === -1) throw new Error(`"{" at character ${i + 1} is not closed`);
    if (nested !== -1 && nested < close) throw new Error(`"{" at character ${i + 1} is not closed before the next "{"`);
    if (text !== '') parts.push({ text });
    text = '';
    parts.push({ inner: template.slice(i + 1, close), at: i + 1 });
    i = close + 1;
  }
  if (text !== '') parts.push({ text });
  return parts;
}

/** A configuration file's text and the sha256 of its bytes. */
export async function readConfigFile(path: string, what: string): Promise<{ text: string; sha256: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const words = isBadPath(error) ? pathErrorText(error, path) : null;
    if (words !== null) throw new UsageError(`the ${what} ${words}`, { cause: error });
    throw new ConfigError(`${path}: cannot read the ${what}: ${(error as Error).message}`, { cause: error });
  }
  return { text: bytes.toString('utf8'), sha256: sha256Hex(bytes) };
}

/**
 * Parses YAML text keeping positions; a syntax error throws `ConfigError`
 * with `file:line:col` per error. Returns the plain data and `at(offset)`,
 * which turns a character offset into `file:line:col`.
 */
export function parseYamlWithPositions(text: string, source: string): { doc: ReturnType<typeof parseDocument>; data: unknown; at: (offset: number) => string } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    // Some yaml messages carry their own position and a source excerpt; keep only the first line.
    const lines = doc.errors.map(
      (e) =>
        `${at(e.pos[0])}: YAML syntax error: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}; check the indentation and quoting there (quote text containing ": " or " #")`,
    );
    throw new ConfigError(lines.join('\n'));
  }
  return { doc, data: doc.toJS(), at };
}
