/**
 * The folder rules of README's "How it is built", checked on the sources:
 * dependencies point one way, with no cycle between folders, and no file
 * cycle outside src/tensor (where Tensor ↔ ops is inherent).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
  /** `import('…')`, loaded when the code runs. */
  dynamic: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import and re-export under src/, static or dynamic, as paths relative to src/. */
function importsOf(files: readonly string[]): Import[] {
  const pattern = /(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(pattern)].map((m) => ({
      from: relative(SRC, file),
      to: relative(SRC, resolve(dirname(file), (m[2] ?? m[3])!)).replace(/\.js$/, '.ts'),
      typeOnly: m[1] !== undefined,
      dynamic: m[3] !== undefined,
    })),
  );
}

/** src/layers/dense.ts → 'layers'; src/errors.ts → 'errors'. */
const folderOf = (path: string) => path.split('/')[0]!.replace(/\.ts$/, '');

const imports = importsOf(sourceFiles(SRC));

/** Whether `to` is reachable from `from` along `edges`. */
function reaches(edges: Map<string, Set<string>>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node === to) return true;
    if (seen.has(node)) continue;
    seen.add(node);
    stack.push(...(edges.get(node) ?? []));
  }
  return false;
}

function graph(pairs: readonly [string, string][]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const [a, b] of pairs) {
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  }
  return edges;
}

