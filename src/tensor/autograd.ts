/**
 * Reverse-mode automatic differentiation.
 *
 * Every op that runs while gradients are enabled, on an input that requires a
 * gradient, attaches a `GradNode` to its output: the inputs it read and a
 * `backward` closure, written beside the op's forward code, that turns the
 * output's gradient into its inputs' gradients by the chain rule:
 *
 *     dLoss/dInput += dLoss/dOutput · dOutput/dInput
 *
 * `backward(loss)` orders the recorded graph topologically (outputs before the
 * inputs they were made from) and calls each closure once. Gradients are
 * accumulated with `+=`, so a tensor used twice receives both contributions,
 * and a weight's gradient keeps adding up over several backward() calls
 * until it is zeroed (fit zeroes it after each optimizer step).
 */
import type { Tensor } from './tensor.js';
import { RuntimeError, ShapeError } from '../errors.js';

export interface GradNode {
  /** The op's name, for error messages and for learners inspecting a graph. */
  readonly op: string;
  /** The tensors this output was computed from. */
  readonly inputs: readonly Tensor[];
  /**
   * Adds this op's contribution to the gradient of each input that requires
   * one. `dOut` is dLoss/dOutput, laid out like the output.
   */
  readonly backward: (dOut: Float32Array) => void;
}

let gradEnabled = true;

/** True unless running inside `noGrad`. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording a graph: for inference, metrics and optimizer
 * updates, where no gradient will be asked for. Returns what `fn` returns.
 */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Attaches a graph node to `out` when any input needs a gradient, and returns
 * `out`. Ops call this once, right after computing their forward value.
 */
export function record(
  out: Tensor,
  op: string,
  inputs: readonly Tensor[],
  backward: (dOut: Float32Array) => void,
): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.node = { op, inputs, backward };
  }
  return out;
}

/**
 * The gradient buffer of `t`, created as zeros on first use. Backward
 * closures add into it (`+=`), which is what makes accumulation work.
 */
export function gradBuffer(t: Tensor): Float32Array {
  if (t.grad === null) t.grad = t.zerosLike();
  return t.grad.data;
}

/**
 * Computes d(root)/d(t) for every tensor `t` that `root` was computed from and
 * that requires a gradient, adding into `t.grad`. `root` must be a scalar
 * (a loss); its own gradient is seeded with 1.
 */
export function backward(root: Tensor): void {
  if (root.size !== 1) {
    throw new ShapeError(
      `backward() starts from a scalar, such as a loss. Received: a tensor of shape [${root.shape.join(', ')}]; ` +
        `reduce it first, for example with .sum() or .mean().`,
    );
  }
  if (!root.requiresGrad) {
    throw new RuntimeError(
      'backward(): this tensor does not depend on any tensor that requires a gradient ' +
        '(was it computed inside noGrad, or from constants only?).',
    );
  }
  const order = topologicalOrder(root);
  // Intermediate tensors hold only this pass's gradient: clear what an
  // earlier backward() left in them, or it would flow down a second time.
  // Leaves (weights, inputs) are not in `order` and keep accumulating.
  for (const t of order) t.grad = null;
  gradBuffer(root)[0] = 1;
  // Every gradient buffer is made by gradBuffer() with its tensor's own shape,
  // so a backward closure cannot hand an input a gradient of the wrong shape.
  for (const t of order) if (t.grad !== null) t.node!.backward(t.grad.data);
}

/**
 * The tensors with a graph node reachable from `root`, each listed before any
 * tensor it was computed from. Iterative depth-first search with an explicit
 * stack, so deep graphs cannot overflow the call stack.
 */
export function topologicalOrder(root: Tensor): Tensor[] {
  const postOrder: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Each stack entry is a tensor and how many of its inputs were pushed so far.
  const stack: Array<{ tensor: Tensor; next: number }> = [{ tensor: root, next: 0 }];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top.tensor.node?.inputs ?? [];
    if (top.next < inputs.length) {
      const input = inputs[top.next++]!;
      if (input.node !== null && !visited.has(input)) {
        visited.add(input);
        stack.push({ tensor: input, next: 0 });
      }
    } else {
      stack.pop();
      if (top.tensor.node !== null) postOrder.push(top.tensor);
    }
  }
  return postOrder.reverse();
}
