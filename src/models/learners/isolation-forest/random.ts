/**
 * The isolation forest's own seeded pseudo-random numbers, a stream apart
 * from the GBDT's and the data generator's, so a forest is reproducible for
 * a seed.
 */
import { Sfc32 } from '../../../util/random.js';

/** A deterministic uniform source; `seed` is any 32-bit integer. */
export class IsolationForestRandom extends Sfc32 {
  constructor(seed: number) {
    super((seed ^ 0x1f0e5a37) >>> 0);
  }
}
