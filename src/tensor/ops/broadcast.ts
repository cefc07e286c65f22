/**
 * Broadcasting as an index map. For an output of the broadcast shape, each
 * output element o reads a[aIndex[o]] and b[bIndex[o]]. Forward ops loop over
 * o; backward ops scatter with `dA[aIndex[o]] += …`, which sums the gradient
 * over every broadcast dimension without a separate reduction step.
 */
import { broadcastShapes, broadcastStrides, shapesEqual, sizeOf, type Shape } from '../shape.js';

export interface BroadcastPlan {
  readonly outShape: number[];
  /** Null when the input already has the output's shape (index o maps to o). */
  readonly aIndex: Int32Array | null;
  readonly bIndex: Int32Array | null;
}

/** Works out the output shape and, where needed, the index map of each input. */
export function planBroadcast(aShape: Shape, bShape: Shape, opName: string): BroadcastPlan {
  const outShape = broadcastShapes(aShape, bShape, opName);
  return {
    outShape,
    aIndex: shapesEqual(aShape, outShape) ? null : indexMap(aShape, outShape),
    bIndex: shapesEqual(bShape, outShape) ? null : indexMap(bShape, outShape),
  };
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
