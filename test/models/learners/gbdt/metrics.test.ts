import { describe, expect, it } from 'vitest';
import { areaUnderRoc } from '../../../../src/models/learners/gbdt/metrics.js';

describe('areaUnderRoc', () => {
  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(areaUnderRoc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(areaUnderRoc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('counts ties as one half', () => {
    expect(areaUnderRoc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(areaUnderRoc([0.1, 0.4, 0.4, 0.9], [0, 0, 1, 1])).toBe(0.875);
  });

  it('is NaN when one class is absent', () => {
    expect(areaUnderRoc([0.1, 0.2], [1, 1])).toBeNaN();
  });
});
