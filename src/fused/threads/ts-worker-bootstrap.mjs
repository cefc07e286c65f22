// Starts a worker whose entry is still TypeScript (the library run from its
// sources under tsx or vitest): Node's worker threads do not inherit the
// TypeScript loader, so this plain-JavaScript file registers tsx's (through
// its public API) in the new thread, then imports the entry. Compiled
// JavaScript never comes here: node-platform.ts starts worker-entry.js directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
