/**
 * Positions and paths inside a parsed YAML document, shared by the loaders of
 * configuration files (mapping, risk profile) so their messages read alike:
 * `file:line:col: path: message`.
 */
import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';

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
