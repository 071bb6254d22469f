/**
 * The worker thread of `predictMarginMany` and `contributionsMany`: the
 * margins of one block of rows written into the shared output, or the
 * TreeSHAP contributions of a block posted back.
 */
import { parentPort } from 'node:worker_threads';
import { marginsOfRows } from './flat-trees.js';
import { GbdtModel } from './GbdtModel.js';
import type { ContributionsBlock, PredictBlock } from './predict-many.js';

parentPort?.once('message', (block: PredictBlock | ContributionsBlock) => {
  if (block.kind === 'margins') {
    const offset = block.offset === null ? null : new Float64Array(block.offset);
    marginsOfRows(block.flat, block.baseMargin, block.rows, block.from, block.to, new Float64Array(block.out), offset);
    parentPort?.postMessage('done');
    return;
  }
  const contributions = GbdtModel.fromJSON(block.model).contributions({ values: block.values, nRows: block.nRows, nCols: block.nCols, layout: 'row-major' });
  parentPort?.postMessage(contributions, [contributions.buffer as ArrayBuffer]);
});
