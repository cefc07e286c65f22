/**
 * The file a Web Worker of the pool starts from (see web-platform.ts): the
 * platform-neutral worker loop. The first message starts the worker (its
 * index and the pool's control slots); every later one is a job, run to its
 * end, after which the worker idles in its event loop until the next.
 */
import type { PoolJob, PoolWorkerData, StepWorkerMessage } from './transport.js';
import { runPoolJob } from './worker-loop.js';

// The DOM library types `self` as a window; here it is a DedicatedWorkerGlobalScope.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<PoolWorkerData | PoolJob>) => void) | null;
  postMessage(message: StepWorkerMessage): void;
};
const post = (message: StepWorkerMessage) => scope.postMessage(message);
let data: PoolWorkerData | null = null;

scope.onmessage = (event) => {
  if (data === null) {
    data = event.data as PoolWorkerData;
    post('ready');
  } else runPoolJob(data, event.data as PoolJob, post);
};
