/**
 * Broadcasting as an index map. For an output of the broadcast shape, each
 * output element o reads a[aIndex[o]] and b[bIndex[o]]. Forward ops loop over
 * o; backward ops scatter with `dA[aIndex[o]] += …`, which sums the gradient
 * over every broadcast dimension without a separate reduction step.
 *
 * Two common cases need no map: an operand of the output's own shape is read
 * at o, and an operand of one element (x.div(255)) at 0. `indexOf` covers all
 * three.
 */
import { broadcastShapes, broadcastStrides, shapesEqual, sizeOf, type Shape } from '../shape.js';

/**
 * How one operand is read: the element for output o is
 * `map ? map[o] : o * stride`, with stride 1 for an operand of the output's
 * shape and 0 for a one-element operand.
 */
export interface OperandIndex {
  readonly map: Int32Array | null;
  readonly stride: 0 | 1;
}

export interface BroadcastPlan {
  readonly outShape: number[];
  readonly a: OperandIndex;
  readonly b: OperandIndex;
}

/** Works out the output shape and how each input is indexed. */
export function planBroadcast(aShape: Shape, bShape: Shape, opName: string): BroadcastPlan {
  const outShape = broadcastShapes(aShape, bShape, opName);
  return { outShape, a: operandIndex(aShape, outShape), b: operandIndex(bShape, outShape) };
}

function operandIndex(shape: Shape, outShape: Shape): OperandIndex {
  if (shapesEqual(shape, outShape)) return { map: null, stride: 1 };
  if (sizeOf(shape) === 1) return { map: null, stride: 0 };
  return { map: indexMap(shape, outShape), stride: 1 };
}

/**
 * For every element of `outShape` (row-major), the index of the element of
 * an input of `shape` that broadcasting reads. Walks the output with an
 * odometer over its dimensions.
 */
export function indexMap(shape: Shape, outShape: Shape): Int32Array {
  const rank = outShape.length;
  const strides = broadcastStrides(shape, outShape);
  const map = new Int32Array(sizeOf(outShape));
  const counter = new Array<number>(rank).fill(0);
  let index = 0;
  for (let o = 0; o < map.length; o++) {
    map[o] = index;
    // Advance the odometer: bump the last dimension, carrying leftwards.
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      index += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      index -= strides[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
  return map;
}
