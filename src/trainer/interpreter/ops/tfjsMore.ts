// TF.js ops real losses use beside tfjs.ts's, with tfjs' own semantics (positional arguments): pools and convolutions
// (NHWC, as tfjs), inverse trigonometry, any/all, cumprod, relu6/prelu, euclideanNorm, bandPart, mirrorPad,
// stridedSlice, gatherND, unsortedSegmentSum, isInf, einsum, tf.losses.computeWeightedLoss (tfjs.ts). Ops that tfjs
// gives no gradient (StridedSlice, GatherNd, UnsortedSegmentSum) run as one-hot products so the gradient flows.
// tf.moments and tf.topk return JS objects ({mean, variance}, {values, indices}), which the IR does not model: left out.
import { op } from '../args';
import type { OpArgs, OpTable, Tensor, Value } from '../types';
import { asFloat } from '../values';
import { unaryOp } from './builders';
import { kerasEinsum } from './einsum';
import * as E from './elementwise';
import { gatherNd, segmentSum } from './kerasMore';
import { bandPart } from './ordering';
import { compare, gather } from './shared';
import { cumulativeProduct } from './statistics';

const float = (a: OpArgs, name: string): Tensor => asFloat(a.tf, a.tensor(name));
const numbers = (v: Value | undefined): number[] => (typeof v === 'number' ? [v] : Array.isArray(v) ? (v as number[]) : []);
const bit = (mask: number, i: number) => ((mask >> i) & 1) === 1;

/** tf.stridedSlice(x, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask). */
function stridedSlice(a: OpArgs): Tensor {
  const { tf } = a;
  if (a.number('ellipsisMask', 0) !== 0 || a.number('newAxisMask', 0) !== 0) throw new Error('stridedSlice with an ellipsis or new-axis mask is not supported by the trainer');
  let x = float(a, 'x');
  const [begin, end, strides] = [numbers(a.value('begin')), numbers(a.value('end')), numbers(a.value('strides'))];
  const [bm, em, sm] = [a.number('beginMask', 0), a.number('endMask', 0), a.number('shrinkAxisMask', 0)];
  const shrunk: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const n = x.shape[i] as number;
    const s = strides[i] ?? 1;
    const wrap = (v: number) => (v < 0 ? v + n : v);
    const first = i >= begin.length || bit(bm, i) ? (s > 0 ? 0 : n - 1) : Math.min(Math.max(wrap(begin[i] as number), s > 0 ? 0 : -1), s > 0 ? n : n - 1);
    if (bit(sm, i)) {
      x = gather(tf, x, tf.tensor1d([first], 'int32'), i);
      shrunk.push(i);
      continue;
    }
    const last = i >= end.length || bit(em, i) ? (s > 0 ? n : -1) : Math.min(Math.max(wrap(end[i] as number), s > 0 ? 0 : -1), s > 0 ? n : n - 1);
    const picks: number[] = [];
    for (let j = first; s > 0 ? j < last : j > last; j += s) picks.push(j);
    x = gather(tf, x, tf.tensor1d(picks, 'int32'), i);
  }
  return shrunk.length > 0 ? tf.squeeze(x, shrunk) : x;
}

/** tf.any / tf.all (tfjs reads non-zero as true); a mask, outside the gradient. */
function anyAll(a: OpArgs, kind: 'any' | 'all'): Tensor {
  const { tf } = a;
  const bits = compare(tf, '!=', a.tensor('x'), tf.scalar(0));
  const found = kind === 'any' ? tf.any(bits, a.axis('axis'), a.bool('keepDims', false)) : tf.all(bits, a.axis('axis'), a.bool('keepDims', false));
  return tf.tensor(found.dataSync(), found.shape, 'bool');
}

type Pad = 'same' | 'valid' | number;
function pad(a: OpArgs): Pad {
  const v = a.value('pad');
  if (v === 'same' || v === 'valid' || typeof v === 'number') return v;
  throw new Error("pad must be 'same', 'valid' or a number");
}

