/**
 * The file a Web Worker starts from (see web-platform.ts): the
 * platform-neutral worker loop, started by the first message, which carries
 * the step's shared memory. The loop returns when the calling thread says
 * exit; then the worker says so and closes.
 */
import type { StepWorkerData } from './transport.js';
import type { WebStepWorkerMessage } from './web-platform.js';
import { runStepWorker } from './worker-loop.js';

// The DOM library types `self` as a window; here it is a DedicatedWorkerGlobalScope.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<StepWorkerData>) => void) | null;
  postMessage(message: WebStepWorkerMessage): void;
  close(): void;
};

scope.onmessage = (event) => {
  scope.onmessage = null;
  runStepWorker(event.data, (message) => scope.postMessage(message));
  scope.postMessage('exited');
  scope.close();
};
