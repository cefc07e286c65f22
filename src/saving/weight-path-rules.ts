/**
 * What a `weightsManifest` path may be, wherever it is read from (a disk, a
 * server, files a user picked): a name relative to the model.json, in its
 * directory or below it. Pure: weight-paths.ts adds the checks only a file
 * system can make (symbolic links, regular files), the browser handlers the
 * check of the URL a path resolves to.
 */

/** Why `raw` may not be read as a weights path, or null when it may. */
export function weightPathProblem(raw: string): string | null {
  const relative = raw.startsWith('./') ? raw.slice(2) : raw;
  if (relative === '') return 'the path is empty';
  if (relative.includes('\0')) return 'the path holds a NUL character';
  if (/^[\\/]/.test(relative) || /^[a-z]:/i.test(relative) || /^[a-z][a-z0-9+.-]*:/i.test(relative)) return 'the path is absolute or a URL';
  // A URL reads %2e%2e as '..': the decoded segments count too.
  let decoded = relative;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return 'the path holds a malformed %-escape';
  }
  const climbs = (text: string) => text.split(/[\\/]/).includes('..');
  if (climbs(relative) || climbs(decoded)) return "the path climbs out with '..'";
  return null;
}
