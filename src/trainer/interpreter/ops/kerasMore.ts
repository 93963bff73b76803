// Keras / TF ops real losses use beside keras.ts's: inverse trigonometry, is_inf, softsign, boolean_mask (rows
// picked by a mask, which carries no gradient), gather_nd, pad (CONSTANT / REFLECT / SYMMETRIC), matvec, set_diag,
// tensor_diag, unsorted_segment_sum, conv1d/conv2d and pools on TF's NWC/NHWC layout, weighted sigmoid
// cross-entropy, clip_by_norm, K.batch_dot, K.ones/K.zeros and tf.image.sobel_edges, with TF's semantics.
import { op } from '../args';
import type { OpArgs, OpSpec, OpTable, Tensor, Tf, Value } from '../types';
import { asFloat } from '../values';
import { shapeArg, unaryOp } from './builders';
import * as E from './elementwise';
import { diagMatrix, gather, matmul, softplus } from './shared';

const float = (a: OpArgs, name: string): Tensor => asFloat(a.tf, a.tensor(name));

/** Entries of `x` at the flat positions `picks` of its first `k` axes (a one-hot product: differentiable in x). */
export function takeLeading(tf: Tf, x: Tensor, k: number, picks: number[]): Tensor {
  const rest = x.shape.slice(k) as number[];
  const lead = (x.shape.slice(0, k) as number[]).reduce((n, s) => n * s, 1);
  return gather(tf, tf.reshape(asFloat(tf, x), [lead, ...rest]), tf.tensor1d(picks, 'int32'), 0);
}

/** tf.boolean_mask(tensor, mask, axis=0): the entries where the mask (over axes axis… of the tensor) is true. */
function booleanMask(tf: Tf, x: Tensor, mask: Tensor, axis: number): Tensor {
  const bits = mask.dataSync();
  const picks = Array.from(bits.keys()).filter((i) => bits[i] !== 0);
  if (axis === 0) return takeLeading(tf, x, mask.rank, picks);
  const perm = [...Array(x.rank).keys()];
  const moved = tf.transpose(x, [...perm.slice(axis, axis + mask.rank), ...perm.slice(0, axis), ...perm.slice(axis + mask.rank)]);
  const picked = takeLeading(tf, moved, mask.rank, picks);
  const back = [...Array(picked.rank).keys()];
  return tf.transpose(picked, [...back.slice(1, axis + 1), 0, ...back.slice(axis + 1)]);
}

/** tf.gather_nd(params, indices): indices' last axis indexes the first axes of params. */
export function gatherNd(tf: Tf, params: Tensor, indices: Tensor): Tensor {
  const m = indices.shape[indices.rank - 1] as number;
  const strides = (params.shape.slice(0, m) as number[]).map((_, i, dims) => dims.slice(i + 1).reduce((n, s) => n * s, 1));
  const idx = Array.from(indices.dataSync());
  const flat = Array.from({ length: idx.length / m }, (_, r) => strides.reduce((sum, s, j) => sum + s * (idx[r * m + j] as number), 0));
  const picked = takeLeading(tf, params, m, flat);
  return tf.reshape(picked, [...indices.shape.slice(0, -1), ...picked.shape.slice(1)] as number[]);
}

/** tf.pad: CONSTANT with constant_values, REFLECT or SYMMETRIC (case-insensitive, as TF). */
function pad(tf: Tf, x: Tensor, paddings: [number, number][], mode: string, value: number): Tensor {
  const m = mode.toUpperCase();
  if (m === 'CONSTANT') return tf.pad(x, paddings, value);
  if (m === 'REFLECT' || m === 'SYMMETRIC') return tf.mirrorPad(x, paddings, m === 'REFLECT' ? 'reflect' : 'symmetric');
  throw new Error(`mode='${mode}' is not a padding mode (CONSTANT, REFLECT, SYMMETRIC)`);
}

/** `paddings`, a list of (before, after) pairs per axis. */
const paddingsOf = (a: OpArgs): [number, number][] => {
  const t = a.tensor('paddings');
  const data = Array.from(t.dataSync());
  return Array.from({ length: data.length / 2 }, (_, i) => [data[2 * i] as number, data[2 * i + 1] as number]);
};

