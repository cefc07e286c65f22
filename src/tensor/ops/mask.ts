/**
 * Multiplying by a fixed mask that broadcasts over the input (dropout's
 * `noiseShape`): the mask is a constant, so only x gets a gradient.
 *
 *     forward    y[o]  = x[o] · mask[m(o)]
 *     backward   dx[o] += dy[o] · mask[m(o)]
 *
 * where m(o) is the mask element that output o reads under broadcasting
 * (see broadcast.ts). The mask must broadcast to x's shape without growing it.
 */
import { gradBuffer, record } from '../autograd.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { planBroadcast } from './broadcast.js';
import { ShapeError } from '../../errors.js';

export function multiplyByMask(x: Tensor, mask: Tensor): Tensor {
  const plan = planBroadcast(x.shape, mask.shape, 'multiplyByMask');
  if (!shapesEqual(plan.outShape, x.shape)) {
    throw new ShapeError(
      `multiplyByMask: the mask must broadcast to the input's shape [${x.shape.join(', ')}] (each of its dimensions equal to the input's or 1). ` +
        `Received: mask.shape=[${mask.shape.join(', ')}]`,
    );
  }
  const { map, stride } = plan.b;
  const X = x.data;
  const M = mask.data;
  const out = new Float32Array(X.length);
  for (let o = 0; o < out.length; o++) out[o] = X[o]! * M[map ? map[o]! : o * stride]!;
  return record(new Tensor(out, x.shape), 'multiplyByMask', [x], (dOut) => {
    const dX = gradBuffer(x);
    for (let o = 0; o < dOut.length; o++) dX[o]! += dOut[o]! * M[map ? map[o]! : o * stride]!;
  });
}