describe('the layout of src/', () => {
  it('reads the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(100);
    expect(imports).toContainEqual({ from: 'models/sequential.ts', to: 'training/fit.ts', typeOnly: false, dynamic: false });
  });

  it('has no import cycle between folders', () => {
    const crossing = imports.filter((i) => folderOf(i.from) !== folderOf(i.to));
    const edges = graph(crossing.map((i) => [folderOf(i.from), folderOf(i.to)]));
    const onCycles = crossing.filter((i) => reaches(edges, folderOf(i.to), folderOf(i.from)));
    expect(onCycles.map((i) => `${i.from} → ${i.to}`)).toEqual([]);
  });

  it('has no file cycle outside src/tensor', () => {
    const outside = imports.filter((i) => !i.from.startsWith('tensor/'));
    const edges = graph(imports.map((i) => [i.from, i.to]));
    const onCycles = outside.filter((i) => reaches(edges, i.to, i.from));
    expect(onCycles.map((i) => `${i.from} → ${i.to}`)).toEqual([]);
  });

  // The entry points (index.ts for Node, browser.ts, and core.ts, what both export), api/ (the
  // public namespaces they export) and platform/, which wires a runtime's modules into the
  // registries below it, are the top.
  const top = ['api', 'platform', 'core', 'index', 'browser'];
  const forbidden: Record<string, string[]> = {
    tensor: ['io', 'layers', 'optim', 'losses', 'data', 'callbacks', 'fused', 'training', 'saving', 'models', ...top],
    utils: ['io', 'tensor', 'layers', 'optim', 'losses', 'data', 'callbacks', 'fused', 'training', 'saving', 'models', ...top],
    // File and byte plumbing: a leaf beside utils/, which the folders that read and write files use.
    io: ['tensor', 'layers', 'optim', 'losses', 'data', 'callbacks', 'fused', 'training', 'saving', 'models', 'config', ...top],
    layers: ['io', 'optim', 'losses', 'data', 'callbacks', 'fused', 'training', 'saving', 'models', ...top],
    // Penalties on weights and outputs: layers take them as options, training adds them to the loss.
    regularizers: ['io', 'layers', 'optim', 'losses', 'data', 'callbacks', 'fused', 'training', 'saving', 'models', ...top],
    optim: ['io', 'layers', 'losses', 'data', 'callbacks', 'fused', 'training', 'saving', 'models', ...top],
    losses: ['io', 'layers', 'optim', 'data', 'callbacks', 'fused', 'training', 'saving', 'models', ...top],
    data: ['layers', 'optim', 'losses', 'callbacks', 'fused', 'training', 'saving', 'models', ...top],
    callbacks: ['fused', 'training', 'saving', 'models', ...top],
    fused: ['callbacks', 'training', 'saving', 'models', ...top],
    training: ['saving', 'models', ...top],
    saving: ['models', ...top],
    models: top,
    platform: ['api', 'core', 'index', 'browser'],
    api: ['platform', 'core', 'index', 'browser'],
    core: ['platform', 'index', 'browser'],
  };
  for (const [folder, above] of Object.entries(forbidden)) {
    it(`keeps ${folder}/ below ${above.join(', ')}`, () => {
      const upward = imports.filter((i) => folderOf(i.from) === folder && above.includes(folderOf(i.to)));
      expect(upward.map((i) => `${i.from} → ${i.to}`)).toEqual([]);
    });
  }

  it('keeps Node modules in io/ to its node-*.ts files, which no platform-neutral io/ file imports', () => {
    const ioFiles = sourceFiles(join(SRC, 'io')).map((file) => relative(SRC, file));
    expect(ioFiles).toContain('io/node-files.ts');
    const nodeImport = /(?:from\s+|import\(\s*)['"](node:[^'"]+|fs|path|os|zlib|crypto|worker_threads)['"]/;
    const isNodeOnly = (file: string) => /^io\/node-[^/]+\.ts$/.test(file);
    expect(ioFiles.filter((file) => !isNodeOnly(file) && nodeImport.test(readFileSync(join(SRC, file), 'utf8')))).toEqual([]);
    const neutralToNode = imports.filter((i) => folderOf(i.from) === 'io' && !isNodeOnly(i.from) && isNodeOnly(i.to) && !i.typeOnly);
    expect(neutralToNode.map((i) => `${i.from} → ${i.to}`)).toEqual([]);
  });

  it('reaches the kernels only through kernels/index.ts, and the SIMD tier only through the tier switch', () => {
    const inKernels = (file: string) => file.startsWith('tensor/kernels/');
    const door = ['tensor/kernels/index.ts', 'tensor/kernels/tier.ts', 'tensor/kernels/worker-tier.ts'];
    const sideways = imports.filter((i) => !inKernels(i.from) && inKernels(i.to) && !door.includes(i.to));
    expect(sideways.map((i) => `${i.from} → ${i.to}`)).toEqual([]);
    const inSimd = (file: string) => file.startsWith('tensor/kernels/simd/');
    const toSimd = new Set(imports.filter((i) => inSimd(i.to) && !inSimd(i.from)).map((i) => `${i.from} → ${i.to}`));
    expect([...toSimd].sort()).toEqual(['tensor/kernels/tier.ts → tensor/kernels/simd/simd-table.ts', 'tensor/kernels/worker-tier.ts → tensor/kernels/simd/simd-table.ts']);
    // The calling thread's switch loads it on demand; the workers' switch is imported by the worker loop alone.
    expect(readFileSync(join(SRC, 'tensor/kernels/tier.ts'), 'utf8')).not.toMatch(/^import[^;]*simd\//m);
    expect([...new Set(imports.filter((i) => i.to === 'tensor/kernels/worker-tier.ts').map((i) => i.from))]).toEqual(['fused/threads/worker-loop.ts']);
  });

  /** The files reachable from `entry` along static imports that are not type-only. */
  function staticGraph(entry: string): Set<string> {
    const reachable = new Set<string>();
    const stack = [entry];
    while (stack.length > 0) {
      const file = stack.pop()!;
      if (reachable.has(file)) continue;
      reachable.add(file);
      stack.push(...imports.filter((i) => i.from === file && !i.typeOnly && !i.dynamic).map((i) => i.to));
    }
    return reachable;
  }

  it('keeps the SIMD tier out of the static module graph of the library', () => {
    const graph = staticGraph('core.ts');
    expect(graph.has('layers/dense.ts')).toBe(true);
    expect([...graph].filter((file) => file.startsWith('tensor/kernels/simd/'))).toEqual([]);
  });

  it("keeps dynamic imports out of the pool workers' module graphs (bundlers build workers without code splitting)", () => {
    for (const entry of ['fused/threads/web-worker-entry.ts', 'fused/threads/worker-entry.ts']) {
      const graph = staticGraph(entry);
      expect(graph.has('fused/step.ts')).toBe(true);
      const withDynamicImports = [...graph].filter((file) => /\bimport\(\s*['"]/.test(readFileSync(join(SRC, file), 'utf8')));
      expect(withDynamicImports, entry).toEqual([]);
    }
  });

  it('lets the fused executor read layer descriptions, never layer classes', () => {
    const fromFused = imports.filter((i) => folderOf(i.from) === 'fused' && folderOf(i.to) === 'layers');
    expect(fromFused.length).toBeGreaterThan(0);
    expect(fromFused.filter((i) => !i.typeOnly).map((i) => `${i.from} → ${i.to}`)).toEqual([]);
  });

  it('keeps every Node module out of the browser entry\'s module graph, dynamic imports included', () => {
    const reachable = new Set<string>();
    const stack = ['browser.ts'];
    while (stack.length > 0) {
      const file = stack.pop()!;
      if (reachable.has(file)) continue;
      reachable.add(file);
      stack.push(...imports.filter((i) => i.from === file && !i.typeOnly).map((i) => i.to));
    }
    expect(reachable.has('models/sequential.ts')).toBe(true);
    const nodeImport = /(?:from\s+|import\(\s*)['"](node:[^'"]+|fs|path|os|zlib|crypto|worker_threads)['"]/;
    const offending = [...reachable].filter((file) => nodeImport.test(readFileSync(join(SRC, file), 'utf8')));
    expect(offending).toEqual([]);
  });
});
