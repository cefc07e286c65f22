/**
 * The file a Node worker thread starts from (see node-platform.ts): the
 * platform-neutral worker loop, talking through worker_threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StepWorkerData } from './transport.js';
import { runStepWorker } from './worker-loop.js';

runStepWorker(workerData as StepWorkerData, (message) => parentPort!.postMessage(message));
