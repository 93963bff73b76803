// Python/NumPy subscripts on tensors and tuples: `y[:, 1:]`, `y[:, :-1]`, `y[..., 0]`, `y[:, None]`, `y[::2]`,
// `x.shape[-1]`. Unit steps use `tf.slice` and integer indices squeeze, so gradients flow; other steps gather.
import { broadcastShape, gather } from './ops/shared';
import type { Tensor, Tf, Value } from './types';
import { isTensor } from './values';

/** An index item after its expressions are evaluated. */
export type IndexValue =
  | { kind: 'index'; value: Value }
  | { kind: 'slice'; start?: Value; stop?: Value; step?: Value }
  | { kind: 'ellipsis' }
  | { kind: 'newaxis' };

function optInt(v: Value | undefined, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (isTensor(v) && v.size === 1) return Math.trunc(v.dataSync()[0] as number);
  throw new Error(`slice ${what} must be an integer`);
}

/** Python's `slice(start, stop, step).indices(length)`, expanded. */
export function sliceIndices(length: number, start?: number, stop?: number, step = 1): number[] {
  if (step === 0) throw new Error('slice step cannot be zero');
  const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + length : v, lo), hi);
  const out: number[] = [];
  if (step > 0) {
    const s = start === undefined ? 0 : norm(start, 0, length);
    const e = stop === undefined ? length : norm(stop, 0, length);
    for (let i = s; i < e; i += step) out.push(i);
  } else {
    const s = start === undefined ? length - 1 : norm(start, -1, length - 1);
    const e = stop === undefined ? -1 : norm(stop, -1, length - 1);
    for (let i = s; i > e; i += step) out.push(i);
  }
  return out;
}

function normIndex(i: number, length: number): number {
  const j = i < 0 ? i + length : i;
  if (j < 0 || j >= length) throw new Error(`index ${i} is out of range for a dimension of size ${length}`);
  return j;
}

function subscriptTuple(items: Value[], index: IndexValue[]): Value {
  if (index.length !== 1) throw new Error('a tuple takes one index');
  const [it] = index;
  if (it.kind === 'index') {
    const i = optInt(it.value, 'index');
    if (i === undefined) throw new Error('a tuple index must be an integer');
    return items[normIndex(i, items.length)];
  }
  if (it.kind === 'slice') {
    const idx = sliceIndices(items.length, optInt(it.start, 'start'), optInt(it.stop, 'stop'), optInt(it.step, 'step'));
    return idx.map((i) => items[i]);
  }
  throw new Error('a tuple cannot be indexed with `...` or `None`');
}

function sliceAxis(tf: Tf, t: Tensor, axis: number, idx: number[]): Tensor {
  const unit = idx.length > 0 && idx.every((v, k) => v === idx[0] + k);
  if (unit || idx.length === 0) {
    const begin = t.shape.map((_, d) => (d === axis ? (idx[0] ?? 0) : 0));
    const size = t.shape.map((_, d) => (d === axis ? idx.length : -1));
    return tf.slice(t, begin, size);
  }
  return gather(tf, t, tf.tensor1d(idx, 'int32'), axis);
}

/**
 * `p[group == 1]`: NumPy's boolean mask over the axes the mask covers (flattened into one), as a gather of the rows
 * where it is true, so the gradient flows to the rows kept. The mask is data, read synchronously (it has no gradient).
 */
function booleanMask(tf: Tf, t: Tensor, mask: Tensor, axis: number): Tensor {
  const covered = t.shape.slice(axis, axis + mask.rank);
  if (mask.rank === 0 || covered.length < mask.rank || covered.some((n, i) => n !== mask.shape[i])) {
    throw new Error(`a boolean mask of shape [${mask.shape}] does not match the indexed axes [${covered}]`);
  }
  const flat = mask.rank === 1 ? t : tf.reshape(t, [...t.shape.slice(0, axis), -1, ...t.shape.slice(axis + mask.rank)]);
  const values = mask.dataSync();
  const kept: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]) kept.push(i);
  return gather(tf, flat, tf.tensor1d(kept, 'int32'), axis);
}

