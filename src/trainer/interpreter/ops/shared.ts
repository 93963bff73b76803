// Math shared by the framework op tables: reductions with axis/keepdims, softmax on any axis, clipping, casts,
// comparisons (outside the gradient, as the frameworks treat them) and the reduction modes of loss functions.
import { LossEvaluationError } from '../errors';
import type { OpArgs, Tensor, Tf, Value } from '../types';
import { asFloat } from '../values';

export type ReduceKind = 'sum' | 'mean' | 'max' | 'min' | 'prod' | 'logsumexp';

/** Reduces `x` over `axis` (undefined: every axis); negative axes count from the end as in every framework. */
export function reduce(tf: Tf, kind: ReduceKind, x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  const f = kind === 'max' || kind === 'min' ? x : asFloat(tf, x);
  switch (kind) {
    case 'sum': return tf.sum(f, axis, keepDims);
    case 'mean': return tf.mean(f, axis, keepDims);
    case 'max': return tf.max(f, axis, keepDims);
    case 'min': return tf.min(f, axis, keepDims);
    case 'prod': return tf.prod(f, axis, keepDims);
    case 'logsumexp': return tf.logSumExp(f, axis, keepDims);
  }
}

/**
 * `tf.slice` with the bounds the user's code gives checked first: the wasm backend reads past a tensor's end without
 * a word (zeros or stale memory, or an abort that takes the trainer down), where the CPU backend throws
 * "begin[1] + size[1] (12) would overflow input.shape[1] (4)". The same check, on every backend.
 */
export function checkedSlice(tf: Tf, x: Tensor, begin: number | number[], size?: number | number[]): Tensor {
  const [b, s] = tf.slice_util.parseSliceParams(x, begin, size);
  tf.slice_util.assertParamsValid(x, b, s);
  return tf.slice(x, b, s);
}

/** Softmax along any axis (tfjs' own only takes the last one). */
export function softmax(tf: Tf, x: Tensor, axis = -1): Tensor {
  const f = asFloat(tf, x);
  const e = tf.exp(tf.sub(f, tf.max(f, axis, true)));
  return tf.div(e, tf.sum(e, axis, true));
}

export function logSoftmax(tf: Tf, x: Tensor, axis = -1): Tensor {
  const f = asFloat(tf, x);
  return tf.sub(f, tf.logSumExp(f, axis, true));
}

/** Clip to [lo, hi]; either bound may be absent (`torch.clamp(x, min=0)`). Bounds may be tensors. */
export function clip(tf: Tf, x: Tensor, lo?: Tensor | number, hi?: Tensor | number): Tensor {
  let out = asFloat(tf, x);
  if (typeof lo === 'number' && typeof hi === 'number') return tf.clipByValue(out, lo, hi);
  if (lo !== undefined) out = tf.maximum(out, lo);
  if (hi !== undefined) out = tf.minimum(out, hi);
  return out;
}

/** A framework dtype name (`tf.float32`, `torch.long`, `'float'`) as a tfjs dtype. */
export function tfjsDtype(name: Value | undefined): 'float32' | 'int32' | 'bool' {
  if (typeof name !== 'string') return 'float32';
  if (/^(bool|boolean)$/.test(name)) return 'bool';
  if (/^(u?int(8|16|32|64)?|long|short)$/.test(name)) return 'int32';
  return 'float32';
}

/** Whether a value names a dtype (`.to(torch.float32)`) rather than a device (`.to(pred.device)`, `.to('cpu')`). */
export function isDtypeName(v: Value | undefined): boolean {
  return typeof v === 'string' && /^(bool|boolean|u?int(8|16|32|64)?|long|short|float(16|32|64)?|double|half)$/.test(v);
}

/** The difference of neighbours along an axis (`torch.diff`): x[1:] − x[:-1]. */
export function diff(tf: Tf, x: Tensor, axis = -1): Tensor {
  const f = asFloat(tf, x);
  const ax = axis < 0 ? axis + f.rank : axis;
  const n = f.shape[ax] as number;
  const begin = (start: number) => f.shape.map((_, d) => (d === ax ? start : 0));
  const size = f.shape.map((s, d) => (d === ax ? n - 1 : s));
  return tf.sub(tf.slice(f, begin(1), size), tf.slice(f, begin(0), size));
}

