import { UsageError } from '../util/errors.js';
import { isPeriod } from '../util/period.js';

/** `--from` and `--to` of train, evaluate and compare: two months, in order. */
export function windowOf(options: { from?: string; to?: string }): { from: string; to: string } {
  const from = options.from ?? '';
  const to = options.to ?? '';
  if (!isPeriod(from) || !isPeriod(to) || from > to) throw new UsageError(`--from and --to must be months YYYY-MM with --from <= --to, got "${from}" and "${to}"`);
  return { from, to };
}
