/** How numbers are written into the run folder's CSV files. */

/** Money with 2 decimals; empty for null. */
export function money(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : value.toFixed(2);
}

/** A score or ratio with a fixed number of decimals; empty for null; never `-0.00`. */
export function fixed(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  const text = value.toFixed(decimals);
  return text === `-${(0).toFixed(decimals)}` ? (0).toFixed(decimals) : text;
}
