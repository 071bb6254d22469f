/**
 * `train --params FILE`: the learner's hyperparameters for the classifier
 * and the amount model from a YAML file, over the defaults of the level.
 * Every key and value is checked, and a message names the file, line,
 * column and key. The objective and the seed are not set here: each model
 * has its own objective, and the seed is `--seed`.
 */
import { isMap } from 'yaml';
import { parseYamlWithPositions, readConfigFile, describeValue, offsetOf } from '../../config/yaml-doc.js';
import { resolveParams, type GbdtParams } from '../learners/gbdt/index.js';
import { ConfigError } from '../../util/errors.js';

/** Hyperparameters of the two models `train` grows. */
export interface TrainParams {
  readonly classifier: Partial<GbdtParams>;
  readonly amount: Partial<GbdtParams>;
}

/** Keys a params file may set, per model. */
const SETTABLE: Record<keyof TrainParams, readonly (keyof GbdtParams)[]> = {
  classifier: ['nTrees', 'learningRate', 'maxDepth', 'maxLeaves', 'minChildWeight', 'lambda', 'minSplitGain', 'rowSubsample', 'colSubsample', 'earlyStoppingRounds', 'maxBins'],
  // The amount model has no validation rows, so no early stopping.
  amount: ['nTrees', 'learningRate', 'maxDepth', 'maxLeaves', 'minChildWeight', 'lambda', 'minSplitGain', 'rowSubsample', 'colSubsample', 'maxBins'],
};

/** Reads and checks a params file; returns the defaults overlaid with it, and the file's sha256. */
export async function loadTrainParams(file: string, defaults: TrainParams): Promise<{ params: TrainParams; sha256: string }> {
  const { text, sha256 } = await readConfigFile(file, 'params file');
  return { params: trainParamsFromText(text, file, defaults), sha256 };
}

/** {@link loadTrainParams} on the text of a file named `source` in messages. */
export function trainParamsFromText(text: string, source: string, defaults: TrainParams): TrainParams {
  const { doc, data, at } = parseYamlWithPositions(text, source);
  const where = (path: readonly string[], atKey = false): string => {
    const offset = offsetOf(doc.contents, path, atKey);
    return offset === null ? source : at(offset);
  };
  const fail = (path: readonly string[], message: string, atKey = false): never => {
    throw new ConfigError(`${where(path, atKey)}: ${path.length > 0 ? `${path.join('.')}: ` : ''}${message}`);
  };
  if (data === null || data === undefined) return defaults;
  if (!isMap(doc.contents) || typeof data !== 'object' || Array.isArray(data)) {
    fail([], `expected a mapping with classifier: and/or amount:, got ${describeValue(data)}`);
  }
  const out: Record<keyof TrainParams, Partial<GbdtParams>> = { classifier: { ...defaults.classifier }, amount: { ...defaults.amount } };
  for (const [model, section] of Object.entries(data as Record<string, unknown>)) {
    if (model !== 'classifier' && model !== 'amount') fail([model], 'unknown section: expected classifier or amount', true);
    const name = model as keyof TrainParams;
    if (section === null || typeof section !== 'object' || Array.isArray(section)) {
      fail([name], `expected a mapping of hyperparameter: value, got ${describeValue(section)}`);
    }
    for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
      if (!(SETTABLE[name] as readonly string[]).includes(key)) {
        const why = key === 'objective' || key === 'seed' ? `is not set in a params file (${key === 'seed' ? 'use --seed' : 'each model has its own'})` : 'is not a hyperparameter of the learner';
        fail([name, key], `${why}; expected one of ${SETTABLE[name].join(', ')}`, true);
      }
      if (typeof value !== 'number' || !Number.isFinite(value)) fail([name, key], `expected a number, got ${describeValue(value)}`);
      (out[name] as Record<string, number>)[key] = value as number;
    }
    try {
      resolveParams(out[name]);
    } catch (error) {
      const key = /^(\w+) must be/.exec((error as Error).message)?.[1] ?? '';
      fail(key === '' ? [name] : [name, key], (error as Error).message.replace(/^\w+ /, ''));
    }
  }
  return out;
}