export function cast(tf: Tf, x: Tensor, dtype: Value | undefined): Tensor {
  const d = tfjsDtype(dtype);
  return x.dtype === d ? x : tf.cast(x, d);
}

export type CompareKind = '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or' | 'xor';

/**
 * A comparison or logical op on tensors. Frameworks give them no gradient (they cut the graph); tfjs has no
 * gradient registered for them, so they run inside a custom-gradient op that passes zeros back to the inputs.
 */
export function compare(tf: Tf, kind: CompareKind, a: Tensor, b: Tensor): Tensor {
  const fa = asFloat(tf, a);
  const fb = asFloat(tf, b);
  const f = tf.customGrad((...inputs) => {
    const [x, y] = inputs as Tensor[];
    return { value: compareRaw(tf, kind, x, y), gradFunc: () => [tf.zerosLike(x), tf.zerosLike(y)] };
  });
  return f(fa, fb);
}

function compareRaw(tf: Tf, kind: CompareKind, a: Tensor, b: Tensor): Tensor {
  switch (kind) {
    case '<': return tf.less(a, b);
    case '<=': return tf.lessEqual(a, b);
    case '>': return tf.greater(a, b);
    case '>=': return tf.greaterEqual(a, b);
    case '==': return tf.equal(a, b);
    case '!=': return tf.notEqual(a, b);
    case 'and': return tf.logicalAnd(tf.cast(a, 'bool'), tf.cast(b, 'bool'));
    case 'or': return tf.logicalOr(tf.cast(a, 'bool'), tf.cast(b, 'bool'));
    case 'xor': return tf.logicalXor(tf.cast(a, 'bool'), tf.cast(b, 'bool'));
  }
}

/**
 * `gather(x, indices, axis)` as a product with one-hot rows. tf.gather's gradient needs the UnsortedSegmentSum
 * kernel, which the wasm backend lacks; a matMul has a gradient on every backend.
 */
export function gather(tf: Tf, x: Tensor, indices: Tensor, axis = 0): Tensor {
  const f = asFloat(tf, x);
  const ax = axis < 0 ? axis + f.rank : axis;
  const n = f.shape[ax] as number;
  const others = f.shape.map((_, d) => d).filter((d) => d !== ax);
  const flat = tf.reshape(tf.transpose(f, [...others, ax]), [-1, n]);
  const idx = tf.cast(indices, 'int32');
  const onehot = tf.reshape(tf.oneHot(tf.reshape(idx, [-1]), n), [-1, n]);
  const picked = tf.matMul(flat, onehot, false, true);
  const shaped = tf.reshape(picked, [...others.map((d) => f.shape[d] as number), ...idx.shape]);
  // Dimensions are now (before axis, after axis, index dims); put the index dims where the axis was.
  const before = Array.from({ length: ax }, (_, i) => i);
  const after = Array.from({ length: f.rank - 1 - ax }, (_, i) => ax + i);
  const idxDims = Array.from({ length: idx.rank }, (_, i) => f.rank - 1 + i);
  return tf.transpose(shaped, [...before, ...idxDims, ...after]);
}

/** a / b, 0 where b is 0 (tfjs' own divNoNan compares inside the gradient path, which has no gradient). */
export function divNoNan(tf: Tf, a: Tensor, b: Tensor): Tensor {
  const zero = compare(tf, '==', b, tf.scalar(0));
  const safe = tf.where(zero, tf.onesLike(b), b);
  return tf.where(zero, tf.zerosLike(tf.div(a, safe)), tf.div(a, safe));
}

/** `where(cond, a, b)`: cond may be bool or float (non-zero is true); shapes broadcast. */
export function where(tf: Tf, cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const c = cond.dtype === 'bool' ? cond : compare(tf, '!=', cond, tf.scalar(0));
  return tf.where(c, asFloat(tf, a), asFloat(tf, b));
}

/** NumPy broadcasting of two shapes (throws a plain Error the caller turns into a located message). */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** PyTorch's `reduction=` (and TF.js' Reduction enum, mapped by the tfjs table): 'mean' | 'sum' | 'none'. */
export function applyReduction(tf: Tf, a: OpArgs, perElement: Tensor, fallback = 'mean'): Tensor {
  const mode = a.string('reduction', fallback);
  if (mode === 'mean' || mode === 'sum') return reduceOverBatch(tf, a, perElement, mode);
  if (mode === 'none') return perElement;
  throw new LossEvaluationError(a.op, a.range, `unknown reduction '${mode}' (expected 'mean', 'sum' or 'none')`);
}

