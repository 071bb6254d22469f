import { UsageError } from '../util/errors.js';
import { periodOption } from '../util/period.js';

/** `--from` and `--to` of train, evaluate and compare: two months, in order. */
export function windowOf(options: { from?: string; to?: string }): { from: string; to: string } {
  const from = periodOption('--from', options.from);
  const to = periodOption('--to', options.to);
  if (from > to) throw new UsageError(`--from must not be after --to, got "${from}" and "${to}"`);
  return { from, to };
}
