/**
 * Checks shared by the saved forms of every model component (GBDT,
 * isolation forest) and the artifact around them.
 */

/** The first position (0-based) where two ordered feature lists differ, with the names there; null when equal. */
export function firstFeatureDifference(
  model: readonly string[],
  expected: readonly string[],
): { position: number; model: string; expected: string } | null {
  const show = (name: string | undefined): string => (name === undefined ? 'no feature' : JSON.stringify(name));
  const n = Math.max(model.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (model[i] !== expected[i]) return { position: i, model: show(model[i]), expected: show(expected[i]) };
  }
  return null;
}

/** How a component names itself in messages. */
export interface FormatNames {
  /** With an article, starting a sentence: "A GBDT model", "An isolation forest". */
  indefinite: string;
  /** Starting a sentence: "GBDT model", "Isolation forest". */
  sentence: string;
}

/**
 * Checks that a parsed value is an object with the expected `format` and
 * `formatVersion`, throwing `makeError(message)` naming what was found.
 */
export function checkFormatHeader(
  json: unknown,
  expected: { format: string; version: number; names: FormatNames },
  makeError: (message: string) => Error,
): Record<string, unknown> {
  const { names } = expected;
  if (typeof json !== 'object' || json === null) throw makeError(`${names.indefinite} must be a JSON object, got ${json === null ? 'null' : typeof json}`);
  const m = json as Record<string, unknown>;
  if (m['format'] !== expected.format) {
    throw makeError(`Not ${names.indefinite.replace(/^An? /, (a) => a.toLowerCase())}: format is ${JSON.stringify(m['format'])}, expected "${expected.format}"`);
  }
  if (m['formatVersion'] !== expected.version) {
    throw makeError(`${names.sentence} format version ${JSON.stringify(m['formatVersion'])} is not supported: this build reads version ${expected.version}`);
  }
  return m;
}
