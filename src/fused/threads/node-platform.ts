/**
 * Node's worker_threads as a ThreadPlatform. Node-only: loaded with a
 * dynamic import, so the core never imports Node.
 *
 * A worker starts from worker-entry, found next to this module: worker-entry.js
 * when running compiled JavaScript, and, when running from the TypeScript
 * sources (tsx, vitest), worker-entry.ts through ts-worker-bootstrap.mjs.
 * No code is built from strings and evaluated.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism, cpus } from 'node:os';
import type { PoolJob, PoolWorkerData, StepWorkerHandle, StepWorkerMessage, ThreadPlatform } from './transport.js';

/** How to start a worker here: the file, and what to add to its data. */
function workerEntry(): { file: URL; extra: Record<string, string> } {
  const fromSources = new URL(import.meta.url).pathname.endsWith('.ts');
  if (!fromSources) return { file: new URL('./worker-entry.js', import.meta.url), extra: {} };
  return {
    file: new URL('./ts-worker-bootstrap.mjs', import.meta.url),
    extra: { entry: new URL('./worker-entry.ts', import.meta.url).href },
  };
}

export const nodePlatform: ThreadPlatform = {
  cores(): number {
    return typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  },

  startWorker(data: PoolWorkerData): StepWorkerHandle {
    const { file, extra } = workerEntry();
    const worker = new Worker(file, { workerData: { ...data, ...extra } });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`a worker exited with code ${code}`)));
    });
    // Once ready, the start-up listeners give way to the failure listeners.
    const started = ready.then(() => {
      worker.removeAllListeners('message');
      worker.removeAllListeners('error');
    });
    return {
      ready: started,
      exited,
      post(job: PoolJob): void {
        worker.postMessage(job);
      },
      unref(): void {
        // After the failure listeners are attached (they wait for `started` too): attaching a
        // 'message' listener refs the worker's port again.
        void started.then(() => worker.unref(), () => {});
      },
      onFailure(listener: (message: string) => void): void {
        void started.then(() => {
          worker.on('message', (m: StepWorkerMessage) => {
            if (typeof m === 'object' && m.error) listener(m.error);
          });
          worker.on('error', (e) => listener(e.stack ?? e.message));
        }, () => {});
      },
      async terminate(): Promise<void> {
        await worker.terminate();
      },
    };
  },
};
