/**
 * The learner's own seeded pseudo-random numbers, a stream of their own so a
 * fit is reproducible for a seed and independent of the data generator's.
 */
import { Sfc32 } from '../../../util/random.js';

/** A deterministic uniform source; `seed` is any 32-bit integer. */
export class GbdtRandom extends Sfc32 {
  constructor(seed: number) {
    super((seed ^ 0x5bd1e995) >>> 0);
  }
}
