/**
 * Node's file system, the plumbing every Node-only module shares: what is at
 * a path, joining paths, the identity of a file and deleting it unless it was
 * replaced, and writing files whole (a new file created exclusively and
 * flushed, or an existing one replaced atomically). Every failure about a
 * file names it.
 *
 * Every Node module is loaded with a dynamic `import()` inside the functions
 * that need it, never at the top of the file. That keeps the library's entry
 * point loadable in a browser: a browser only fails if it actually calls one
 * of these functions.
 */
import { errorCode } from './messages.js';

/** Whether this code runs under Node.js, where these functions work. */
export function isNode(): boolean {
  // `typeof` avoids a ReferenceError in browsers, where `process` is undeclared.
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** The value of an environment variable, or undefined when it is unset or empty. */
export function environmentVariable(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** What is at a path: a file, a directory, nothing, or something else (a socket, say). */
export type PathKind = 'file' | 'directory' | 'missing' | 'other';

/** Looks at what is at `path` without throwing when nothing is there. */
export async function pathKind(path: string): Promise<PathKind> {
  const fs = await import('node:fs/promises');
  try {
    const stats = await fs.stat(path);
    if (stats.isFile()) return 'file';
    if (stats.isDirectory()) return 'directory';
    return 'other';
  } catch {
    return 'missing';
  }
}

/**
 * Why `path` cannot be stat'ed, as the end of a sentence about it ("the
 * directory …"): it does not exist, is a symbolic link loop, cannot be
 * reached, or another reason by its code.
 */
export async function whyMissing(path: string): Promise<string> {
  const fs = await import('node:fs/promises');
  try {
    await fs.stat(path);
    return 'exists now';
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
    if (code === 'ELOOP') return 'is a symbolic link that leads back to itself (a loop)';
    if (code === 'EACCES' || code === 'EPERM') return 'cannot be reached (no permission)';
    if (code === 'ENAMETOOLONG') return 'has a name too long for the file system';
    return `cannot be read (${code})`;
  }
}

/** Joins path segments with the platform's separator. */
export async function joinPath(...segments: string[]): Promise<string> {
  const path = await import('node:path');
  return path.join(...segments);
}

/**
 * The full path of the first of `names` that exists in `dir`, or null when
 * none does. Used to accept either `x.gz` or the already-uncompressed `x`.
 * Something that is not a regular file (a pipe, a directory) is returned
 * too, so that reading it fails with an error saying what it is, instead
 * of the file being reported missing.
 */
export async function findFile(dir: string, names: readonly string[]): Promise<string | null> {
  for (const name of names) {
    const path = await joinPath(dir, name);
    if ((await pathKind(path)) !== 'missing') return path;
  }
  return null;
}

/**
 * A string that changes whenever the file at `path` is replaced or rewritten
 * (device, inode, size, modification time), or null when there is no file.
 * See `removeFileUnlessReplaced` for why.
 */
export async function fileIdentity(path: string): Promise<string | null> {
  const fs = await import('node:fs/promises');
  try {
    const stats = await fs.stat(path);
    return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    return null;
  }
}

/**
 * Deletes the file at `path` unless it has been replaced since its identity
 * was taken (see `fileIdentity`), when it was read and found to be bad.
 * Returns whether the bad file is gone: false means a different file now has
 * the name, and it was kept.
 *
 * Another process may have replaced the bad file with a freshly downloaded
 * one since we read it; deleting by name alone would throw the good copy
 * away, perhaps just before that process reads it. A narrow window remains
 * between the check and the deletion, which costs at worst one extra
 * download: every reader checks what it reads.
 */
export async function removeFileUnlessReplaced(path: string, identity: string | null): Promise<boolean> {
  const fs = await import('node:fs/promises');
  const current = await fileIdentity(path);
  if (current === null) return true; // already gone, deleted by another process perhaps
  if (current !== identity) return false;
  await fs.rm(path, { force: true });
  return true;
}

/**
 * The Keras cache directory joined with `subdirectories`: `$KERAS_HOME` when
 * set, otherwise `~/.keras`, exactly where Keras itself caches datasets, so
 * files one downloaded are found by the other.
 */
export async function kerasCacheDir(...subdirectories: string[]): Promise<string> {
  const os = await import('node:os');
  const root = environmentVariable('KERAS_HOME') ?? (await joinPath(os.homedir(), '.keras'));
  return joinPath(root, ...subdirectories);
}

/**
 * A path beside `path` for a temporary file: unique per process (the pid) and
 * per call (random digits), so two writers never share one.
 */
export async function tempPathBeside(path: string, extension: string): Promise<string> {
  const crypto = await import('node:crypto');
  return `${path}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.${extension}`;
}

/**
 * Creates `path`, which must not exist, with `contents`, flushed to disk;
 * removes it again if writing fails. Fails with EEXIST when something is
 * already there, so two writers never share a file.
 */
export async function writeNewFile(path: string, contents: Uint8Array | string): Promise<void> {
  const fs = await import('node:fs/promises');
  const file = await fs.open(path, 'wx');
  try {
    try {
      await file.writeFile(contents);
      // Without the flush a crash after a later rename could leave an empty file under the real name.
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (error) {
    await fs.rm(path, { force: true });
    throw error;
  }
}

/**
 * Writes `contents` to `path` atomically: the bytes go to a new temporary
 * file beside it (`writeNewFile`: unique per process and call, flushed), and
 * the file is renamed over `path` only then. A reader, or a crash at any
 * moment, sees either the old file whole or the new one whole, never a
 * half-written one. Creates the parent directory if needed.
 */
export async function writeFileAtomic(path: string, contents: Uint8Array | string): Promise<void> {
  const fs = await import('node:fs/promises');
  const nodePath = await import('node:path');
  await fs.mkdir(nodePath.dirname(path), { recursive: true });
  const tempPath = await tempPathBeside(path, 'tmp');
  await writeNewFile(tempPath, contents);
  try {
    await fs.rename(tempPath, path);
  } catch (error) {
    await fs.rm(tempPath, { force: true });
    throw error;
  }
}

/** Deletes the file at `path`; nothing there is no error. */
export async function removeFile(path: string): Promise<void> {
  const fs = await import('node:fs/promises');
  await fs.rm(path, { force: true });
}
