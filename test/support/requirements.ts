/**
 * What some tests need from the machine beyond node_modules: the real
 * Fashion-MNIST from Debian's package (and Chromium, see
 * test/browser/chromium.ts). A test that lacks it fails, saying what to
 * install; it is never skipped. .ci/run installs both.
 */
import { existsSync } from 'node:fs';
import { DEBIAN_DIR } from '../../src/data/fashion-mnist.js';

/** Throws, saying how to install it, unless Debian's Fashion-MNIST is at DEBIAN_DIR (or `alternative` says it is elsewhere). */
export function requireFashionMnist(alternative?: { available: boolean; how: string }): void {
  if (existsSync(DEBIAN_DIR) || alternative?.available) return;
  throw new Error(
    `This test needs the real Fashion-MNIST, which is missing: ${DEBIAN_DIR} does not exist. ` +
      `Install Debian's package with: apt-get install dataset-fashion-mnist (.ci/run does)` +
      (alternative ? `, or ${alternative.how}.` : '.'),
  );
}
