import { describe, expect, it } from 'vitest';
import { matrixFromRows, stridesOf } from '../../../../src/models/learners/gbdt/matrix.js';

describe('feature matrices', () => {
  it('builds a row-major matrix with null as missing', () => {
    const x = matrixFromRows([
      [1, null],
      [3, 4],
    ]);
    expect(Array.from(x.values)).toEqual([1, NaN, 3, 4]);
    expect(stridesOf(x)).toEqual({ rowStride: 2, colStride: 1 });
  });

  it('gives column-major strides', () => {
    expect(stridesOf({ values: new Float32Array(6), nRows: 3, nCols: 2, layout: 'column-major' })).toEqual({ rowStride: 1, colStride: 3 });
  });

  it('refuses a values array of the wrong length with both numbers', () => {
    expect(() => stridesOf({ values: new Float64Array(5), nRows: 3, nCols: 2, layout: 'row-major' })).toThrow(
      'Matrix values length (5) does not match nRows × nCols (3 × 2 = 6)',
    );
  });

  it('refuses ragged rows', () => {
    expect(() => matrixFromRows([[1, 2], [3]])).toThrow('Row 1 has 1 values, expected 2');
  });
});
