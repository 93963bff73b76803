// Small builders for op table entries that several frameworks share (same math, different parameter names).

import { op } from '../args';
import { LossEvaluationError } from '../errors';
import type { OpArgs, OpSpec, Tensor, Tf, Value } from '../types';
import { asFloat, asTensor } from '../values';
import { type CompareKind, cast, clip, compare, gather, logSoftmax, matmul, type ReduceKind, reduce, softmax, where } from './shared';

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

/** The element-wise logical not (`tf.logical_not`, `torch.logical_not`, `tf.logicalNot`): true where x is 0 or false. */
export function logicalNotOp(name: string): OpSpec {
  return op([name], (a) => compare(a.tf, '==', a.tensor(name.split('|')[0]!), a.tf.scalar(0)));
}

/** A reduction; params are `[x, axis, keepdims]` under the framework's names (`dim|axis`, `keepdim`). */
export function reduceOp(params: readonly [string, string, string], kind: ReduceKind): OpSpec {
  return op(params, (a) => {
    const x = a.tensor(params[0]);
    // A reduction of nothing is no number (and on wasm, whatever the memory held): say so where it is written when
    // the emptiness is in the values' own axes (y[:, 3:] of 3 outputs). A batch a mask leaves empty
    // (`pred[group == 1]` on a batch with no such row) is data, not a mistake in the loss: it stays as the framework has it.
    if (x.shape.slice(1).includes(0)) throw new LossEvaluationError(a.op, a.range, `reduces an empty tensor (shape [${x.shape.join(', ')}]): the values it is given select nothing on the trial's data`);
    return reduce(a.tf, kind, x, a.axis(params[1]), a.bool(params[2], false));
  });
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

/**
 * `norm(x, ord, axis, keepdims)`: the vector p-norm over the axes (the 2-norm of every element by default, which is
 * the Frobenius norm of a matrix). A numeric `ord` over two axes is the induced matrix norm where the framework says
 * so (`matrix`): 'axes' when two axes are given (`tf.norm`), 'numpy' also for a 2-D input without axes
 * (`torch.linalg.norm`, `keras.ops.norm`): 1 → largest column sum of |x|, inf → largest row sum; the spectral (2)
 * and nuclear norms need singular values, which the trainer does not compute. `torch.norm` is always a vector norm.
 */
export function normOp(params: readonly [string, string, string, string], matrix: 'never' | 'axes' | 'numpy' = 'never'): OpSpec {
  return op(params, (a) => {
    const { tf } = a;
    const x = asFloat(tf, a.tensor(params[0]));
    const ordValue = a.value(params[1]);
    const axis = a.axis(params[2]);
    const keep = a.bool(params[3], false);
    if (ordValue === 'fro' || ordValue === 'euclidean' || ordValue === null || ordValue === undefined) return pNorm(tf, x, 2, axis, keep);
    if (typeof ordValue === 'string') throw new Error(`ord='${ordValue}' needs singular values, which the trainer does not compute: use 'fro'`);
    const ord = a.number(params[1]);
    const axes = axis === undefined ? (matrix === 'numpy' && x.rank === 2 ? [0, 1] : undefined) : Array.isArray(axis) ? axis : [axis];
    if (matrix !== 'never' && axes?.length === 2) return matrixNorm(tf, x, ord, axes as [number, number], keep);
    return pNorm(tf, x, ord, axis, keep);
  });
}

export function pNorm(tf: Tf, x: Tensor, ord: number, axis: number | number[] | undefined, keep: boolean): Tensor {
  if (ord === 1) return tf.sum(tf.abs(x), axis, keep);
  if (ord === 2) return rootAtZero(tf, tf.sum(tf.square(x), axis, keep), 2);
  if (ord === Number.POSITIVE_INFINITY) return tf.max(tf.abs(x), axis, keep);
  if (ord === Number.NEGATIVE_INFINITY) return tf.min(tf.abs(x), axis, keep);
  return rootAtZero(tf, tf.sum(tf.pow(tf.abs(x), ord), axis, keep), ord);
}

/**
 * s^(1/p) whose gradient is 0 where s = 0, as PyTorch's norm backward gives at a zero vector (a bias initialised to
 * zeros in `for p in model.parameters(): l2 += torch.norm(p)`): the plain root's derivative there is infinite, and
 * times the zero gradient of Σx² it is NaN. The root is taken of 1 where s = 0 and the result masked (both branches
 * of a `where` are differentiated, so the inner one must be finite too).
 */
function rootAtZero(tf: Tf, s: Tensor, p: number): Tensor {
  const root = (sum: Tensor): [Tensor, Tensor, Tensor] => {
    const positive = tf.greater(sum, 0);
    const safe = tf.where(positive, sum, tf.onesLike(sum));
    return [positive, safe, p === 2 ? tf.sqrt(safe) : tf.pow(safe, 1 / p)];
  };
  const f = tf.customGrad((...args) => {
    const sum = args[0] as Tensor;
    (args[1] as (ts: Tensor[]) => void)([sum]);
    const [positive, , r] = root(sum);
    return {
      value: tf.where(positive, r, tf.zerosLike(sum)),
      // d s^(1/p) / ds = s^(1/p) / (p·s), 0 where s = 0
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const [pos, safe, r0] = root(saved[0]!);
        return tf.mul(dy as Tensor, tf.where(pos, tf.div(r0, tf.mul(safe, p)), tf.zerosLike(safe)));
      },
    };
  });
  return f(s);
}

