// Order statistics robust losses use: torch.median (the lower median, with its index along a dim), torch.quantile
// (linear interpolation between order statistics by default) and torch.cummax (running maximum and where it was
// reached). Values are read from a differentiable sort (ordering.ts), so the gradient reaches the picked entries.
import type { Tensor, Tf } from '../types';
import { asFloat } from '../values';
import { sortAlong } from './ordering';

const axisOf = (x: Tensor, dim: number) => (dim < 0 ? dim + x.rank : dim);

/** Entry `k` along `axis` of `x`, that axis removed (or kept with size 1). */
function pick(tf: Tf, x: Tensor, axis: number, k: number, keep: boolean): Tensor {
  const begin = x.shape.map((_, d) => (d === axis ? k : 0));
  const size = x.shape.map((s, d) => (d === axis ? 1 : (s as number)));
  const one = tf.slice(x, begin, size);
  return keep ? one : tf.squeeze(one, [axis]);
}

/** torch.median(x): the lower median of all entries; with `dim`, (values, indices) along it. */
export function median(tf: Tf, input: Tensor, dim: number | undefined, keep: boolean): Tensor | Tensor[] {
  const x = asFloat(tf, input);
  if (dim === undefined) {
    const [sorted] = sortAlong(tf, tf.reshape(x, [-1]), 0);
    return tf.reshape(pick(tf, sorted, 0, Math.floor((x.size - 1) / 2), false), []);
  }
  const axis = axisOf(x, dim);
  const [sorted, order] = sortAlong(tf, x, axis);
  const k = Math.floor(((x.shape[axis] as number) - 1) / 2);
  return [pick(tf, sorted, axis, k, keep), pick(tf, order, axis, k, keep)];
}

type Interpolation = 'linear' | 'lower' | 'higher' | 'nearest' | 'midpoint';

/** The position's share of the upper neighbour (torch: `nearest` rounds half to even, as Python's round). */
function upperWeight(pos: number, how: Interpolation): number {
  const frac = pos - Math.floor(pos);
  if (how === 'linear') return frac;
  if (how === 'lower') return 0;
  if (how === 'higher') return frac > 0 ? 1 : 0;
  if (how === 'midpoint') return frac > 0 ? 0.5 : 0;
  const rounded = frac === 0.5 ? (Math.floor(pos) % 2 === 0 ? Math.floor(pos) : Math.ceil(pos)) : Math.round(pos);
  return rounded > Math.floor(pos) ? 1 : 0;
}

/**
 * torch.quantile(input, q, dim=None, keepdim=False, interpolation='linear'): q a number or a 1-D list/tensor (then
 * the quantiles stack on a new first axis); without `dim` the input is flattened.
 */
export function quantile(tf: Tf, input: Tensor, qs: number[], scalarQ: boolean, dim: number | undefined, keep: boolean, how: Interpolation): Tensor {
  if (qs.some((q) => !(q >= 0 && q <= 1))) throw new Error('quantile q must be in [0, 1]');
  const flat = dim === undefined;
  const x = flat ? tf.reshape(asFloat(tf, input), [-1]) : asFloat(tf, input);
  const axis = flat ? 0 : axisOf(x, dim);
  const [sorted] = sortAlong(tf, x, axis);
  const n = x.shape[axis] as number;
  const one = (q: number): Tensor => {
    const pos = q * (n - 1);
    const w = upperWeight(pos, how);
    const lo = pick(tf, sorted, axis, Math.floor(pos), true);
    const hi = pick(tf, sorted, axis, Math.ceil(pos), true);
    const v = w === 0 ? lo : tf.add(lo, tf.mul(tf.sub(hi, lo), w));
    if (!keep) return tf.squeeze(v, [axis]);
    // keepdim without dim keeps every axis, with size 1
    return flat ? tf.reshape(v, input.shape.map(() => 1)) : v;
  };
  return scalarQ ? one(qs[0] as number) : tf.stack(qs.map(one), 0);
}

/** torch.cummax(x, dim): (running max, index of the latest entry that reached it); the indices carry no gradient. */
export function cummax(tf: Tf, input: Tensor, dim: number): Tensor[] {
  const x = asFloat(tf, input);
  const axis = axisOf(x, dim);
  const slices = tf.unstack(x, axis);
  const values: Tensor[] = [];
  for (const s of slices) values.push(values.length === 0 ? s : tf.maximum(values[values.length - 1] as Tensor, s));
  const out = tf.stack(values, axis);
  return [out, runningArgmax(tf, x, axis)];
}

function runningArgmax(tf: Tf, x: Tensor, axis: number): Tensor {
  const moved = tf.transpose(x, [...x.shape.map((_, d) => d).filter((d) => d !== axis), axis]);
  const n = x.shape[axis] as number;
  const data = moved.dataSync();
  const idx = new Int32Array(data.length);
  for (let row = 0; row < data.length / n; row++) {
    let best = 0;
    for (let j = 0; j < n; j++) {
      const v = data[row * n + j] as number;
      // torch takes the latest index among ties (and a NaN, once seen, stays the max)
      if (v >= (data[row * n + best] as number) || Number.isNaN(v)) best = j;
      idx[row * n + j] = best;
    }
  }
  const back = [...moved.shape.keys()].map((d) => (d < axis ? d : d === axis ? moved.rank - 1 : d - 1));
  return tf.transpose(tf.tensor(idx, moved.shape, 'int32'), back);
}
