import { readFile } from 'node:fs/promises';
import { ConfigError } from '../util/errors.js';

/** A JSON file ccrg wrote, parsed; unreadable or not JSON is a ConfigError naming the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path}: cannot read it as JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Whether a parsed JSON value is an object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON value as it appears in a message: JSON for scalars, "an array" / "an object", "missing" for none. */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return JSON.stringify(value);
}
