/**
 * The file a Node worker thread starts from (see node-platform.ts): the
 * platform-neutral worker loop, talking through worker_threads. Between jobs
 * the thread idles in its event loop, where the next job's message arrives.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PoolJob, PoolWorkerData, StepWorkerMessage } from './transport.js';
import { runPoolJob } from './worker-loop.js';

const data = workerData as PoolWorkerData;
const post = (message: StepWorkerMessage) => parentPort!.postMessage(message);
parentPort!.on('message', (job: PoolJob) => runPoolJob(data, job, post));
post('ready');
