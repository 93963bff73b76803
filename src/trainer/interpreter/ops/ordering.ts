// Ops that reorder, select by rank or compare rows, as custom losses with penalties use them beside the reductions:
// sort/argsort/topk (ranking and trimmed losses), flip/roll (symmetry and temporal-shift penalties), triu/tril
// (the off-diagonal of a Gram or correlation matrix), cdist/pairwise_distance (metric and cluster losses),
// randperm/shuffle (pairing samples at random), `tf.linalg.normalize` (unit-norm penalties). Shared by the PyTorch
// and Keras/TF tables; values are read through a one-hot product so gradients reach the sorted tensor.
import { createRng } from '../../data/prng';
import { op } from '../args';
import type { OpArgs, OpTable, Tensor, Tf } from '../types';
import { asFloat } from '../values';
import { gather, swapAxes } from './shared';

/** x[..., idx[..., j]] along the last axis, differentiable in x (tfjs has no gradient for topk). */
function takeAlongLast(tf: Tf, x: Tensor, idx: Tensor): Tensor {
  const n = x.shape[x.rank - 1] as number;
  const onehot = tf.oneHot(tf.cast(idx, 'int32'), n);
  return tf.sum(tf.mul(onehot, tf.expandDims(x, -2)), -1);
}

function normAxis(x: Tensor, dim: number): number {
  return dim < 0 ? dim + x.rank : dim;
}

/** The k largest (or smallest) entries along `dim` and their indices, in order, as torch.topk returns them. */
export function topkAlong(tf: Tf, input: Tensor, k: number, dim = -1, largest = true): [Tensor, Tensor] {
  const x = asFloat(tf, input);
  const last = x.rank - 1;
  const axis = normAxis(x, dim);
  const moved = axis === last ? x : swapAxes(tf, x, axis, last);
  // The indices are data, not part of the graph: a fresh tensor keeps tfjs' gradient-less TopK off the tape's path.
  const found = tf.topk(largest ? moved : tf.neg(moved), k, true);
  const indices = tf.tensor(found.indices.dataSync(), found.indices.shape, 'int32');
  tf.dispose([found.values, found.indices]);
  const values = takeAlongLast(tf, moved, indices);
  const back = (t: Tensor) => (axis === last ? t : swapAxes(tf, t, axis, last));
  return [back(values), back(indices)];
}

export function sortAlong(tf: Tf, x: Tensor, dim = -1, descending = false): [Tensor, Tensor] {
  return topkAlong(tf, x, x.shape[normAxis(x, dim)] as number, dim, descending);
}

/** torch.roll / tf.roll: entries shifted by `shift` along `axis`, wrapping around. */
function rollAlong(tf: Tf, x: Tensor, shift: number, axis: number): Tensor {
  const ax = normAxis(x, axis);
  const n = x.shape[ax] as number;
  const s = ((shift % n) + n) % n;
  if (s === 0) return x;
  const [head, tail] = tf.split(x, [n - s, s], ax);
  return tf.concat([tail as Tensor, head as Tensor], ax);
}

function rollOp(a: OpArgs, xName: string, shiftName: string, axisName: string): Tensor {
  const x = a.tensor(xName);
  const shifts = a.axis(shiftName);
  const axes = a.axis(axisName);
  if (axes === undefined) {
    // No axis: torch rolls the flattened tensor and restores its shape.
    return a.tf.reshape(rollAlong(a.tf, a.tf.reshape(x, [-1]), a.number(shiftName), 0), x.shape);
  }
  const s = Array.isArray(shifts) ? shifts : [shifts as number];
  const d = Array.isArray(axes) ? axes : [axes];
  return d.reduce((t, ax, i) => rollAlong(a.tf, t, s[i] as number, ax), x);
}

/** The upper (or lower) triangle of the last two axes from `diagonal` on; the rest set to 0. */
export function triangle(tf: Tf, input: Tensor, diagonal: number, upper: boolean): Tensor {
  const x = asFloat(tf, input);
  const rows = x.shape[x.rank - 2] as number;
  const cols = x.shape[x.rank - 1] as number;
  const r = tf.reshape(tf.range(0, rows, 1, 'int32'), [rows, 1]);
  const c = tf.reshape(tf.range(0, cols, 1, 'int32'), [1, cols]);
  const offset = tf.sub(c, r);
  const keep = upper ? tf.greaterEqual(offset, diagonal) : tf.lessEqual(offset, diagonal);
  return tf.mul(x, tf.cast(keep, 'float32'));
}

/** ‖a_i − b_j‖_p for every row pair of the last two axes (torch.cdist). The 2-norm is eps-safe at 0 distance. */
export function cdist(tf: Tf, a: Tensor, b: Tensor, p = 2): Tensor {
  const diff = tf.sub(tf.expandDims(asFloat(tf, a), -2), tf.expandDims(asFloat(tf, b), -3));
  return pNorm(tf, diff, p, -1);
}

export function pNorm(tf: Tf, diff: Tensor, p: number, axis: number, keep = false): Tensor {
  if (p === Number.POSITIVE_INFINITY) return tf.max(tf.abs(diff), axis, keep);
  if (p === 1) return tf.sum(tf.abs(diff), axis, keep);
  if (p === 2) {
    // sqrt has an infinite derivative at 0 (a point's distance to itself): floored at 1e-30 the value is 1e-15
    // and the gradient there 0.
    return tf.sqrt(tf.maximum(tf.sum(tf.square(diff), axis, keep), 1e-30));
  }
  return tf.pow(tf.sum(tf.pow(tf.abs(diff), p), axis, keep), 1 / p);
}

