/**
 * Regularizers, as Keras defines them: a penalty on a tensor x (a layer's
 * kernel or bias, or its output for an activity regularizer) that training
 * adds to the loss, pulling weights towards 0:
 *
 *     L1(l1):        l1 · Σ|x|                 (∂/∂x = l1 · sign(x), 0 at 0)
 *     L2(l2):        l2 · Σx²                  (∂/∂x = 2 · l2 · x)
 *     L1L2(l1, l2):  l1 · Σ|x| + l2 · Σx²
 *
 * keras.regularizers.l1(0.01), l2(0.01), l1l2({ l1, l2 }) make them, and
 * layers accept the strings 'l1', 'l2' (factor 0.01, Keras's default) and
 * 'l1l2' (the L1L2 class, 0 for both by default). They are saved as Keras
 * writes them: { class_name: 'L2', config: { l2: 0.01 } }.
 */
import { gradBuffer, record } from '../tensor/autograd.js';
import { Tensor } from '../tensor/tensor.js';
import { describeValue, ValueError } from '../errors.js';
import { checkOptions } from '../utils/options.js';

/** Σ|x|, a scalar, with its gradient sign(x) (0 at 0, as Keras's backends). */
function sumOfAbsolutes(x: Tensor): Tensor {
  const X = x.data;
  let total = 0;
  for (let i = 0; i < X.length; i++) total += Math.abs(X[i]!);
  return record(new Tensor(Float32Array.of(total), []), 'sumOfAbsolutes', [x], (dOut) => {
    const dX = gradBuffer(x);
    const g = dOut[0]!;
    for (let i = 0; i < X.length; i++) dX[i]! += g * Math.sign(X[i]!);
  });
}

/** A factor: a finite number ≥ 0. */
function factor(where: string, name: string, value: unknown, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValueError(`${where}: ${name} must be a finite number ≥ 0. Received: ${name}=${describeValue(value)}`);
  return v;
}

/** What every regularizer is: its penalty on a tensor, and its Keras config. */
export abstract class Regularizer {
  /** The Keras class name, as saved: 'L1', 'L2' or 'L1L2'. */
  abstract readonly className: 'L1' | 'L2' | 'L1L2';
  /** The penalty on x, a scalar tensor autograd can differentiate. */
  abstract call(x: Tensor): Tensor;
  /** Keras's config: { l1 }, { l2 } or { l1, l2 }. */
  abstract getConfig(): Record<string, number>;
}

/** l1 · Σ|x|. */
export class L1 extends Regularizer {
  readonly className = 'L1';
  readonly l1: number;

  /** `new L1(0.01)` as Keras writes it, or `new L1({ l1: 0.01 })`; 0.01 by default. */
  constructor(l1: number | { l1?: number } = {}) {
    super();
    const options = typeof l1 === 'number' ? { l1 } : l1;
    checkOptions('L1', options, ['l1']);
    this.l1 = factor('L1', 'l1', options.l1, 0.01);
  }

  call(x: Tensor): Tensor {
    return sumOfAbsolutes(x).mul(this.l1);
  }

  getConfig(): Record<string, number> {
    return { l1: this.l1 };
  }
}

/** l2 · Σx². */
export class L2 extends Regularizer {
  readonly className = 'L2';
  readonly l2: number;

  /** `new L2(0.01)` as Keras writes it, or `new L2({ l2: 0.01 })`; 0.01 by default. */
  constructor(l2: number | { l2?: number } = {}) {
    super();
    const options = typeof l2 === 'number' ? { l2 } : l2;
    checkOptions('L2', options, ['l2']);
    this.l2 = factor('L2', 'l2', options.l2, 0.01);
  }

  call(x: Tensor): Tensor {
    return x.square().sum().mul(this.l2);
  }

  getConfig(): Record<string, number> {
    return { l2: this.l2 };
  }
}

