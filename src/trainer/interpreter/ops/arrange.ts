// Stacking, tiling and contracting tensors as losses do beside cat/stack/matmul: hstack/vstack, tile (NumPy's
// rule: missing leading repeats are 1, extra ones add axes), take_along_dim, tensordot and the 3-vector cross
// product. Written once on tfjs; selections go through one-hot products so gradients reach the input.
import type { Tensor, Tf } from '../types';
import { asFloat } from '../values';

const axisOf = (rank: number, dim: number) => (dim < 0 ? dim + rank : dim);

/** torch.hstack: concatenation along axis 1, or 0 for 1-D tensors. */
export const hstack = (tf: Tf, ts: Tensor[]): Tensor => tf.concat(ts, (ts[0] as Tensor).rank === 1 ? 0 : 1);

/** torch.vstack: 1-D tensors become rows, then concatenation along axis 0. */
export const vstack = (tf: Tf, ts: Tensor[]): Tensor => tf.concat(ts.map((t) => (t.rank <= 1 ? tf.reshape(t, [1, -1]) : t)), 0);

/** torch.tile / np.tile: fewer repeats than axes repeat the last axes; more add leading axes. */
export function tile(tf: Tf, input: Tensor, reps: number[]): Tensor {
  const x = asFloat(tf, input);
  const rank = Math.max(x.rank, reps.length);
  const shaped = x.rank < rank ? tf.reshape(x, [...Array(rank - x.rank).fill(1), ...x.shape]) : x;
  return tf.tile(shaped, [...Array(rank - reps.length).fill(1), ...reps]);
}

/**
 * torch.take_along_dim(input, indices, dim): out[..., j, ...] = input[..., indices[..., j, ...], ...] along `dim`
 * (the other axes broadcast); without `dim` both are flattened.
 */
export function takeAlongDim(tf: Tf, input: Tensor, indices: Tensor, dim: number | undefined): Tensor {
  if (dim === undefined) return takeAlongDim(tf, tf.reshape(input, [-1]), tf.reshape(indices, [-1]), 0);
  const x = asFloat(tf, input);
  const axis = axisOf(x.rank, dim);
  const last = x.rank - 1;
  const toLast = (t: Tensor) => (axis === last ? t : tf.transpose(t, [...t.shape.keys()].map((d) => (d === axis ? last : d === last ? axis : d))));
  const xs = toLast(x);
  const idx = toLast(tf.cast(indices, 'int32'));
  const onehot = tf.oneHot(idx, xs.shape[last] as number);
  return toLast(tf.sum(tf.mul(onehot, tf.expandDims(xs, -2)), -1));
}

/** torch.tensordot(a, b, dims): `dims` a count (last axes of a with first of b) or two lists of axes. */
export function tensordot(tf: Tf, a: Tensor, b: Tensor, dims: number | [number[], number[]]): Tensor {
  const [x, y] = [asFloat(tf, a), asFloat(tf, b)];
  const [axA, axB] = typeof dims === 'number'
    ? [Array.from({ length: dims }, (_, i) => x.rank - dims + i), Array.from({ length: dims }, (_, i) => i)]
    : [dims[0].map((d) => axisOf(x.rank, d)), dims[1].map((d) => axisOf(y.rank, d))];
  const freeA = [...x.shape.keys()].filter((d) => !axA.includes(d));
  const freeB = [...y.shape.keys()].filter((d) => !axB.includes(d));
  const size = (t: Tensor, ds: number[]) => ds.reduce((n, d) => n * (t.shape[d] as number), 1);
  const left = tf.reshape(tf.transpose(x, [...freeA, ...axA]), [size(x, freeA), size(x, axA)]);
  const right = tf.reshape(tf.transpose(y, [...axB, ...freeB]), [size(y, axB), size(y, freeB)]);
  return tf.reshape(tf.matMul(left, right), [...freeA.map((d) => x.shape[d] as number), ...freeB.map((d) => y.shape[d] as number)]);
}

/** The cross product of 3-vectors along `dim` (shapes broadcast). */
export function cross(tf: Tf, a: Tensor, b: Tensor, dim: number): Tensor {
  const [x, y] = [asFloat(tf, a), asFloat(tf, b)];
  const axis = axisOf(Math.max(x.rank, y.rank), dim);
  if (x.shape[axis - (Math.max(x.rank, y.rank) - x.rank)] !== 3) throw new Error(`cross needs size 3 along dimension ${dim}`);
  const [x0, x1, x2] = tf.split(x, 3, axis - (Math.max(x.rank, y.rank) - x.rank)) as Tensor[];
  const [y0, y1, y2] = tf.split(y, 3, axis - (Math.max(x.rank, y.rank) - y.rank)) as Tensor[];
  const c = (p: Tensor, q: Tensor, r: Tensor, s: Tensor) => tf.sub(tf.mul(p, q), tf.mul(r, s));
  return tf.concat([c(x1!, y2!, x2!, y1!), c(x2!, y0!, x0!, y2!), c(x0!, y1!, x1!, y0!)], axis);
}

/** torch.cross without `dim`: the first axis of size 3 (torch's legacy default); linalg.cross takes −1. */
export function firstAxisOfThree(t: Tensor): number {
  const d = t.shape.indexOf(3);
  if (d < 0) throw new Error('cross needs an axis of size 3');
  return d;
}
