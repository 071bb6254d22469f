import type { ExtractId, Jurisdiction } from '../contract/extracts.js';

import type { Delimiter, Encoding } from '../io/formats.js';
import { NO_ENTITY_PAIR_CHANGES, type EntityPairs } from './entity-pairs.js';

export type { Delimiter, Encoding };

/** Labels carried on declaration rows (another administration's labelled data). */
export interface LabelMapping {
  /** Source column holding 0/1 violation per item. */
  violation: string | null;
  /** Source column holding the additional charges per item. */
  additionalCharges: string | null;
  /** Days after release_date at which the label becomes known. */
  lagDays: number;
}

/**
 * How one source file maps onto a contract extract, with every default
 * resolved. Produced by `loadMapping` (src/config/load-mapping.ts) or
 * `defaultExtractMapping`.
 */
export interface ExtractMapping {
  encoding: Encoding;
  delimiter: Delimiter;
  /** Decimal separator of numbers in the file. */
  decimalSeparator: '.' | ',';
  /** strptime format of dates (e.g. `%d.%m.%Y`); null means ISO `YYYY-MM-DD`. */
  dateFormat: string | null;
  /** Currency of the money columns (ISO 4217), recorded in the lineage. */
  currency: string;
  jurisdiction: Jurisdiction;
  /**
   * Source column -> contract column. Columns not listed keep their name and
   * are used when it is a contract column name.
   */
  columns: Record<string, string>;
  /** Source column -> (source value -> replacement), applied before anything else. */
  values: Record<string, Record<string, string>>;
  /**
   * Contract column -> template over source columns, e.g. `{YEAR}-{PERIOD}`,
   * evaluated after value maps. Lets one contract value be built from several columns.
   */
  derive: Record<string, string>;
  /** Source columns kept as extra categorical features (stored under their source name). */
  extraCategorical: string[];
  /** Source columns kept as extra numeric features (stored under their source name). */
  extraNumeric: string[];
  /** Declarations only: label columns on the rows. */
  labels: LabelMapping | null;
  /**
   * Declarations only: pairs of ids added to or removed from the item
   * model's entity history rates (src/config/entity-pairs.ts); none changed
   * by default.
   */
  entityPairs: EntityPairs;
}

/** A whole mapping file: one resolved mapping per extract. */
export interface Mapping {
  /** Where it was read from, for messages; null for the built-in default. */
  source: string | null;
  /** sha256 of the file's bytes (hex); null for the built-in default. */
  sha256: string | null;
  extracts: Record<ExtractId, ExtractMapping>;
}

/** The mapping used when none is given: canonical column names, UTF-8, ISO dates, RUB, `ru`. */
export function defaultExtractMapping(): ExtractMapping {
  return {
    encoding: 'utf-8',
    delimiter: 'auto',
    decimalSeparator: '.',
    dateFormat: null,
    currency: 'RUB',
    jurisdiction: 'ru',
    columns: {},
    values: {},
    derive: {},
    extraCategorical: [],
    extraNumeric: [],
    labels: null,
    entityPairs: NO_ENTITY_PAIR_CHANGES,
  };
}

/** The built-in default mapping for every extract. */
export function defaultMapping(): Mapping {
  return {
    source: null,
    sha256: null,
    extracts: {
      declarations: defaultExtractMapping(),
      tax_returns: defaultExtractMapping(),
      participants: defaultExtractMapping(),
      outcomes: defaultExtractMapping(),
      item_outcomes: defaultExtractMapping(),
      tax_signals: defaultExtractMapping(),
      tax_answers: defaultExtractMapping(),
      traceability: defaultExtractMapping(),
      eaeu_imports: defaultExtractMapping(),
    },
  };
}
