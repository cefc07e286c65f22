/**
 * The platform seam: what the platform-neutral core needs from a runtime
 * that only some runtimes have (a file system, worker threads), as a small
 * registry that each entry point fills in.
 *
 *     src/index.ts    (Node)     imports platform/node.ts, which registers
 *                                node-files.ts, the file IO handler and the
 *                                worker-thread runner
 *     src/browser.ts  (browsers) registers nothing of the kind, so its module
 *                                graph never contains a Node module and
 *                                bundlers see no `node:` import at all
 *
 * The core asks here instead of importing Node-only modules, and says what
 * is missing when a service is not there. Loaders are functions returning
 * promises, so Node modules are still only loaded when first used.
 */

/** The file functions the core uses (CSVLogger); node-files.ts implements them. */
export interface FileSystemService {
  pathKind(path: string): Promise<'file' | 'directory' | 'missing' | 'other'>;
  readFileBytes(path: string): Promise<Uint8Array>;
  writeFileAtomic(path: string, contents: Uint8Array | string): Promise<void>;
}

/**
 * Parallel training steps. The runner module's functions are typed where
 * they are used (compile-dense-step.ts), so this stays free of its types.
 */
export interface ThreadService<RunnerModule> {
  /** Why threads cannot be used here, or null when they can. */
  unavailableReason(): string | null;
  load(): Promise<RunnerModule>;
}

interface Services {
  name: 'node' | 'browser' | 'unknown';
  fileSystem: (() => Promise<FileSystemService>) | null;
  threads: ThreadService<unknown> | null;
}

const services: Services = { name: 'unknown', fileSystem: null, threads: null };

/** Called once by an entry point's platform module. */
export function registerPlatform(registration: Partial<Services>): void {
  Object.assign(services, registration);
}

/** The runtime the entry point registered ('unknown' when a core module is imported directly). */
export function platformName(): Services['name'] {
  return services.name;
}

/** The file system, or null where there is none (a browser). */
export function fileSystemService(): Promise<FileSystemService> | null {
  return services.fileSystem === null ? null : services.fileSystem();
}

/** The thread service, or null where the entry point registered none. */
export function threadService<RunnerModule>(): ThreadService<RunnerModule> | null {
  return services.threads as ThreadService<RunnerModule> | null;
}
