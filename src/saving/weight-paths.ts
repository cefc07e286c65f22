/**
 * Where the weights files a model.json names may be: inside the model's own
 * directory, nowhere else. A model.json is data from anywhere (downloaded,
 * shared), and its `weightsManifest[].paths` must not be able to make
 * loadModel read `../../home/me/.ssh/id_rsa` into a kernel.
 *
 * A path is accepted when it is relative (no leading `/`, no drive letter, no
 * URL scheme), has no `..` segment, names a regular file, and still lies
 * inside the directory once symbolic links are resolved (realpath); each file
 * may be listed once. Node only.
 */
import { FileFormatError } from '../errors.js';
import { weightPathProblem } from './weight-path-rules.js';

/** A weights file: its path as listed (for messages) and the real path it resolves to (to read). */
export interface WeightFile {
  path: string;
  real: string;
}

/** The resolved, checked weights files of a manifest, in manifest order. */
export async function confinedWeightPaths(paths: readonly string[], jsonPath: string): Promise<WeightFile[]> {
  const nodePath = await import('node:path');
  const fs = await import('node:fs/promises');
  const dir = nodePath.dirname(jsonPath);
  const realDir = await fs.realpath(dir).catch(() => {
    throw new FileFormatError(jsonPath, `${jsonPath}: cannot resolve the model's directory, where its weights files are.`);
  });
  const seen = new Set<string>();
  const files: WeightFile[] = [];
  for (const [i, raw] of paths.entries()) {
    const field = `${jsonPath}: weightsManifest paths[${i}]`;
    const reject = (why: string) => {
      throw new FileFormatError(jsonPath, `${field}: ${why}; a weights file must lie in the model's own directory. Received: ${JSON.stringify(raw.slice(0, 200))}`);
    };
    const relative = raw.startsWith('./') ? raw.slice(2) : raw;
    const problem = weightPathProblem(raw) ?? (nodePath.isAbsolute(relative) ? 'the path is absolute or a URL' : null);
    if (problem !== null) reject(problem);
    const file = nodePath.join(dir, relative);
    let real: string;
    try {
      real = await fs.realpath(file);
    } catch {
      throw new FileFormatError(file, `${file}: cannot read this weights file, listed in ${jsonPath}'s weightsManifest (paths[${i}]). Received: no such file.`);
    }
    if (!real.startsWith(realDir + nodePath.sep)) reject('the path is a symbolic link that leads out of the directory');
    if (seen.has(real)) reject('the file is listed twice');
    seen.add(real);
    files.push({ path: file, real });
  }
  return files;
}