/** l1 · Σ|x| + l2 · Σx²; each term only when its factor is not 0, as Keras. */
export class L1L2 extends Regularizer {
  readonly className = 'L1L2';
  readonly l1: number;
  readonly l2: number;

  /** Both 0 by default, as Keras's class (keras.regularizers.l1l2() is the same). */
  constructor(options: { l1?: number; l2?: number } = {}) {
    super();
    checkOptions('L1L2', options, ['l1', 'l2']);
    this.l1 = factor('L1L2', 'l1', options.l1, 0);
    this.l2 = factor('L1L2', 'l2', options.l2, 0);
  }

  call(x: Tensor): Tensor {
    const terms: Tensor[] = [];
    if (this.l1 !== 0) terms.push(sumOfAbsolutes(x).mul(this.l1));
    if (this.l2 !== 0) terms.push(x.square().sum().mul(this.l2));
    return terms.length === 0 ? new Tensor(new Float32Array(1), []) : terms.reduce((a, b) => a.add(b));
  }

  getConfig(): Record<string, number> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** keras.regularizers.l1(l1 = 0.01). */
export function l1(l1 = 0.01): L1 {
  return new L1(l1);
}

/** keras.regularizers.l2(l2 = 0.01). */
export function l2(l2 = 0.01): L2 {
  return new L2(l2);
}

/** keras.regularizers.l1l2({ l1, l2 }) (Keras's l1_l2, the L1L2 class): 0 each by default, as Keras 3. */
export function l1l2(options: { l1?: number; l2?: number } = {}): L1L2 {
  return new L1L2(options);
}

/** A regularizer as layers take it: an instance, a Keras string ('l1', 'l2', 'l1l2', any case), or null/undefined for none. */
export type RegularizerIdentifier = Regularizer | 'l1' | 'l2' | 'l1l2' | 'L1' | 'L2' | 'L1L2' | null;

/** The regularizer an option names, or null; `where` and `option` name it in errors. */
export function getRegularizer(identifier: unknown, where: string, option: string): Regularizer | null {
  if (identifier === undefined || identifier === null) return null;
  if (identifier instanceof Regularizer) return identifier;
  if (typeof identifier === 'string') {
    const key = identifier.toLowerCase();
    if (key === 'l1') return new L1();
    if (key === 'l2') return new L2();
    if (key === 'l1l2') return new L1L2();
  }
  throw new ValueError(
    `${where}: ${option} must be a regularizer (keras.regularizers.l2(0.01)) or one of 'l1', 'l2', 'l1l2'. Received: ${option}=${describeValue(identifier)}`,
  );
}

/** Keras's serialized form, { class_name: 'L2', config: { l2: 0.01 } }, or null for none. */
export function serializeRegularizer(regularizer: Regularizer | null): { class_name: string; config: Record<string, number> } | null {
  return regularizer === null ? null : { class_name: regularizer.className, config: regularizer.getConfig() };
}

/** The regularizer a Keras config entry describes (null for none), or throws a ValueError saying what is wrong. */
export function regularizerFromConfig(entry: unknown, key: string): Regularizer | null {
  if (entry === undefined || entry === null) return null;
  const className = typeof entry === 'object' ? (entry as { class_name?: unknown }).class_name : undefined;
  const config = typeof entry === 'object' ? ((entry as { config?: unknown }).config ?? {}) : undefined;
  if (typeof className === 'string' && typeof config === 'object' && config !== null) {
    const c = config as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    if (className === 'L1') return new L1({ l1: num(c.l1) ?? 0.01 });
    if (className === 'L2') return new L2({ l2: num(c.l2) ?? 0.01 });
    if (className === 'L1L2') return new L1L2({ l1: num(c.l1) ?? 0, l2: num(c.l2) ?? 0 });
  }
  throw new ValueError(`${key}: tinykeras has the regularizers L1, L2 and L1L2. Received: ${key}=${JSON.stringify(entry)}`);
}
