/**
 * Finding a Python that has PyTorch, for the PyTorch peer: `python3` on the
 * PATH first, then Debian's `/usr/bin/python3` (where `apt-get install
 * python3-torch` puts it). Nothing is installed; without one the peer is
 * skipped and the report says so.
 */
import { spawnSync } from 'node:child_process';

export const PYTHON_CANDIDATES = ['python3', '/usr/bin/python3'] as const;

/** The first candidate for which `python3 -c "import torch"` succeeds, or null. */
export function findTorchPython(): string | null {
  for (const python of PYTHON_CANDIDATES) {
    const run = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (run.status === 0) return python;
  }
  return null;
}
