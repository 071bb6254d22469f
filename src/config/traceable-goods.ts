/**
 * The list of goods subject to traceability (docs/traceability.md): which
 * commodity codes get a batch registration number (RNPT), so that an
 * imported item of such a code must show movements. Configuration, not
 * code: the shipped default is profiles/traceable-goods.yaml, another list
 * comes with `--traceable-goods FILE`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sha256Hex } from '../util/hash.js';
import { ConfigError } from '../util/errors.js';
import { describeValue, formatPath, offsetOf, parseYamlWithPositions, readConfigFile, type DocPath } from './yaml-doc.js';

/** The shipped list. */
export const DEFAULT_TRACEABLE_GOODS_PATH = fileURLToPath(new URL('../../profiles/traceable-goods.yaml', import.meta.url));

/** A checked list of traceable goods. */
export interface TraceableGoods {
  readonly name: string;
  readonly version: string;
  /** Code prefixes (2 to 10 digits), in file order, without repeats. */
  readonly prefixes: readonly string[];
  /** The file read, and the sha256 of its bytes. */
  readonly source: string;
  readonly sha256: string;
}

/** Parses and checks the text of a traceable goods file; every problem is named with its position. */
export function traceableGoodsFromText(text: string, source: string): Omit<TraceableGoods, 'sha256'> {
  const { doc, data, at } = parseYamlWithPositions(text, source);
  const problems: string[] = [];
  const fail = (path: DocPath, message: string): void => {
    const offset = offsetOf(doc.contents, path, false);
    problems.push(`${offset === null ? source : at(offset)}: ${path.length === 0 ? 'the file' : formatPath(path)}: ${message}`);
  };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${source}: got ${describeValue(data)}; expected name, version and codes (see profiles/traceable-goods.yaml)`);
  }
  const raw = data as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!['name', 'version', 'codes'].includes(key)) fail([key], `unknown key; expected name, version and codes`);
  }
  const text2 = (key: string): string => {
    const v = raw[key];
    if (typeof v !== 'string' || v.trim() === '') {
      fail([key], `got ${describeValue(v)}; expected a non-empty string`);
      return '';
    }
    return v.trim();
  };
  const name = text2('name');
  const version = text2('version');
  const prefixes: string[] = [];
  const codes = raw['codes'];
  if (!Array.isArray(codes) || codes.length === 0) {
    const got = Array.isArray(codes) ? 'an empty list' : describeValue(codes);
    fail(['codes'], `got ${got}; expected a list of at least one { prefix: "8418", title: "..." }`);
  } else {
    codes.forEach((entry: unknown, i) => {
      const prefix = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>)['prefix'] : undefined;
      if (typeof prefix !== 'string' || !/^[0-9]{2,10}$/.test(prefix)) {
        fail(['codes', i, 'prefix'], `got ${describeValue(prefix)}; expected a code prefix of 2 to 10 digits, quoted ("8418")`);
      } else if (prefixes.includes(prefix)) {
        fail(['codes', i, 'prefix'], `"${prefix}" is listed twice`);
      } else {
        prefixes.push(prefix);
      }
    });
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return { name, version, prefixes, source };
}

/** Reads and checks a traceable goods file; null reads the shipped default. */
export async function loadTraceableGoods(path: string | null): Promise<TraceableGoods> {
  const file = path ?? DEFAULT_TRACEABLE_GOODS_PATH;
  const { text, sha256 } = await readConfigFile(file, 'traceable goods list');
  return { ...traceableGoodsFromText(text, file), sha256 };
}

/** The shipped default, read once when first asked for (the defaults of feature computation name it). */
let shipped: TraceableGoods | null = null;
export function defaultTraceableGoods(): TraceableGoods {
  if (shipped === null) {
    const text = readFileSync(DEFAULT_TRACEABLE_GOODS_PATH, 'utf8');
    shipped = { ...traceableGoodsFromText(text, DEFAULT_TRACEABLE_GOODS_PATH), sha256: sha256Hex(text) };
  }
  return shipped;
}