/** tf.linalg.set_diag(input, diagonal): the main diagonal of the last two axes replaced. */
function setDiag(tf: Tf, x: Tensor, d: Tensor): Tensor {
  const [n, m] = x.shape.slice(-2) as [number, number];
  const eye = tf.eye(n, m);
  const placed = n <= m ? tf.mul(tf.expandDims(d, -1), eye) : tf.mul(tf.expandDims(d, -2), eye);
  return tf.add(tf.mul(x, tf.sub(1, eye)), placed);
}

/** tf.math.unsorted_segment_sum(data, segment_ids, num_segments): Σ of the rows with each id (ids over data's first axes). */
export function segmentSum(tf: Tf, data: Tensor, ids: Tensor, count: number): Tensor {
  const k = ids.rank;
  const rest = data.shape.slice(k) as number[];
  const rows = tf.reshape(data, [-1, rest.reduce((n, s) => n * s, 1)]);
  const onehot = tf.oneHot(tf.reshape(tf.cast(ids, 'int32'), [-1]), count);
  return tf.reshape(tf.matMul(onehot, rows, true, false), [count, ...rest]);
}

/** TF's strides/ksize: a number, or a list of 1, N or N+2 entries (the batch and channel ones dropped, by layout). */
function spatial(v: Value | undefined, n: number, fallback: number, channelsFirst: boolean): number[] {
  if (v === undefined || v === null) return Array(n).fill(fallback);
  const list = typeof v === 'number' ? [v] : (v as number[]);
  if (list.length === 1) return Array(n).fill(list[0]);
  if (list.length !== n + 2) return list;
  return channelsFirst ? list.slice(2) : list.slice(1, -1);
}

const channelsFirst = (a: OpArgs) => a.string('data_format', 'NHWC').startsWith('NC');
/** Runs an NHWC/NWC op on NCHW/NCW data when `data_format` says so. */
function inLayout(tf: Tf, x: Tensor, first: boolean, run: (t: Tensor) => Tensor): Tensor {
  if (!first) return run(x);
  const toLast = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1];
  const toFirst = [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)];
  return tf.transpose(run(tf.transpose(x, toLast)), toFirst);
}

/** TF's padding: 'SAME' / 'VALID' or explicit [[0,0],[t,b],[l,r],[0,0]] pairs. */
const tfPadding = (v: Value | undefined): 'same' | 'valid' | number[][] => (typeof v === 'string' ? (v.toLowerCase() as 'same' | 'valid') : (v as number[][]));

/** Pools of rank 3 (NWC, run over a height of 1) or 4 (NHWC) inputs. */
function poolNd(a: OpArgs, kind: 'avg' | 'max'): Tensor {
  const { tf } = a;
  const x = float(a, 'input');
  const n = x.rank - 2;
  const ksize = spatial(a.value('ksize'), n, 1, channelsFirst(a));
  const strides = spatial(a.value('strides'), n, 1, channelsFirst(a));
  const pad = tfPadding(a.value('padding'));
  if (typeof pad !== 'string') throw new Error('pools take padding SAME or VALID');
  return inLayout(tf, x, channelsFirst(a), (t) => {
    const four = n === 1 ? tf.expandDims(t, 1) : t;
    const k = (n === 1 ? [1, ksize[0]] : ksize) as [number, number];
    const s = (n === 1 ? [1, strides[0]] : strides) as [number, number];
    const out = (kind === 'avg' ? tf.avgPool(four as never, k, s, pad) : tf.maxPool(four as never, k, s, pad)) as Tensor;
    return n === 1 ? tf.squeeze(out, [1]) : out;
  });
}

const poolParams = ['input', 'ksize', 'strides', 'padding', 'data_format'];