/** Induced matrix norms over `[rows, cols]` axes: 1 (max column sum), inf (max row sum), their negatives (min). */
function matrixNorm(tf: Tf, x: Tensor, ord: number, [rows, cols]: [number, number], keep: boolean): Tensor {
  const r = rows < 0 ? rows + x.rank : rows;
  const c = cols < 0 ? cols + x.rank : cols;
  const [sumAxis, pickAxis] = Math.abs(ord) === 1 ? [r, c] : Math.abs(ord) === Number.POSITIVE_INFINITY ? [c, r] : [-1, -1];
  if (sumAxis < 0) throw new Error(`the matrix norm ord=${ord} needs singular values, which the trainer does not compute: use 'fro' or ord=1/inf`);
  const sums = tf.sum(tf.abs(x), sumAxis, true);
  const picked = ord > 0 ? tf.max(sums, pickAxis, true) : tf.min(sums, pickAxis, true);
  return keep ? picked : tf.squeeze(picked, [r, c]);
}

/** A square matrix with ones on its diagonal (`torch.eye(n, m)`, `tf.eye(n, num_columns)`). */
export function eyeOp(params: readonly [string, string]): OpSpec {
  return op(params, (a) => {
    const n = a.number(params[0]);
    const m = a.optNumber(params[1]);
    return a.tf.eye(n, m ?? n);
  });
}

export function matmulOp(params: readonly [string, string], transposes?: readonly [string, string]): OpSpec {
  return op(transposes ? [...params, ...transposes] : params, (a) =>
    matmul(a.tf, a.tensor(params[0]), a.tensor(params[1]), transposes ? a.bool(transposes[0], false) : false, transposes ? a.bool(transposes[1], false) : false),
  );
}

/** `unstack(x, axis)` / `torch.unbind(x, dim)`: the slices along an axis, as a list. */
export function unstackOp(params: readonly [string, string]): OpSpec {
  return op(params, (a) => a.tf.unstack(asFloat(a.tf, a.tensor(params[0])), a.number(params[1], 0)));
}

/** `stack(values, axis)` / `concat(values, axis)` of a list of tensors (numbers and nested lists become tensors). */
export function joinOp(params: readonly [string, string], kind: 'stack' | 'concat', defaultAxis = 0): OpSpec {
  return op(params, (a) => {
    const v = a.value(params[0]);
    if (!Array.isArray(v) || v.length === 0) throw new Error('expected a non-empty list of tensors');
    const ts = v.map((item) => {
      const t = asTensor(a.tf, item);
      if (!t) throw new Error('expected a list of tensors');
      return asFloat(a.tf, t);
    });
    const axis = a.number(params[1], defaultAxis);
    return kind === 'stack' ? a.tf.stack(ts, axis) : a.tf.concat(ts, axis);
  });
}

/** Permutes axes given as a tuple or as separate numbers (`x.permute(0, 2, 1)`, `tf.transpose(x, perm=[0, 2, 1])`). */
export function permuteOp(params: readonly [string, string]): OpSpec {
  return op(params, (a) => {
    const x = a.tensor(params[0]);
    if (!a.has(params[1])) return a.tf.transpose(x);
    return a.tf.transpose(x, shapeArg(a, params[1]).map((d) => (d < 0 ? d + x.rank : d)));
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