/** Paddings: one (before, after) pair per axis. */
function pairs(a: OpArgs, name: string): [number, number][] {
  const v = a.value(name);
  if (Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number'))) return v as [number, number][];
  throw new Error(`${name} must be a list of (before, after) pairs`);
}

/** A window size or stride: a number or a pair of numbers (tfjs' own checks fail inside tfjs on anything else). */
function size2(a: OpArgs, name: string, fallback?: number): number | [number, number] {
  const v = a.value(name) ?? fallback;
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return v as [number, number];
  throw new Error(`${name} must be a number or a pair of numbers`);
}

/** Ops that are both `tf.x(t, …)` and `t.x(…)`. */
export const tfjsExtraChainable: OpTable = {
  maxPool: op(['x', 'filterSize', 'strides', 'pad'], (a) => a.tf.maxPool(float(a, 'x') as never, size2(a, 'filterSize'), size2(a, 'strides'), pad(a))),
  avgPool: op(['x', 'filterSize', 'strides', 'pad'], (a) => a.tf.avgPool(float(a, 'x') as never, size2(a, 'filterSize'), size2(a, 'strides'), pad(a))),
  conv1d: op(['x', 'filter', 'stride', 'pad', 'dataFormat', 'dilation'], (a) =>
    a.tf.conv1d(float(a, 'x') as never, float(a, 'filter') as never, a.number('stride', 1), pad(a), a.string('dataFormat', 'NWC') as 'NWC', a.number('dilation', 1)),
  ),
  conv2d: op(['x', 'filter', 'strides', 'pad', 'dataFormat', 'dilations'], (a) =>
    a.tf.conv2d(float(a, 'x') as never, float(a, 'filter') as never, size2(a, 'strides'), pad(a), a.string('dataFormat', 'NHWC') as 'NHWC', size2(a, 'dilations', 1)),
  ),
  acos: unaryOp('x', (tf, x) => tf.acos(x)),
  asin: unaryOp('x', (tf, x) => tf.asin(x)),
  atan2: op(['a', 'b'], (a) => a.tf.atan2(float(a, 'a'), float(a, 'b'))),
  tan: unaryOp('x', (tf, x) => tf.tan(x)),
  expm1: unaryOp('x', (tf, x) => tf.expm1(x)),
  sinh: unaryOp('x', (tf, x) => tf.sinh(x)),
  cosh: unaryOp('x', (tf, x) => tf.cosh(x)),
  any: op(['x', 'axis', 'keepDims'], (a) => anyAll(a, 'any')),
  all: op(['x', 'axis', 'keepDims'], (a) => anyAll(a, 'all')),
  cumprod: op(['x', 'axis', 'exclusive', 'reverse'], (a) => {
    if (a.bool('exclusive', false) || a.bool('reverse', false)) throw new Error('cumprod with exclusive or reverse is not supported by the trainer');
    return cumulativeProduct(a.tf, float(a, 'x'), a.number('axis', 0));
  }),
  relu6: unaryOp('x', (tf, x) => tf.relu6(x)),
  prelu: op(['x', 'alpha'], (a) => a.tf.prelu(float(a, 'x'), float(a, 'alpha'))),
  euclideanNorm: op(['x', 'axis', 'keepDims'], (a) => a.tf.sqrt(a.tf.sum(a.tf.square(float(a, 'x')), a.axis('axis'), a.bool('keepDims', false)))),
  mirrorPad: op(['x', 'paddings', 'mode'], (a) => a.tf.mirrorPad(float(a, 'x'), pairs(a, 'paddings'), a.string('mode', 'reflect') as 'reflect')),
  stridedSlice: op(['x', 'begin', 'end', 'strides', 'beginMask', 'endMask', 'ellipsisMask', 'newAxisMask', 'shrinkAxisMask'], stridedSlice),
  gatherND: op(['x', 'indices'], (a) => gatherNd(a.tf, float(a, 'x'), a.tensor('indices'))),
  unsortedSegmentSum: op(['x', 'segmentIds', 'numSegments'], (a) => segmentSum(a.tf, float(a, 'x'), a.tensor('segmentIds'), a.number('numSegments'))),
  isInf: op(['x'], (a) => E.isInfMask(a.tf, a.tensor('x'))),
};

export const tfjsExtraCalls: OpTable = {
  'tf.einsum': kerasEinsum['tf.einsum']!,
  'tf.linalg.bandPart': op(['input', 'num_lower', 'num_upper'], bandPart),
};