/** An integer index array (`idx` of `p[rows, idx]`): NumPy's advanced index, as opposed to a number, a slice or a mask. */
const isIndexArray = (it: IndexValue): it is { kind: 'index'; value: Tensor } => it.kind === 'index' && isTensor(it.value) && it.value.rank > 0 && it.value.dtype !== 'bool';

/**
 * `p[torch.arange(B), idx]`: several index arrays side by side select elements pairwise, as NumPy and PyTorch do
 * (broadcast together, one result per position), not the outer product one gather per axis would give. The axes
 * they index are merged into one and gathered at the flat positions, so the gradient flows to the elements picked.
 */
function pairwiseGather(tf: Tf, t: Tensor, axis: number, arrays: Tensor[]): Tensor {
  const dims = t.shape.slice(axis, axis + arrays.length);
  const shape = arrays.reduce<number[]>((s, a) => broadcastShape(s, a.shape), []);
  let flat = tf.zeros(shape, 'int32');
  let stride = 1;
  for (let k = arrays.length - 1; k >= 0; k--) {
    const size = dims[k]!;
    // a negative index counts from the end, as in Python
    const idx = tf.cast(arrays[k]!, 'int32');
    const wrapped = tf.where(tf.less(idx, 0), tf.add(idx, size), idx);
    flat = tf.add(flat, tf.mul(tf.broadcastTo(wrapped, shape), stride));
    stride *= size;
  }
  const merged = tf.reshape(t, [...t.shape.slice(0, axis), stride, ...t.shape.slice(axis + arrays.length)]);
  return gather(tf, merged, flat, axis);
}

export function subscript(tf: Tf, value: Value, index: IndexValue[]): Value {
  if (Array.isArray(value)) return subscriptTuple(value, index);
  if (!isTensor(value)) throw new Error('only tensors and tuples can be indexed');
  let t = value;
  let axis = 0;
  const consuming = index.filter((i) => i.kind === 'index' || i.kind === 'slice').length;
  if (consuming > t.rank) throw new Error(`too many indices (${consuming}) for a tensor of rank ${t.rank}`);
  const arrays = index.filter(isIndexArray).length;
  const first = index.findIndex(isIndexArray);
  if (arrays > 1 && !index.slice(first, first + arrays).every(isIndexArray)) {
    throw new Error('index arrays separated by a slice (`p[idx, :, idx2]`) are not supported: index with them side by side');
  }
  for (let pos = 0; pos < index.length; pos++) {
    const it = index[pos]!;
    if (arrays > 1 && pos === first) {
      const run = index.slice(pos, pos + arrays).map((x) => (x as { value: Tensor }).value);
      const before = t.rank;
      t = pairwiseGather(tf, t, axis, run);
      // the indexed axes are replaced by the index arrays' broadcast shape
      axis += t.rank - before + arrays;
      pos += arrays - 1;
    } else if (it.kind === 'newaxis') {
      t = tf.expandDims(t, axis);
      axis += 1;
    } else if (it.kind === 'ellipsis') {
      axis += value.rank - consuming;
    } else if (it.kind === 'slice') {
      const idx = sliceIndices(t.shape[axis], optInt(it.start, 'start'), optInt(it.stop, 'stop'), optInt(it.step, 'step'));
      t = sliceAxis(tf, t, axis, idx);
      axis += 1;
    } else if (isTensor(it.value) && it.value.dtype === 'bool') {
      t = booleanMask(tf, t, it.value, axis);
      axis += 1;
    } else if (isTensor(it.value) && it.value.rank > 0) {
      t = gather(tf, t, it.value, axis);
      axis += it.value.rank;
    } else {
      const i = optInt(it.value, 'index');
      if (i === undefined) throw new Error('an index must be an integer, a slice, `...` or `None`');
      t = tf.squeeze(sliceAxis(tf, t, axis, [normIndex(i, t.shape[axis])]), [axis]);
    }
  }
  return t;
}
