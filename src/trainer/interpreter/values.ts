// Conversions between runtime values (numbers, tuples, tensors) without importing tfjs values.
import type { Tensor, Tf, Value } from './types';

export function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'dataId' in v && 'shape' in v;
}

/** A nested list of numbers/bools (`[[0, 1], [1, 0]]`, `(1.0, 2.0)`), as tfjs accepts it. */
function isNumericList(v: Value): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'boolean' || isNumericList(x));
}

/** A value as a tensor, or undefined when it cannot be one (strings, None, lists of tensors are stacked). */
export function asTensor(tf: Tf, v: Value | undefined): Tensor | undefined {
  if (v === undefined || v === null || typeof v === 'string') return undefined;
  if (isTensor(v)) return v;
  if (typeof v === 'number') return tf.scalar(v);
  if (typeof v === 'boolean') return tf.scalar(v ? 1 : 0);
  if (isNumericList(v)) return tf.tensor(v as number[]);
  const parts = v.map((x) => asTensor(tf, x));
  if (parts.length > 0 && parts.every((p) => p !== undefined)) return tf.stack(parts as Tensor[]);
  return undefined;
}

/** What a Python `for` walks: a list's items, or a tensor's slices along its first axis. */
export function iterationItems(tf: Tf, v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (isTensor(v) && v.rank > 0) return tf.unstack(v, 0);
  throw new Error(`cannot iterate over ${describe(v)}`);
}

/** Floating-point view of a tensor (bool/int → float32): arithmetic and losses work in float32. */
export function asFloat(tf: Tf, t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/** A scalar tensor's number (for `if` tests and axis arguments given as tensors). */
export function scalarNumber(t: Tensor): number | undefined {
  return t.size === 1 ? (t.dataSync()[0] as number) : undefined;
}

export function describe(v: Value | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (isTensor(v)) return `a tensor of shape [${v.shape.join(', ')}]`;
  if (Array.isArray(v)) return `a tuple of ${v.length}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}