/**
 * A loss's final reduction of its per-element values over everything (batch included): a mean (over their count,
 * or over the sum of `denominator`, e.g. the weights) or a sum. Batched evaluation defers it (OpArgs.deferReduction).
 */
export function reduceOverBatch(tf: Tf, a: OpArgs, values: Tensor, reduce: 'mean' | 'sum', denominator?: Tensor): Tensor {
  if (a.deferReduction) return a.deferReduction(values, reduce, denominator);
  if (reduce === 'sum') return tf.sum(values);
  return denominator ? tf.div(tf.sum(values), tf.sum(denominator)) : tf.mean(values);
}

/** Numerically stable `log(1 + exp(-|x|)) + max(x, 0)` = softplus(x). */
export function softplus(tf: Tf, x: Tensor): Tensor {
  const f = asFloat(tf, x);
  return tf.add(tf.relu(f), tf.log1p(tf.exp(tf.neg(tf.abs(f)))));
}

/** The main diagonal of the last two axes (`torch.diagonal`, `tf.linalg.diag_part`). */
export function diagonal(tf: Tf, x: Tensor): Tensor {
  if (x.rank < 2) throw new Error(`the diagonal needs a matrix, not a tensor of rank ${x.rank}`);
  const [n, m] = x.shape.slice(-2) as [number, number];
  const k = Math.min(n, m);
  const mask = tf.eye(n, m);
  const picked = tf.sum(tf.mul(asFloat(tf, x), mask), -1);
  // Row i of the masked matrix holds x[i, i] (and nothing when i ≥ m).
  return k === n ? picked : tf.slice(picked, picked.shape.map(() => 0), [...picked.shape.slice(0, -1), k]);
}

/** A matrix with `v` on its diagonal (`torch.diag(v)`, `tf.linalg.diag(v)`). */
export function diagMatrix(tf: Tf, v: Tensor): Tensor {
  const n = v.shape[v.rank - 1] as number;
  return tf.mul(tf.expandDims(asFloat(tf, v), -1), tf.eye(n));
}

/** Swaps two axes (`torch.transpose(x, 0, 1)`, `x.transpose(-1, -2)`, `tf.linalg.matrix_transpose`). */
export function swapAxes(tf: Tf, x: Tensor, d0: number, d1: number): Tensor {
  const perm = x.shape.map((_, i) => i);
  const a = d0 < 0 ? d0 + x.rank : d0;
  const b = d1 < 0 ? d1 + x.rank : d1;
  [perm[a], perm[b]] = [perm[b]!, perm[a]!];
  return tf.transpose(x, perm);
}

/**
 * The matrix product as the frameworks define it: 1-D operands are a vector (a row on the left, a column on the
 * right, the added axis removed after), batched operands broadcast over leading axes; `tf.matmul`'s
 * `transpose_a`/`transpose_b` swap the last two axes first.
 */
export function matmul(tf: Tf, a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  let x = asFloat(tf, a);
  let y = asFloat(tf, b);
  if (x.rank === 1 && y.rank === 1) return tf.sum(tf.mul(x, y));
  const vecLeft = x.rank === 1;
  const vecRight = y.rank === 1;
  if (vecLeft) x = tf.expandDims(x, 0);
  if (vecRight) y = tf.expandDims(y, 1);
  if (transposeA) x = swapAxes(tf, x, -1, -2);
  if (transposeB) y = swapAxes(tf, y, -1, -2);
  if (x.rank > 2 || y.rank > 2) {
    // tfjs broadcasts batch axes of matMul only between equal ranks: give both the same leading axes.
    const rank = Math.max(x.rank, y.rank);
    while (x.rank < rank) x = tf.expandDims(x, 0);
    while (y.rank < rank) y = tf.expandDims(y, 0);
  }
  let out = tf.matMul(x, y);
  if (vecLeft) out = tf.squeeze(out, [out.rank - 2]);
  if (vecRight) out = tf.squeeze(out, [out.rank - 1]);
  return out;
}