function conv(a: OpArgs, rank: 1 | 2, strideName: string): Tensor {
  const { tf } = a;
  const x = float(a, 'input');
  const filters = float(a, 'filters');
  const strides = spatial(a.value(strideName), rank, 1, channelsFirst(a));
  const dil = spatial(a.value('dilations'), rank, 1, channelsFirst(a));
  const pad = tfPadding(a.value('padding'));
  return inLayout(tf, x, channelsFirst(a), (t) =>
    rank === 1
      ? (tf.conv1d(t as never, filters as never, strides[0] as number, pad as 'same', 'NWC', dil[0]) as Tensor)
      : (tf.conv2d(t as never, filters as never, strides as [number, number], pad as 'same', 'NHWC', dil as [number, number]) as Tensor),
  );
}

/** (1 − z)·x + (1 + (q − 1)·z)·softplus(−x), TF's stable weighted sigmoid cross-entropy. */
const weightedCe = op(['labels', 'logits', 'pos_weight'], (a) => {
  const { tf } = a;
  const [z, x] = [float(a, 'labels'), float(a, 'logits')];
  const q = a.number('pos_weight');
  return tf.add(tf.mul(tf.sub(1, z), x), tf.mul(tf.add(1, tf.mul(q - 1, z)), softplus(tf, tf.neg(x))));
});

/** tf.clip_by_norm(t, clip_norm, axes): t·clip_norm / max(‖t‖₂, clip_norm). */
const clipByNorm = op(['t', 'clip_norm', 'axes'], (a) => {
  const { tf } = a;
  const t = float(a, 't');
  const c = a.number('clip_norm');
  const norm = tf.sqrt(tf.sum(tf.square(t), a.axis('axes'), true));
  return tf.div(tf.mul(t, c), tf.maximum(norm, c));
});

/** K.batch_dot(x, y, axes): per-sample contraction of x's axis axes[0] with y's axes[1]; (B, 1) for two matrices. */
function batchDot(tf: Tf, x: Tensor, y: Tensor, axes: Value | undefined): Tensor {
  const norm = (r: number, d: number) => (d < 0 ? d + r : d);
  const given = typeof axes === 'number' ? [axes, axes] : Array.isArray(axes) ? (axes as number[]) : [x.rank - 1, y.rank === 2 ? y.rank - 1 : y.rank - 2];
  const [ax, ay] = [norm(x.rank, given[0] as number), norm(y.rank, given[1] as number)];
  const xs = tf.transpose(x, [...[...Array(x.rank).keys()].filter((d) => d !== ax), ax]);
  const ys = tf.transpose(y, [0, ay, ...[...Array(y.rank).keys()].filter((d) => d !== 0 && d !== ay)]);
  const [b, n] = [x.shape[0] as number, x.shape[ax] as number];
  const out = tf.matMul(tf.reshape(xs, [b, -1, n]), tf.reshape(ys, [b, n, -1]));
  const shape = [b, ...xs.shape.slice(1, -1), ...ys.shape.slice(2)] as number[];
  return tf.reshape(out, shape.length === 1 ? [b, 1] : shape);
}

/** tf.image.sobel_edges on (N, H, W, C): (N, H, W, C, 2) of the dy and dx Sobel responses, reflect-padded. */
function sobelEdges(tf: Tf, images: Tensor): Tensor {
  if (images.rank !== 4) throw new Error(`sobel_edges takes (N, H, W, C) images, not rank ${images.rank}`);
  const [n, h, w, c] = images.shape as number[];
  const padded = tf.mirrorPad(images, [[0, 0], [1, 1], [1, 1], [0, 0]], 'reflect');
  const kernels = [[[-1, -2, -1], [0, 0, 0], [1, 2, 1]], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]];
  const respond = (k: number[][]) =>
    k.flatMap((row, i) => row.map((v, j) => [v, i, j] as const)).filter(([v]) => v !== 0)
      .map(([v, i, j]) => tf.mul(tf.slice(padded, [0, i, j, 0], [n!, h!, w!, c!]), v))
      .reduce((s, t) => tf.add(s, t));
  return tf.stack(kernels.map(respond), -1);
}

const both = (name: string, spec: OpSpec): [string, OpSpec][] => [[`tf.${name}`, spec], [`tf.math.${name}`, spec]];

