// Elementwise math, activations, masks and splits that custom losses use beside the common reductions (GELU/SiLU/Mish
// heads, erf in Gaussian CDFs, xlogy in entropies, NaN guards, `torch.all(mask)`, chunking a prediction into heads,
// TF's image total variation). Shared by the PyTorch and Keras/TF tables.
import { op } from '../args';
import type { OpArgs, OpTable, Tensor, Tf } from '../types';
import { asFloat } from '../values';
import { logicalNotOp, shapeArg, unaryOp } from './builders';
import { checkedSlice, compare, softplus } from './shared';

const gelu = (tf: Tf, x: Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
const silu = (tf: Tf, x: Tensor) => tf.mul(x, tf.sigmoid(x));
const mish = (tf: Tf, x: Tensor) => tf.mul(x, tf.tanh(softplus(tf, x)));
/** x·log(y), 0 where x is 0 (torch.xlogy, tf.math.xlogy); the masks are comparisons with no gradient (shared.ts). */
function xlogy(tf: Tf, x: Tensor, y: Tensor): Tensor {
  const zero = compare(tf, '==', x, tf.scalar(0));
  const safe = tf.where(zero, tf.onesLike(tf.add(y, x)), tf.add(y, tf.zerosLike(x)));
  return tf.where(zero, tf.zerosLike(safe), tf.mul(x, tf.log(safe)));
}
/** NaN entries, as a mask: NaN is the one value not equal to itself. */
const isNan = (tf: Tf, x: Tensor) => compare(tf, '!=', x, x);

function nanToNum(a: OpArgs, name: string): Tensor {
  const { tf } = a;
  const x = asFloat(tf, a.tensor(name));
  const big = 3.4028234663852886e38;
  const fixed = tf.where(isNan(tf, x), tf.fill(x.shape, a.number('nan', 0)), x);
  return tf.clipByValue(fixed, a.number('neginf', -big), a.number('posinf', big));
}

/** `torch.all(x)` / `tf.reduce_all(x, axis)`: whether every entry (along an axis) is non-zero; a mask. */
function allOrAny(a: OpArgs, name: string, axisName: string, kind: 'all' | 'any'): Tensor {
  const { tf } = a;
  const nonZero = compare(tf, '!=', a.tensor(name), tf.scalar(0));
  const axis = a.axis(axisName);
  const found = kind === 'all' ? tf.all(nonZero, axis) : tf.any(nonZero, axis);
  // a mask is data, not part of the graph: tfjs has no gradient for All/Any, so the result is a fresh tensor
  return tf.tensor(found.dataSync(), found.shape, 'bool');
}

/** `torch.chunk(x, n, dim)` / `torch.split(x, size, dim)`: pieces along an axis (the last one smaller). */
function pieces(tf: Tf, x: Tensor, size: number, dim: number): Tensor[] {
  const axis = dim < 0 ? dim + x.rank : dim;
  const n = x.shape[axis] as number;
  const sizes: number[] = [];
  for (let at = 0; at < n; at += size) sizes.push(Math.min(size, n - at));
  return tf.split(x, sizes, axis);
}

/** TF's tf.image.total_variation on (N, H, W, C) images: per image, Σ|vertical differences| + Σ|horizontal ones|. */
function totalVariation(tf: Tf, images: Tensor): Tensor {
  const x = asFloat(tf, images);
  const axes = x.rank === 4 ? [1, 2, 3] : undefined;
  const [h, w] = x.rank === 4 ? [x.shape[1] as number, x.shape[2] as number] : [x.shape[0] as number, x.shape[1] as number];
  const at = x.rank === 4 ? 1 : 0;
  const dv = tf.sub(tf.slice(x, offset(x, at, 1), size(x, at, h - 1)), tf.slice(x, offset(x, at, 0), size(x, at, h - 1)));
  const dh = tf.sub(tf.slice(x, offset(x, at + 1, 1), size(x, at + 1, w - 1)), tf.slice(x, offset(x, at + 1, 0), size(x, at + 1, w - 1)));
  return tf.add(tf.sum(tf.abs(dv), axes), tf.sum(tf.abs(dh), axes));
}
/**
 * kornia.losses.total_variation(img, reduction='sum') on (C, H, W) or (N, C, H, W) images: per image, the sum (or the
 * mean) over channels and pixels of |differences along H|, plus that of |differences along W| (kornia ≥ 0.6).
 */
function korniaTotalVariation(tf: Tf, img: Tensor, reduction: string): Tensor {
  const x = asFloat(tf, img);
  if (x.rank < 3) throw new Error(`expects an image of shape (C, H, W) or (N, C, H, W), not rank ${x.rank}`);
  const [hAxis, wAxis] = [x.rank - 2, x.rank - 1];
  const [h, w] = [x.shape[hAxis] as number, x.shape[wAxis] as number];
  const dh = tf.sub(tf.slice(x, offset(x, hAxis, 1), size(x, hAxis, h - 1)), tf.slice(x, offset(x, hAxis, 0), size(x, hAxis, h - 1)));
  const dw = tf.sub(tf.slice(x, offset(x, wAxis, 1), size(x, wAxis, w - 1)), tf.slice(x, offset(x, wAxis, 0), size(x, wAxis, w - 1)));
  const axes = [x.rank - 3, x.rank - 2, x.rank - 1];
  const reduce = reduction === 'mean' ? (t: Tensor) => tf.mean(tf.abs(t), axes) : (t: Tensor) => tf.sum(tf.abs(t), axes);
  return tf.add(reduce(dh), reduce(dw));
}
const offset = (x: Tensor, axis: number, n: number) => x.shape.map((_, d) => (d === axis ? n : 0));
const size = (x: Tensor, axis: number, n: number) => x.shape.map((s, d) => (d === axis ? n : (s as number)));

/** `torch.*` functions that are also tensor methods. */
export const torchMathOps: OpTable = {
  erf: unaryOp('input', (tf, x) => tf.erf(x)),
  expm1: unaryOp('input', (tf, x) => tf.expm1(x)),
  exp2: unaryOp('input', (tf, x) => tf.pow(2, x)),
  ceil: unaryOp('input', (tf, x) => tf.ceil(x)),
  trunc: unaryOp('input', (tf, x) => tf.mul(tf.sign(x), tf.floor(tf.abs(x)))),
  atan: unaryOp('input', (tf, x) => tf.atan(x)),
  tan: unaryOp('input', (tf, x) => tf.tan(x)),
  sinh: unaryOp('input', (tf, x) => tf.sinh(x)),
  cosh: unaryOp('input', (tf, x) => tf.cosh(x)),
  // angles: a physics or geometry penalty converting degrees (a solar elevation, a joint angle)
  deg2rad: unaryOp('input', (tf, x) => tf.mul(x, Math.PI / 180)),
  rad2deg: unaryOp('input', (tf, x) => tf.mul(x, 180 / Math.PI)),
  atan2: op(['input', 'other'], (a) => a.tf.atan2(asFloat(a.tf, a.tensor('input')), asFloat(a.tf, a.tensor('other')))),
  xlogy: op(['input', 'other'], (a) => xlogy(a.tf, asFloat(a.tf, a.tensor('input')), asFloat(a.tf, a.tensor('other')))),
  isnan: op(['input'], (a) => isNan(a.tf, asFloat(a.tf, a.tensor('input')))),
  nan_to_num: op(['input', 'nan', 'posinf', 'neginf'], (a) => nanToNum(a, 'input')),
  logical_not: logicalNotOp('input'),
  logical_and: op(['input', 'other'], (a) => compare(a.tf, 'and', a.tensor('input'), a.tensor('other'))),
  logical_or: op(['input', 'other'], (a) => compare(a.tf, 'or', a.tensor('input'), a.tensor('other'))),
  logical_xor: op(['input', 'other'], (a) => compare(a.tf, 'xor', a.tensor('input'), a.tensor('other'))),
  all: op(['input', 'dim'], (a) => allOrAny(a, 'input', 'dim', 'all')),
  any: op(['input', 'dim'], (a) => allOrAny(a, 'input', 'dim', 'any')),
  count_nonzero: op(['input', 'dim'], (a) => a.tf.sum(a.tf.cast(compare(a.tf, '!=', a.tensor('input'), a.tf.scalar(0)), 'int32'), a.axis('dim'))),
  nansum: op(['input', 'dim', 'keepdim'], (a) => a.tf.sum(nanToZero(a), a.axis('dim'), a.bool('keepdim', false))),
  chunk: op(['input', 'chunks', 'dim'], (a) => {
    const x = a.tensor('input');
    const dim = a.number('dim', 0);
    return pieces(a.tf, x, Math.ceil((x.shape[dim < 0 ? dim + x.rank : dim] as number) / a.number('chunks')), dim);
  }),
  split: op(['input', 'split_size_or_sections', 'dim'], (a) => {
    const sizes = a.value('split_size_or_sections');
    const dim = a.number('dim', 0);
    return Array.isArray(sizes) ? a.tf.split(a.tensor('input'), sizes as number[], dim) : pieces(a.tf, a.tensor('input'), a.number('split_size_or_sections'), dim);
  }),
  narrow: op(['input', 'dim', 'start', 'length'], (a) => {
    const x = a.tensor('input');
    const axis = a.number('dim') < 0 ? a.number('dim') + x.rank : a.number('dim');
    return checkedSlice(a.tf, x, offset(x, axis, a.number('start')), size(x, axis, a.number('length')));
  }),
};

function nanToZero(a: OpArgs): Tensor {
  const x = asFloat(a.tf, a.tensor('input'));
  return a.tf.where(isNan(a.tf, x), a.tf.zerosLike(x), x);
}

/** Tensor methods only. */
export const torchMathMethods: OpTable = {
  clone: unaryOp('input', (_tf, x) => x),
  view_as: op(['input', 'other'], (a) => a.tf.reshape(a.tensor('input'), a.tensor('other').shape)),
  reshape_as: op(['input', 'other'], (a) => a.tf.reshape(a.tensor('input'), a.tensor('other').shape)),
  expand: op(['input', 'sizes'], (a) => {
    const x = asFloat(a.tf, a.tensor('input'));
    const raw = [a.value('sizes'), ...a.rest].flat() as number[];
    const target = raw.map((s, i) => (s === -1 ? (x.shape[i - (raw.length - x.rank)] as number) : s));
    return a.tf.broadcastTo(x, target);
  }),
};

/** `F.*` activations. */
export const torchMathFunctional: OpTable = {
  gelu: unaryOp('input', gelu),
  silu: unaryOp('input', silu),
  mish: unaryOp('input', mish),
  selu: unaryOp('input', (tf, x) => tf.selu(x)),
  hardtanh: op(['input', 'min_val', 'max_val'], (a) => a.tf.clipByValue(asFloat(a.tf, a.tensor('input')), a.number('min_val', -1), a.number('max_val', 1))),
};

/** Keras/TF spellings. */
export const kerasMathOps: OpTable = {
  'tf.math.erf': unaryOp('x', (tf, x) => tf.erf(x)),
  'tf.math.xlogy': op(['x', 'y'], (a) => xlogy(a.tf, asFloat(a.tf, a.tensor('x')), asFloat(a.tf, a.tensor('y')))),
  'tf.math.multiply_no_nan': op(['x', 'y'], (a) => {
    const { tf } = a;
    const [x, y] = [asFloat(tf, a.tensor('x')), asFloat(tf, a.tensor('y'))];
    return tf.where(compare(tf, '==', tf.add(y, tf.zerosLike(x)), tf.scalar(0)), tf.zerosLike(tf.mul(x, y)), tf.mul(x, y));
  }),
  'tf.math.is_nan': op(['x'], (a) => isNan(a.tf, asFloat(a.tf, a.tensor('x')))),
  'tf.reduce_all': op(['input_tensor', 'axis'], (a) => allOrAny(a, 'input_tensor', 'axis', 'all')),
  'tf.reduce_any': op(['input_tensor', 'axis'], (a) => allOrAny(a, 'input_tensor', 'axis', 'any')),
  'tf.math.reduce_all': op(['input_tensor', 'axis'], (a) => allOrAny(a, 'input_tensor', 'axis', 'all')),
  'tf.math.reduce_any': op(['input_tensor', 'axis'], (a) => allOrAny(a, 'input_tensor', 'axis', 'any')),
  'tf.math.count_nonzero': op(['input', 'axis'], (a) => a.tf.sum(a.tf.cast(compare(a.tf, '!=', a.tensor('input'), a.tf.scalar(0)), 'int32'), a.axis('axis'))),
  'tf.nn.gelu': unaryOp('features', gelu),
  'tf.nn.silu': unaryOp('features', silu),
  'tf.nn.swish': unaryOp('features', silu),
  'tf.image.total_variation': op(['images'], (a) => totalVariation(a.tf, a.tensor('images'))),
  'tf.broadcast_to': op(['input', 'shape'], (a) => a.tf.broadcastTo(asFloat(a.tf, a.tensor('input')), shapeArg(a, 'shape'))),
  'tf.split': op(['value', 'num_or_size_splits', 'axis'], (a) => {
    const v = a.value('num_or_size_splits');
    return a.tf.split(a.tensor('value'), Array.isArray(v) ? (v as number[]) : a.number('num_or_size_splits'), a.number('axis', 0));
  }),
  'K.batch_flatten': unaryOp('x', (tf, x) => tf.reshape(x, [x.shape[0] as number, -1])),
  'K.cumsum': op(['x', 'axis'], (a) => a.tf.cumsum(asFloat(a.tf, a.tensor('x')), a.number('axis', 0))),
  'K.round': unaryOp('x', (tf, x) => tf.round(x)),
  'K.all': op(['x', 'axis'], (a) => allOrAny(a, 'x', 'axis', 'all')),
  'K.any': op(['x', 'axis'], (a) => allOrAny(a, 'x', 'axis', 'any')),
};

/** Image losses of libraries beside torch that constraint losses call (`from kornia.losses import total_variation`). */
export const torchLibraryCalls: OpTable = {
  'kornia.losses.total_variation': op(['img', 'reduction'], (a) => korniaTotalVariation(a.tf, a.tensor('img'), a.string('reduction', 'sum'))),
  // the module form, `TotalVariation()(img)`: the same function of the image
  'kornia.losses.TotalVariation': op(['img'], (a) => korniaTotalVariation(a.tf, a.tensor('img'), 'sum')),
};
