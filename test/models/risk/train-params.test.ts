import { describe, expect, it } from 'vitest';
import { trainParamsFromText, type TrainParams } from '../../../src/models/risk/train-params.js';

const DEFAULTS: TrainParams = {
  classifier: { nTrees: 300, maxDepth: 3, learningRate: 0.05, earlyStoppingRounds: 30 },
  amount: { nTrees: 100, maxDepth: 3 },
};

describe('train --params', () => {
  it('overlays the file on the defaults, model by model', () => {
    const params = trainParamsFromText('classifier:\n  nTrees: 500\n  colSubsample: 0.5\namount:\n  lambda: 3\n', 'p.yaml', DEFAULTS);
    expect(params.classifier).toEqual({ nTrees: 500, maxDepth: 3, learningRate: 0.05, earlyStoppingRounds: 30, colSubsample: 0.5 });
    expect(params.amount).toEqual({ nTrees: 100, maxDepth: 3, lambda: 3 });
    expect(trainParamsFromText('# nothing set\n', 'p.yaml', DEFAULTS)).toEqual(DEFAULTS);
  });

  it('names the file, line, column and key of each mistake', () => {
    const cases: [string, string][] = [
      ['classifer:\n  nTrees: 5\n', 'p.yaml:1:1: classifer: unknown section: expected classifier or amount'],
      ['classifier:\n  nTres: 5\n', 'p.yaml:2:3: classifier.nTres: is not a hyperparameter of the learner; expected one of nTrees,'],
      ['classifier:\n  seed: 5\n', 'p.yaml:2:3: classifier.seed: is not set in a params file (use --seed)'],
      ['amount:\n  earlyStoppingRounds: 5\n', 'p.yaml:2:3: amount.earlyStoppingRounds: is not a hyperparameter of the learner'],
      ['classifier:\n  maxDepth: deep\n', 'p.yaml:2:13: classifier.maxDepth: expected a number, got "deep"'],
      ['classifier:\n  nTrees: 0\n', 'p.yaml:2:11: classifier.nTrees: must be an integer >= 1, got 0'],
      ['classifier:\n  rowSubsample: 1.5\n', 'p.yaml:2:17: classifier.rowSubsample: must be in (0, 1], got 1.5'],
      ['- nTrees: 5\n', 'p.yaml:1:1: expected a mapping with classifier: and/or amount:, got a list'],
      ['classifier: 5\n', 'p.yaml:1:13: classifier: expected a mapping of hyperparameter: value, got 5'],
    ];
    for (const [text, message] of cases) expect(() => trainParamsFromText(text, 'p.yaml', DEFAULTS), text).toThrow(message);
  });
});
