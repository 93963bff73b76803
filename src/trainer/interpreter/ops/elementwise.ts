// Elementwise math that real losses call beside the common ops, written once on tfjs for the three op tables:
// inverse trigonometry, remainders (Python's floor mod and C's fmod), hypot, logaddexp, erfc, sinc, heaviside,
// inf/finite masks, NaN-skipping means, activations (relu6, softsign, hard sigmoid/swish, shrinks, GLU).
// Each keeps the frameworks' semantics; gradients come from tfjs' own ops (masks carry none, as in the frameworks).
import type { Tensor, Tf } from '../types';
import { asFloat } from '../values';
import { compare } from './shared';

const f = asFloat;

/** a − b·floor(a/b): the sign of the divisor (torch.remainder, Python `%`, tf.math.floormod); ints stay ints. */
export function floorMod(tf: Tf, a: Tensor, b: Tensor): Tensor {
  const out = tf.sub(f(tf, a), tf.mul(f(tf, b), tf.floor(tf.div(f(tf, a), f(tf, b)))));
  return a.dtype === 'int32' && b.dtype === 'int32' ? tf.cast(out, 'int32') : out;
}

/** a − b·trunc(a/b): the sign of the dividend (torch.fmod, C fmod, tf.math.truncatemod). */
export function truncMod(tf: Tf, a: Tensor, b: Tensor): Tensor {
  const q = tf.div(f(tf, a), f(tf, b));
  const out = tf.sub(f(tf, a), tf.mul(f(tf, b), tf.mul(tf.sign(q), tf.floor(tf.abs(q)))));
  return a.dtype === 'int32' && b.dtype === 'int32' ? tf.cast(out, 'int32') : out;
}

export const hypot = (tf: Tf, a: Tensor, b: Tensor): Tensor => tf.sqrt(tf.add(tf.square(f(tf, a)), tf.square(f(tf, b))));

/** log(eᵃ + eᵇ) = max(a, b) + log1p(e^−|a−b|). */
export function logAddExp(tf: Tf, a: Tensor, b: Tensor): Tensor {
  const [x, y] = [f(tf, a), f(tf, b)];
  return tf.add(tf.maximum(x, y), tf.log1p(tf.exp(tf.neg(tf.abs(tf.sub(x, y))))));
}

export const erfc = (tf: Tf, x: Tensor): Tensor => tf.sub(1, tf.erf(f(tf, x)));

/** The normalised sinc sin(πx)/(πx), 1 at 0 (with a zero gradient there, as torch). */
export function sinc(tf: Tf, x: Tensor): Tensor {
  const v = f(tf, x);
  const zero = compare(tf, '==', v, tf.scalar(0));
  const safe = tf.where(zero, tf.onesLike(v), tf.mul(v, Math.PI));
  return tf.where(zero, tf.onesLike(v), tf.div(tf.sin(safe), safe));
}

/** torch.heaviside(input, values): 0 below zero, 1 above, `values` at zero; a step, so no gradient. */
export function heaviside(tf: Tf, x: Tensor, values: Tensor): Tensor {
  const v = f(tf, x);
  const step = tf.cast(compare(tf, '>', v, tf.scalar(0)), 'float32');
  return tf.where(compare(tf, '==', v, tf.scalar(0)), tf.add(tf.zerosLike(v), f(tf, values)), step);
}

export const isInfMask = (tf: Tf, x: Tensor): Tensor => compare(tf, '==', tf.abs(f(tf, x)), tf.scalar(Number.POSITIVE_INFINITY));
/** Neither ±inf nor NaN: x − x is 0 exactly for finite x. */
export const isFiniteMask = (tf: Tf, x: Tensor): Tensor => compare(tf, '==', tf.sub(f(tf, x), f(tf, x)), tf.scalar(0));

/** The mean over `axis` of the entries that are not NaN (torch.nanmean); NaN where all are. */
export function nanMean(tf: Tf, x: Tensor, axis: number | number[] | undefined, keep: boolean): Tensor {
  const v = f(tf, x);
  const ok = compare(tf, '==', v, v);
  const total = tf.sum(tf.where(ok, v, tf.zerosLike(v)), axis, keep);
  return tf.div(total, tf.sum(tf.cast(ok, 'float32'), axis, keep));
}

export const relu6 = (tf: Tf, x: Tensor): Tensor => tf.clipByValue(f(tf, x), 0, 6);
export const softsign = (tf: Tf, x: Tensor): Tensor => tf.div(f(tf, x), tf.add(1, tf.abs(f(tf, x))));
/** relu6(x + 3) / 6 (torch.nn.functional.hardsigmoid; Keras 3's hard_sigmoid has the same slope 1/6). */
export const hardSigmoid = (tf: Tf, x: Tensor): Tensor => tf.div(relu6(tf, tf.add(f(tf, x), 3)), 6);
export const hardSwish = (tf: Tf, x: Tensor): Tensor => tf.mul(f(tf, x), hardSigmoid(tf, x));
export const tanhShrink = (tf: Tf, x: Tensor): Tensor => tf.sub(f(tf, x), tf.tanh(f(tf, x)));

/** x − λ above λ, x + λ below −λ, 0 between (F.softshrink). */
export function softShrink(tf: Tf, x: Tensor, lambd: number): Tensor {
  const v = f(tf, x);
  const shrunk = tf.sub(v, tf.mul(tf.sign(v), lambd));
  return tf.where(compare(tf, '>', tf.abs(v), tf.scalar(lambd)), shrunk, tf.zerosLike(v));
}

/** x where x > threshold, else `value` (F.threshold). */
export function threshold(tf: Tf, x: Tensor, at: number, value: number): Tensor {
  const v = f(tf, x);
  return tf.where(compare(tf, '>', v, tf.scalar(at)), v, tf.fill(v.shape, value));
}

/** F.glu(x, dim): the first half of `dim` times the sigmoid of the second. */
export function glu(tf: Tf, x: Tensor, dim: number): Tensor {
  const v = f(tf, x);
  const axis = dim < 0 ? dim + v.rank : dim;
  const n = v.shape[axis] as number;
  if (n % 2 !== 0) throw new Error(`glu halves dimension ${dim}, whose size ${n} is odd`);
  const [a, b] = tf.split(v, 2, axis) as [Tensor, Tensor];
  return tf.mul(a, tf.sigmoid(b));
}
