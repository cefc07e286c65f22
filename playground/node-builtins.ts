import type { Plugin } from 'vite';

/**
 * The library loads Node's modules (files, worker threads) with dynamic
 * imports, or in modules loaded by dynamic imports, that a page never
 * reaches. In the page's bundle each becomes a module that throws if it ever
 * is reached, instead of a warning per import.
 */
export function nodeBuiltinsUnavailable(): Plugin {
  const prefix = '\0node-only:';
  return {
    name: 'tinykeras-node-builtins-unavailable',
    enforce: 'pre',
    resolveId(id, _importer, options) {
      return id.startsWith('node:') && !options?.ssr ? prefix + id : null;
    },
    load(id) {
      if (!id.startsWith(prefix)) return null;
      const name = JSON.stringify(id.slice(prefix.length));
      // Named imports (`import { cpus } from 'node:os'`) resolve to the default export's properties, which never get read.
      return {
        code: `throw new Error(${name} + ' is a Node.js module; tinykeras does not use it in a browser.');\nexport default {};`,
        syntheticNamedExports: true,
      };
    },
  };
}
