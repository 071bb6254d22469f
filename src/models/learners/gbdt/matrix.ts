/**
 * Dense feature matrices for the GBDT learner: one typed array plus a
 * layout, so callers can hand over DuckDB columns or row buffers without
 * copying. NaN marks a missing value.
 */

/** Storage order of a {@link FeatureMatrix}. */
export type MatrixLayout = 'row-major' | 'column-major';

/**
 * A dense nRows × nCols matrix of feature values.
 * `row-major`: value (r, c) at `r * nCols + c`; `column-major`: at `c * nRows + r`.
 * NaN is a missing value; ±Infinity is refused by training.
 */
export interface FeatureMatrix {
  readonly values: Float64Array | Float32Array;
  readonly nRows: number;
  readonly nCols: number;
  readonly layout: MatrixLayout;
}

/** Strides such that value (r, c) sits at `r * rowStride + c * colStride`. */
export interface MatrixStrides {
  readonly rowStride: number;
  readonly colStride: number;
}

/** The strides of a matrix, after checking that its array has nRows × nCols values. */
export function stridesOf(x: FeatureMatrix): MatrixStrides {
  checkMatrix(x);
  return x.layout === 'row-major'
    ? { rowStride: x.nCols, colStride: 1 }
    : { rowStride: 1, colStride: x.nRows };
}

/** Throws when the shape and the array length disagree. */
function checkMatrix(x: FeatureMatrix): void {
  if (!Number.isInteger(x.nRows) || x.nRows < 0 || !Number.isInteger(x.nCols) || x.nCols < 0) {
    throw new Error(`Matrix shape must be non-negative integers, got ${x.nRows} × ${x.nCols}`);
  }
  if (x.values.length !== x.nRows * x.nCols) {
    throw new Error(
      `Matrix values length (${x.values.length}) does not match nRows × nCols (${x.nRows} × ${x.nCols} = ${x.nRows * x.nCols})`,
    );
  }
  if (x.layout !== 'row-major' && x.layout !== 'column-major') {
    throw new Error(`Matrix layout must be 'row-major' or 'column-major', got ${String(x.layout)}`);
  }
}

/**
 * A row-major Float64 matrix from an array of rows (tests, small inputs).
 * `null` and `undefined` cells become NaN (missing).
 */
export function matrixFromRows(rows: ReadonlyArray<ReadonlyArray<number | null | undefined>>, nCols?: number): FeatureMatrix {
  const cols = nCols ?? rows[0]?.length ?? 0;
  const values = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) {
      throw new Error(`Row ${r} has ${row.length} values, expected ${cols}`);
    }
    for (let c = 0; c < cols; c++) {
      const v = row[c];
      values[r * cols + c] = v === null || v === undefined ? NaN : v;
    }
  });
  return { values, nRows: rows.length, nCols: cols, layout: 'row-major' };
}
