// The readable violation of each recognised constraint, one formula per ConstraintKind (the labels and their
// descriptions are the template catalog's, src/templates/violations.ts: the single source of the names).
// Each returns a scalar tensor so a step's metrics are read back together with one dataSync.
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { ConstraintKind, OutputTransform } from '../../analysis/ir';
import type { Tf } from '../backend';

export interface ViolationContext {
  tf: Tf;
  /** The run's predictions [B, outputs]. */
  yPred: Tensor;
  /** The targets [B, targets] (or [B] class indices). */
  yTrue: Tensor;
  /** The run's kernels, for weight constraints. */
  kernels: () => Tensor[];
}

export type ViolationFn = (ctx: ViolationContext, params: Record<string, number>) => Scalar;

const transforms: Record<OutputTransform, (tf: Tf, x: Tensor) => Tensor> = {
  sigmoid: (tf, x) => tf.sigmoid(x),
  softmax: (tf, x) => tf.softmax(x),
  tanh: (tf, x) => tf.tanh(x),
};

/** The values a constraint is on: the predictions, or the activation the loss applies to them itself (`on`). */
export function constrainedValues(tf: Tf, yPred: Tensor, on: OutputTransform | undefined): Tensor {
  return on ? transforms[on](tf, yPred) : yPred;
}

/**
 * The constraint a term's readable violation measures, if the trainer can measure it: a sum compared with something
 * that is not a known number (`Σŷ − Σy`, the mains a disaggregation's outputs must add up to) is no "sum to one",
 * and |Σŷ − 1| would report a violation the loss does not penalise; its raw value is its violation instead.
 */
export function readableConstraint<T extends { constraint?: { kind: string; params: Record<string, number> } }>(term: T): T['constraint'] {
  const c = term.constraint;
  if (c?.kind === 'sum-to-one' && c.params['target'] === undefined) return undefined;
  return c;
}

/** Magnitude under which a value counts as zero (the catalog's 1e-3). */
export const NEAR_ZERO = 1e-3;

/**
 * Magnitude under which a WEIGHT counts as zero (the catalog's 1e-2): an L1 penalty's gradient has the same size
 * however small the weight, so under Adam (the trial's default, learning rate 1e-2) a penalised weight jitters within
 * about one step of zero rather than settling at it, and a 1e-3 threshold counted half of those weights as non-zero
 * however strong λ was. Weights start at ~1/√fan-in (0.1–0.3 here), so 1e-2 is still far below any live weight.
 */
export const NEAR_ZERO_WEIGHT = 1e-2;

/**
 * How far beyond a bound an output must be to count as outside: 1% of (hi − lo), or 1e-2 when the interval is open
 * on one side. A squared-hinge penalty leaves outputs settled just past the bound (its gradient vanishes there), so
 * counting every value a hair outside would hide the penalty's effect behind a number that barely moves.
 */
export function boundsTolerance(lo: number, hi: number): number {
  return Number.isFinite(lo) && Number.isFinite(hi) && hi > lo ? 0.01 * (hi - lo) : 1e-2;
}

/**
 * How far a pair must be out of order to count: a squared hinge on adjacent differences leaves them settled a hair
 * past equal (its gradient vanishes there), as a bound's does, so an exact comparison counted those flat pairs.
 */
export const MONOTONE_TOLERANCE = 1e-2;

const fraction = (tf: Tf, mask: Tensor): Scalar => tf.mean(tf.cast(mask, 'float32')) as Scalar;

export const violationFns: Record<ConstraintKind, ViolationFn> = {
  // mean |Σp − 1|
  'sum-to-one': ({ tf, yPred }, p) => tf.mean(tf.abs(tf.sub(tf.sum(yPred, -1), p['target'] ?? 1))) as Scalar,
  // fraction outside [lo, hi] by more than the tolerance
  bounds: ({ tf, yPred }, p) => {
    const lo = p['lower'] ?? Number.NEGATIVE_INFINITY;
    const hi = p['upper'] ?? Number.POSITIVE_INFINITY;
    const tol = boundsTolerance(lo, hi);
    return fraction(tf, tf.logicalOr(tf.less(yPred, lo - tol), tf.greater(yPred, hi + tol)));
  },
  // fraction |ŷ| ≥ 1e-3
  'output-sparsity': ({ tf, yPred }) => fraction(tf, tf.greaterEqual(tf.abs(yPred), NEAR_ZERO)),
  // fraction |w| ≥ 1e-2 over every kernel of the run
  'weight-sparsity': ({ tf, kernels }) => {
    const ks = kernels();
    const count = ks.reduce((n, k) => n + k.size, 0);
    const above = tf.addN(ks.map((k) => tf.sum(tf.cast(tf.greaterEqual(tf.abs(k), NEAR_ZERO_WEIGHT), 'float32'))));
    return tf.div(above, count) as Scalar;
  },
  // fraction ŷ < −0.01: a lower bound of 0 with the open interval's tolerance, for the same reason
  'non-negativity': ({ tf, yPred }) => fraction(tf, tf.less(yPred, -boundsTolerance(0, Number.POSITIVE_INFINITY))),
  // fraction of adjacent pairs (ŷ[k], ŷ[k+1]) out of the order the penalty asks for: a later value smaller than the
  // earlier one, or larger when the penalty is on increases (`decreasing`)
  // along the last axis, or the one the penalty's slices run along (`pred[:, 1:, :]`: a sequence's time axis)
  monotone: ({ tf, yPred }, p) => {
    const axis = p['axis'] !== undefined && p['axis'] > 0 && p['axis'] < yPred.rank ? p['axis'] : yPred.rank - 1;
    const width = yPred.shape[axis] ?? 1;
    if (yPred.rank < 2 || width < 2) return tf.scalar(0);
    const begin = (start: number) => yPred.shape.map((_, d) => (d === axis ? start : 0));
    const size = yPred.shape.map((_, d) => (d === axis ? width - 1 : -1));
    const earlier = tf.slice(yPred, begin(0), size);
    const later = tf.slice(yPred, begin(1), size);
    const rise = p['decreasing'] ? tf.sub(later, earlier) : tf.sub(earlier, later);
    return fraction(tf, tf.greater(rise, MONOTONE_TOLERANCE));
  },
  // |mean ŷ(A) − mean ŷ(B)|, the group (1 = A) being the last column of y_true as in the parity template
  parity: ({ tf, yPred, yTrue }) => {
    const cols = yTrue.shape[yTrue.rank - 1] ?? 1;
    if (yTrue.rank < 2 || cols < 2) return tf.scalar(Number.NaN);
    const group = tf.slice(yTrue, [0, cols - 1], [-1, 1]);
    const meanRow = tf.mean(yPred, -1, true);
    const eps = 1e-7;
    const a = tf.div(tf.sum(tf.mul(group, meanRow)), tf.add(tf.sum(group), eps));
    const rest = tf.sub(1, group);
    const b = tf.div(tf.sum(tf.mul(rest, meanRow)), tf.add(tf.sum(rest), eps));
    return tf.abs(tf.sub(a, b)) as Scalar;
  },
};
