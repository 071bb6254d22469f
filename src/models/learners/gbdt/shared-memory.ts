/** Typed arrays in memory that worker threads read and write without a copy. */

/** A Float64Array of `length` zeros in shared memory. */
export function sharedFloat64Array(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

/** `values` itself when it sits in shared memory, else a shared copy. */
export function inSharedMemory(values: ArrayLike<number>): Float64Array {
  if (values instanceof Float64Array && values.buffer instanceof SharedArrayBuffer) return values;
  const shared = sharedFloat64Array(values.length);
  shared.set(values);
  return shared;
}
