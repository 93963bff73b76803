// Small builders for op table entries that several frameworks share (same math, different parameter names).
import { op } from '../args';
import type { OpArgs, OpSpec, Tensor, Tf, Value } from '../types';
import { asFloat, asTensor } from '../values';
import { type CompareKind, cast, clip, compare, gather, logSoftmax, type ReduceKind, reduce, softmax, where } from './shared';

/** `f(x)` elementwise on a float tensor; `x` is the first parameter's name (`x`, `input`, `self`). */
export function unaryOp(x: string, f: (tf: Tf, t: Tensor) => Tensor): OpSpec {
  return op([x], (a) => f(a.tf, asFloat(a.tf, a.tensor(x))));
}

/** `f(a, b)` with broadcasting. */
export function binaryOp(names: readonly [string, string], f: (tf: Tf, a: Tensor, b: Tensor) => Tensor): OpSpec {
  return op(names, (a) => f(a.tf, asFloat(a.tf, a.tensor(names[0])), asFloat(a.tf, a.tensor(names[1]))));
}

export function compareOp(names: readonly [string, string], kind: CompareKind): OpSpec {
  return op(names, (a) => compare(a.tf, kind, a.tensor(names[0]), a.tensor(names[1])));
}

/** A reduction; params are `[x, axis, keepdims]` under the framework's names (`dim|axis`, `keepdim`). */
export function reduceOp(params: readonly [string, string, string], kind: ReduceKind): OpSpec {
  return op(params, (a) => reduce(a.tf, kind, a.tensor(params[0]), a.axis(params[1]), a.bool(params[2], false)));
}

export function softmaxOp(params: readonly [string, string], log = false): OpSpec {
  return op(params, (a) => (log ? logSoftmax : softmax)(a.tf, a.tensor(params[0]), a.number(params[1], -1)));
}

export function clipOp(params: readonly [string, string, string]): OpSpec {
  return op(params, (a) => clip(a.tf, a.tensor(params[0]), bound(a, params[1]), bound(a, params[2])));
}

function bound(a: OpArgs, name: string): Tensor | number | undefined {
  const v = a.value(name);
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? v : a.tensor(name);
}

export function whereOp(params: readonly [string, string, string]): OpSpec {
  return op(params, (a) => where(a.tf, a.tensor(params[0]), a.tensor(params[1]), a.tensor(params[2])));
}

export function castOp(params: readonly [string, string]): OpSpec {
  return op(params, (a) => cast(a.tf, a.tensor(params[0]), a.value(params[1])));
}

/** A fixed cast (`x.float()`, `x.long()`). */
export function castTo(x: string, dtype: string): OpSpec {
  return op([x], (a) => cast(a.tf, a.tensor(x), dtype));
}

/** `constant(value, dtype)`: numbers and nested lists become tensors. */
export function constantOp(params: readonly [string, string]): OpSpec {
  return op(params, (a) => cast(a.tf, a.tensor(params[0]), a.value(params[1]) ?? 'float32'));
}

/**
 * Frameworks stop gradients explicitly (`tf.stop_gradient`, `x.detach()`); tfjs has no such op, so the value
 * goes through a custom-gradient identity that passes zeros back.
 */
export function stopGradient(tf: Tf, x: Tensor): Tensor {
  const f = tf.customGrad((...inputs) => {
    const t = inputs[0] as Tensor;
    return { value: tf.clone(t), gradFunc: () => tf.zerosLike(t) };
  });
  return f(asFloat(tf, x));
}

/** `norm(x, ord, axis, keepdims)`: the vector p-norm over the axes (Frobenius/2-norm of everything by default). */
export function normOp(params: readonly [string, string, string, string]): OpSpec {
  return op(params, (a) => {
    const { tf } = a;
    const x = asFloat(tf, a.tensor(params[0]));
    const ordValue = a.value(params[1]);
    const ord = ordValue === 'euclidean' || ordValue === 'fro' || ordValue === null || ordValue === undefined ? 2 : a.number(params[1]);
    const axis = a.axis(params[2]);
    const keep = a.bool(params[3], false);
    if (ord === 1) return tf.sum(tf.abs(x), axis, keep);
    if (ord === 2) return tf.sqrt(tf.sum(tf.square(x), axis, keep));
    if (ord === Number.POSITIVE_INFINITY) return tf.max(tf.abs(x), axis, keep);
    return tf.pow(tf.sum(tf.pow(tf.abs(x), ord), axis, keep), 1 / ord);
  });
}

/** Variance over axes; `correction` 1 gives the unbiased estimate (PyTorch's default), 0 the population one. */
export function variance(tf: Tf, x: Tensor, axis: number | number[] | undefined, keep: boolean, correction: number): Tensor {
  const f = asFloat(tf, x);
  const mean = tf.mean(f, axis, true);
  const sq = tf.sum(tf.square(tf.sub(f, mean)), axis, keep);
  const axes = axis === undefined ? f.shape.map((_, i) => i) : (Array.isArray(axis) ? axis : [axis]);
  const n = axes.reduce((acc, ax) => acc * f.shape[ax < 0 ? ax + f.rank : ax], 1);
  return tf.div(sq, Math.max(n - correction, 0));
}

/** `argmax`/`argmin` along an axis (all axes flattened when absent, as NumPy and PyTorch do). */
export function argExtremumOp(params: readonly [string, string], kind: 'max' | 'min'): OpSpec {
  return op(params, (a) => {
    const { tf } = a;
    const x = asFloat(tf, a.tensor(params[0]));
    const axis = a.optNumber(params[1]);
    const f = kind === 'max' ? tf.argMax : tf.argMin;
    return axis === undefined ? f(tf.reshape(x, [-1])) : f(x, axis);
  });
}

/** `tf.gather(params, indices, axis)`: whole slices along an axis. */
export function gatherOp(params: readonly [string, string, string]): OpSpec {
  return op(params, (a) => {
    const { tf } = a;
    return gather(tf, a.tensor(params[0]), a.tensor(params[1]), a.number(params[2], 0));
  });
}

/** Sum of a list of tensors (`tf.add_n`, Python `sum(list)`). */
export function sumList(tf: Tf, items: Value[]): Tensor {
  const ts = items.map((v) => asTensor(tf, v));
  if (ts.length === 0 || ts.some((t) => t === undefined)) throw new Error('expected a non-empty list of tensors');
  return ts.slice(1).reduce<Tensor>((acc, t) => tf.add(acc, asFloat(tf, t as Tensor)), asFloat(tf, ts[0] as Tensor));
}

/** Reshape with a shape given as a tuple or as separate numbers (`x.view(-1)`, `x.view(b, -1)`). */
export function shapeArg(a: OpArgs, name: string): number[] {
  const v = a.value(name);
  const parts = Array.isArray(v) ? v : [v, ...a.rest];
  if (!parts.every((p) => typeof p === 'number')) throw new Error('a shape must be numbers');
  return parts as number[];
}