export const kerasMoreCalls: OpTable = Object.fromEntries([
  ...both('acos', unaryOp('x', (tf, x) => tf.acos(x))),
  ...both('asin', unaryOp('x', (tf, x) => tf.asin(x))),
  ...both('atan', unaryOp('x', (tf, x) => tf.atan(x))),
  ...both('tan', unaryOp('x', (tf, x) => tf.tan(x))),
  ...both('expm1', unaryOp('x', (tf, x) => tf.expm1(x))),
  ...both('atan2', op(['y', 'x'], (a) => a.tf.atan2(float(a, 'y'), float(a, 'x')))),
  ['tf.math.is_inf', op(['x'], (a) => E.isInfMask(a.tf, a.tensor('x')))],
  ['tf.math.softsign', unaryOp('features', E.softsign)],
  ['tf.nn.softsign', unaryOp('features', E.softsign)],
  ['tf.boolean_mask', op(['tensor', 'mask', 'axis'], (a) => booleanMask(a.tf, float(a, 'tensor'), a.tensor('mask'), a.number('axis', 0)))],
  ['tf.gather_nd', op(['params', 'indices'], (a) => gatherNd(a.tf, float(a, 'params'), a.tensor('indices')))],
  ['tf.pad', op(['tensor', 'paddings', 'mode', 'constant_values'], (a) => pad(a.tf, float(a, 'tensor'), paddingsOf(a), a.string('mode', 'CONSTANT'), a.number('constant_values', 0)))],
  ['tf.linalg.matvec', op(['a', 'b', 'transpose_a'], (a) => a.tf.squeeze(matmul(a.tf, a.tensor('a'), a.tf.expandDims(float(a, 'b'), -1), a.bool('transpose_a', false)), [-1]))],
  ['tf.linalg.set_diag', op(['input', 'diagonal'], (a) => setDiag(a.tf, float(a, 'input'), float(a, 'diagonal')))],
  ['tf.linalg.tensor_diag', op(['diagonal'], (a) => {
    const d = float(a, 'diagonal');
    if (d.rank !== 1) throw new Error('tensor_diag is supported for a 1-D diagonal');
    return diagMatrix(a.tf, d);
  })],
  ['tf.math.unsorted_segment_sum', op(['data', 'segment_ids', 'num_segments'], (a) => segmentSum(a.tf, float(a, 'data'), a.tensor('segment_ids'), a.number('num_segments')))],
  ['tf.nn.conv1d', op(['input', 'filters', 'stride', 'padding', 'data_format', 'dilations'], (a) => conv(a, 1, 'stride'))],
  ['tf.nn.conv2d', op(['input', 'filters', 'strides', 'padding', 'data_format', 'dilations'], (a) => conv(a, 2, 'strides'))],
  ['tf.nn.avg_pool2d', op(poolParams, (a) => poolNd(a, 'avg'))],
  ['tf.nn.max_pool2d', op(poolParams, (a) => poolNd(a, 'max'))],
  ['tf.nn.avg_pool1d', op(poolParams, (a) => poolNd(a, 'avg'))],
  ['tf.nn.max_pool1d', op(poolParams, (a) => poolNd(a, 'max'))],
  ['tf.nn.avg_pool', op(poolParams, (a) => poolNd(a, 'avg'))],
  ['tf.nn.max_pool', op(poolParams, (a) => poolNd(a, 'max'))],
  ['tf.nn.weighted_cross_entropy_with_logits', weightedCe],
  ['tf.clip_by_norm', clipByNorm],
  ...['K', 'keras.backend', 'tf.keras.backend'].flatMap((k): [string, OpSpec][] => [
    [`${k}.batch_dot`, op(['x', 'y', 'axes'], (a) => batchDot(a.tf, float(a, 'x'), float(a, 'y'), a.value('axes')))],
    [`${k}.ones`, op(['shape', 'dtype'], (a) => a.tf.ones(shapeArg(a, 'shape')))],
    [`${k}.zeros`, op(['shape', 'dtype'], (a) => a.tf.zeros(shapeArg(a, 'shape')))],
  ]),
  ['tf.image.sobel_edges', op(['image'], (a) => sobelEdges(a.tf, float(a, 'image')))],
]);
