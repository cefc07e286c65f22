/**
 * A browser's Web Workers as a ThreadPlatform: the pool's workers (fit's
 * steps, predict's and evaluate's forward passes) as module workers over
 * SharedArrayBuffer, which a page has only when it is
 * cross-origin isolated (served with `Cross-Origin-Opener-Policy:
 * same-origin` and `Cross-Origin-Embedder-Policy: require-corp`).
 * Registered by src/platform/browser.ts, loaded when the pool first starts.
 *
 * A worker starts from web-worker-entry.js next to this module, named in
 * the one expression bundlers recognise, `new Worker(new URL('./…',
 * import.meta.url), { type: 'module' })`: Vite and webpack bundle the
 * worker from it; served unbundled (a plain `<script type="module">` page),
 * the browser finds the file beside this one; with esbuild, which leaves the
 * URL as written, build `tinykeras/web-worker` as a second entry point next
 * to your bundle (README, "Use in a browser").
 */
import type { PoolJob, PoolWorkerData, StepWorkerHandle, StepWorkerMessage, ThreadPlatform } from './transport.js';

export const webPlatform: ThreadPlatform = {
  cores(): number {
    return navigator.hardwareConcurrency || 1;
  },

  startWorker(data: PoolWorkerData): StepWorkerHandle {
    const worker = new Worker(new URL('./web-worker-entry.js', import.meta.url), { type: 'module' });
    const failureListeners: Array<(message: string) => void> = [];
    let settleReady!: (error: Error | null) => void;
    let markExited!: () => void;
    const ready = new Promise<void>((resolve, reject) => {
      settleReady = (error) => (error === null ? resolve() : reject(error));
    });
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    let started = false;
    const fail = (message: string): void => {
      if (!started) settleReady(new Error(message));
      else for (const listener of failureListeners) listener(message);
    };
    worker.onmessage = (event: MessageEvent<StepWorkerMessage>) => {
      const message = event.data;
      if (message === 'ready') {
        started = true;
        settleReady(null);
      } else fail(message.error);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      // A script that could not be fetched or parsed gives an event without a message.
      fail(event.message || 'the worker script web-worker-entry.js could not be loaded from beside the library\'s code (see "Use in a browser" in the README)');
      markExited();
    };
    // The first message starts the worker; shared memory is shared, not copied, on a cross-origin-isolated page.
    worker.postMessage(data);
    return {
      ready,
      exited,
      post(job: PoolJob): void {
        worker.postMessage(job);
      },
      // A Web Worker never keeps a page open: nothing to release.
      unref(): void {},
      onFailure(listener: (message: string) => void): void {
        failureListeners.push(listener);
      },
      async terminate(): Promise<void> {
        worker.terminate();
        markExited();
      },
    };
  },
};
