/** A worker thread of one training: takes the tasks of growing trees (see grow-tasks). */
import { workerData, type MessagePort } from 'node:worker_threads';
import { serveGrowTasks, type GrowSharedInit } from './grow-tasks.js';

const { init, port } = workerData as { init: GrowSharedInit; port: MessagePort };
serveGrowTasks(init, port);