// One stream for the process: a loss that shuffles each call gets a new permutation each step, reproducibly.
const permutations = createRng(20261130);

/** A random permutation of 0..n-1 as int32 (torch.randperm); the loss uses it to index or pair samples. */
export function randperm(tf: Tf, n: number): Tensor {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = permutations.int(i + 1);
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  return tf.tensor1d(idx, 'int32');
}

/** `tf.linalg.normalize(t, ord, axis)` → (t / ‖t‖, ‖t‖), the norm kept as an axis of size 1. */
function tfNormalize(a: OpArgs): Tensor[] {
  const { tf } = a;
  const x = asFloat(tf, a.tensor('tensor'));
  const ordValue = a.value('ord');
  const ord = ordValue === undefined || ordValue === null || ordValue === 'euclidean' || ordValue === 'fro' ? 2 : a.number('ord');
  const axis = a.axis('axis');
  const norm = axis === undefined ? tf.reshape(pNorm(tf, tf.reshape(x, [-1]), ord, 0), x.shape.map(() => 1)) : pNorm(tf, x, ord, axis as number, true);
  return [tf.div(x, norm), norm];
}

/** `torch.*` functions, also tensor methods (`x.sort(dim=1)`, `x.flip(0)`). */
export const torchOrderingOps: OpTable = {
  sort: op(['input', 'dim', 'descending'], (a) => sortAlong(a.tf, a.tensor('input'), a.number('dim', -1), a.bool('descending', false))),
  argsort: op(['input', 'dim', 'descending'], (a) => sortAlong(a.tf, a.tensor('input'), a.number('dim', -1), a.bool('descending', false))[1]),
  topk: op(['input', 'k', 'dim', 'largest', 'sorted'], (a) => topkAlong(a.tf, a.tensor('input'), a.number('k'), a.number('dim', -1), a.bool('largest', true))),
  flip: op(['input', 'dims'], (a) => a.tf.reverse(a.tensor('input'), a.axis('dims'))),
  fliplr: op(['input'], (a) => a.tf.reverse(a.tensor('input'), 1)),
  flipud: op(['input'], (a) => a.tf.reverse(a.tensor('input'), 0)),
  roll: op(['input', 'shifts', 'dims'], (a) => rollOp(a, 'input', 'shifts', 'dims')),
  triu: op(['input', 'diagonal'], (a) => triangle(a.tf, a.tensor('input'), a.number('diagonal', 0), true)),
  tril: op(['input', 'diagonal'], (a) => triangle(a.tf, a.tensor('input'), a.number('diagonal', 0), false)),
};

/** `torch.*` only. */
export const torchOrderingCalls: OpTable = {
  randperm: op(['n'], (a) => randperm(a.tf, a.number('n'))),
  cdist: op(['x1', 'x2', 'p'], (a) => cdist(a.tf, a.tensor('x1'), a.tensor('x2'), a.number('p', 2))),
};

/** `F.*`: the distance between matching rows, with torch's eps added to the difference. */
export const torchOrderingFunctional: OpTable = {
  pairwise_distance: op(['x1', 'x2', 'p', 'eps', 'keepdim'], (a) => {
    const { tf } = a;
    const diff = tf.add(tf.sub(asFloat(tf, a.tensor('x1')), asFloat(tf, a.tensor('x2'))), a.number('eps', 1e-6));
    return pNorm(tf, diff, a.number('p', 2), -1, a.bool('keepdim', false));
  }),
};

/** `tf.*` spellings (also under `tf.math` where TF has them). */
export const kerasOrderingOps: OpTable = {
  'tf.sort': op(['values', 'axis', 'direction'], (a) => sortAlong(a.tf, a.tensor('values'), a.number('axis', -1), a.string('direction', 'ASCENDING') === 'DESCENDING')[0]),
  'tf.argsort': op(['values', 'axis', 'direction'], (a) => sortAlong(a.tf, a.tensor('values'), a.number('axis', -1), a.string('direction', 'ASCENDING') === 'DESCENDING')[1]),
  'tf.math.top_k': op(['input', 'k'], (a) => topkAlong(a.tf, a.tensor('input'), a.number('k', 1))),
  'tf.nn.top_k': op(['input', 'k'], (a) => topkAlong(a.tf, a.tensor('input'), a.number('k', 1))),
  'tf.reverse': op(['tensor', 'axis'], (a) => a.tf.reverse(a.tensor('tensor'), a.axis('axis'))),
  'tf.roll': op(['input', 'shift', 'axis'], (a) => rollOp(a, 'input', 'shift', 'axis')),
  'tf.random.shuffle': op(['value'], (a) => gather(a.tf, a.tensor('value'), randperm(a.tf, a.tensor('value').shape[0] as number))),
  'tf.linalg.normalize': op(['tensor', 'ord', 'axis'], tfNormalize),
  'tf.linalg.band_part': op(['input', 'num_lower', 'num_upper'], (a) => bandPart(a)),
};

/** tf.linalg.band_part(x, lower, upper): a negative count keeps the whole triangle (band_part(x, 0, -1) = triu). */
export function bandPart(a: OpArgs): Tensor {
  const { tf } = a;
  const lower = a.number('num_lower');
  const upper = a.number('num_upper');
  const x = asFloat(tf, a.tensor('input'));
  const big = Math.max(...x.shape);
  const below = triangle(tf, x, lower < 0 ? -big : -lower, true);
  return triangle(tf, below, upper < 0 ? big : upper, false);
}
