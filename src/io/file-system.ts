/**
 * The file system the library writes through where it is not handed one
 * (CSVLogger's defaults): registered by the Node platform
 * (src/platform/node.ts) from node-files.ts and node-bounded-files.ts,
 * absent in browsers. Going through this registry instead of importing
 * node-files.ts keeps Node's modules out of the browser entry's module graph.
 */

/** The file functions the library uses; node-files.ts and node-bounded-files.ts implement them. */
export interface FileSystemService {
  pathKind(path: string): Promise<'file' | 'directory' | 'missing' | 'other'>;
  /** A regular file's bytes, refused (FileFormatError) when over `limits.maxBytes`. */
  readRegularFile(path: string, limits: { maxBytes: number; role: string }): Promise<Uint8Array>;
  writeFileAtomic(path: string, contents: Uint8Array | string): Promise<void>;
}

let load: (() => Promise<FileSystemService>) | null = null;

/** Called once by the platform module that has a file system; `loader` is called on first use. */
export function registerFileSystem(loader: () => Promise<FileSystemService>): void {
  load = loader;
}

/** The file system, or null where none was registered (a browser). */
export function fileSystemService(): Promise<FileSystemService> | null {
  return load === null ? null : load();
}
