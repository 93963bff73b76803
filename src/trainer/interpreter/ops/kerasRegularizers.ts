// Keras regularizers applied to a tensor on the spot: `tf.keras.regularizers.l2(1e-5)(w)`,
// `keras.regularizers.L1L2(l1=…, l2=…)(kernel)`. The front end gives them as one call whose callee is the class (or
// its function alias), with the constructor's arguments bound by name (ctorParams.ts) and the tensor as `x`.
// Values follow tf.keras 2.x: l1·Σ|x| + l2·Σx² (no ½), defaults 0.01 for `l1`/`l2`/`l1_l2`, 0 for `L1L2`; and the
// OrthogonalRegularizer's mean |cosine| between rows.
import { op } from '../args';
import type { OpSpec, OpTable } from '../types';
import { asFloat } from '../values';

function regularizer(defaults: { l1: number; l2: number }): OpSpec {
  return op(['x', 'l1', 'l2'], (a) => {
    const { tf } = a;
    const x = asFloat(tf, a.tensor('x'));
    const l1 = a.number('l1', defaults.l1);
    const l2 = a.number('l2', defaults.l2);
    const terms = [];
    if (l1 !== 0) terms.push(tf.mul(l1, tf.sum(tf.abs(x))));
    if (l2 !== 0) terms.push(tf.mul(l2, tf.sum(tf.square(x))));
    return terms.length === 0 ? tf.scalar(0) : terms.reduce((s, t) => tf.add(s, t));
  });
}

/**
 * `OrthogonalRegularizer(factor=0.01, mode="rows")` (tf.keras ≥ 2.10, Keras 3): the rows (or columns) of a 2-D x are
 * L2-normalised, and the penalty is factor · ½ · Σ|off-diagonal dot products| / (n(n−1)/2) over the n rows: factor
 * times the mean |cosine| between distinct rows.
 */
const orthogonal: OpSpec = op(['x', 'factor', 'mode'], (a) => {
  const { tf } = a;
  const x = asFloat(tf, a.tensor('x'));
  const factor = a.number('factor', 0.01);
  const rows = a.string('mode', 'rows') !== 'columns';
  const v = rows ? x : tf.transpose(x);
  const n = v.shape[0] ?? 0;
  if (x.rank !== 2 || n < 2) return tf.scalar(0);
  // tf.math.l2_normalize: x / √max(Σx², 1e-12)
  const unit = tf.mul(v, tf.rsqrt(tf.maximum(tf.sum(tf.square(v), 1, true), 1e-12)));
  const product = tf.matMul(unit, unit, false, true);
  const offDiagonal = tf.mul(product, tf.sub(1, tf.eye(n)));
  return tf.mul(factor * 0.5, tf.div(tf.sum(tf.abs(offDiagonal)), (n * (n - 1)) / 2));
});

/** Class or function name → the coefficients it takes when not given (the other one is 0). */
const regularizers: Readonly<Record<string, OpSpec>> = {
  l1: regularizer({ l1: 0.01, l2: 0 }),
  L1: regularizer({ l1: 0.01, l2: 0 }),
  l2: regularizer({ l1: 0, l2: 0.01 }),
  L2: regularizer({ l1: 0, l2: 0.01 }),
  l1_l2: regularizer({ l1: 0.01, l2: 0.01 }),
  L1L2: regularizer({ l1: 0, l2: 0 }),
  OrthogonalRegularizer: orthogonal,
  orthogonal_regularizer: orthogonal,
};

/** The positional constructor parameters of each (`l2(0.01)` binds `l2`), for ctorParams.ts. */
export const kerasRegularizerParams: Readonly<Record<string, readonly string[]>> = {
  l1: ['l1'],
  L1: ['l1'],
  l2: ['l2'],
  L2: ['l2'],
  l1_l2: ['l1', 'l2'],
  L1L2: ['l1', 'l2'],
  OrthogonalRegularizer: ['factor', 'mode'],
  orthogonal_regularizer: ['factor', 'mode'],
};

export const kerasRegularizerTable: OpTable = Object.fromEntries(
  ['tf.keras.regularizers', 'keras.regularizers'].flatMap((prefix) => Object.entries(regularizers).map(([name, spec]) => [`${prefix}.${name}`, spec])),
);
