/**
 * Every kind of op the fused executor runs, one line each. A new kind (a
 * BatchNormalization, say) is a file beside these with its record and
 * its OpKind, a line in each list below, and its rule in plan.ts (where it
 * may stand in a chain); step.ts and forward-block.ts run whatever is here.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { denseKind, type DenseOp } from './dense.js';
import { conv2dKind, type Conv2DOp } from './conv2d.js';
import { pool2dKind, type Pool2DOp } from './pool.js';
import { dropoutKind, type DropoutOp } from './dropout.js';
import type { OpKind } from './kind.js';

export type { DenseOp } from './dense.js';
export type { Conv2DOp } from './conv2d.js';
export type { Pool2DOp } from './pool.js';
export type { DropoutOp } from './dropout.js';

/** An op of a plan (`W` = Tensor) or of a step's state (`W` = Float32Array). */
export type FusedOp<W = Tensor> = DenseOp<W> | Conv2DOp<W> | Pool2DOp | DropoutOp;

const KINDS = {
  dense: denseKind,
  conv2d: conv2dKind,
  pool2d: pool2dKind,
  dropout: dropoutKind,
} as const;

/** The kind of `op`: what the step and the planner call for it. */
export function kindOf(op: FusedOp<Tensor> | FusedOp<Float32Array>): OpKind<FusedOp<Float32Array>, FusedOp> {
  return KINDS[op.kind] as OpKind<FusedOp<Float32Array>, FusedOp>;
}
