/**
 * Entity history rates: smoothed past violation rates of the importer,
 * customs representative, HS code prefixes, origin, office, pairs (HS ×
 * origin, importer × HS6, representative × importer, seller × importer, and
 * those a mapping adds) and extra categorical columns, from labels known
 * strictly before each example's as-of date. See docs/models.md, "Entity history rates".
 */
export { labelledItemsSql, LABELLED_ITEM_COLUMNS, type LabelledItemsOptions } from './history/labelled-items.js';
export { entityRatesSql } from './history/entity-rates.js';
export {
  addedPairEntities,
  checkHistoryRateSpec,
  defaultHistoryRateSpec,
  DEFAULT_HISTORY_ENTITIES,
  DEFAULT_HISTORY_SMOOTHING,
  extraPairEntities,
  historyRateFeatureNames,
  singleEntityId,
  type EntityColumn,
  type EntityDef,
  type EntityPart,
  type HistoryRateSpec,
  withListedParents,
} from './history/spec.js';
