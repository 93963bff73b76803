// The other tf.keras 2.x loss functions (one value per sample, a mean over the last axis): log-cosh, MAPE, MSLE,
// hinge and squared hinge (0/1 labels become −1/+1 as Keras does), Poisson and cosine similarity.
import { op } from '../args';
import type { OpArgs, OpTable, Tensor, Tf } from '../types';
import { asFloat } from '../values';
import { binaryCrossentropy } from './kerasLosses';
import { softplus } from './shared';

const EPSILON = 1e-7;
const pair = (a: OpArgs) => [asFloat(a.tf, a.tensor('y_true')), asFloat(a.tf, a.tensor('y_pred'))] as const;

/** Keras' `_maybe_convert_labels`: labels that are all 0 or 1 become −1 or +1 (the targets are data, not weights). */
function hingeLabels(tf: Tf, t: Tensor): Tensor {
  const binary = Array.from(t.dataSync()).every((v) => v === 0 || v === 1);
  return binary ? tf.sub(tf.mul(t, 2), 1) : t;
}

function l2Normalize(tf: Tf, x: Tensor, axis: number): Tensor {
  return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), axis, true), 1e-12)));
}

export const kerasMoreLosses: OpTable = {
  log_cosh: op(['y_true', 'y_pred'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    const x = tf.sub(p, t);
    return tf.mean(tf.sub(tf.add(x, softplus(tf, tf.mul(x, -2))), Math.log(2)), -1);
  }),
  mean_absolute_percentage_error: op(['y_true', 'y_pred'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    const diff = tf.abs(tf.div(tf.sub(t, p), tf.maximum(tf.abs(t), EPSILON)));
    return tf.mul(100, tf.mean(diff, -1));
  }),
  mean_squared_logarithmic_error: op(['y_true', 'y_pred'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    const lp = tf.log(tf.add(tf.maximum(p, EPSILON), 1));
    const lt = tf.log(tf.add(tf.maximum(t, EPSILON), 1));
    return tf.mean(tf.square(tf.sub(lp, lt)), -1);
  }),
  hinge: op(['y_true', 'y_pred'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    return tf.mean(tf.relu(tf.sub(1, tf.mul(hingeLabels(tf, t), p))), -1);
  }),
  squared_hinge: op(['y_true', 'y_pred'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    return tf.mean(tf.square(tf.relu(tf.sub(1, tf.mul(hingeLabels(tf, t), p)))), -1);
  }),
  poisson: op(['y_true', 'y_pred'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    return tf.mean(tf.sub(p, tf.mul(t, tf.log(tf.add(p, EPSILON)))), -1);
  }),
  cosine_similarity: op(['y_true', 'y_pred', 'axis'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    const axis = a.number('axis', -1);
    return tf.neg(tf.sum(tf.mul(l2Normalize(tf, t, axis), l2Normalize(tf, p, axis)), axis));
  }),
  // Keras 2.11+: (1 − p_t)^γ · BCE (· α_t when class-balanced), mean over the last axis; labels smoothed first
  binary_focal_crossentropy: op(['y_true', 'y_pred', 'apply_class_balancing', 'alpha', 'gamma', 'from_logits', 'label_smoothing', 'axis'], (a) => {
    const [t0, p] = pair(a);
    const { tf } = a;
    const ls = a.number('label_smoothing', 0);
    const t = ls > 0 ? tf.add(tf.mul(t0, 1 - ls), 0.5 * ls) : t0;
    const logits = a.bool('from_logits', false);
    const prob = logits ? tf.sigmoid(p) : p;
    const pT = tf.add(tf.mul(t, prob), tf.mul(tf.sub(1, t), tf.sub(1, prob)));
    let loss = tf.mul(tf.pow(tf.sub(1, pT), a.number('gamma', 2)), binaryCrossentropy(tf, t, p, logits));
    if (a.bool('apply_class_balancing', false)) {
      const alpha = a.number('alpha', 0.25);
      loss = tf.mul(tf.add(tf.mul(t, alpha), tf.mul(tf.sub(1, t), 1 - alpha)), loss);
    }
    return tf.mean(loss, a.number('axis', -1));
  }),
  // max(0, max((1 − y)·ŷ) − Σ y·ŷ + 1) per sample
  categorical_hinge: op(['y_true', 'y_pred'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    const pos = tf.sum(tf.mul(t, p), -1);
    const neg = tf.max(tf.mul(tf.sub(1, t), p), -1);
    return tf.relu(tf.add(tf.sub(neg, pos), 1));
  }),
};

export const kerasMoreAliases: Record<string, string> = {
  logcosh: 'log_cosh',
  mape: 'mean_absolute_percentage_error',
  MAPE: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error',
  MSLE: 'mean_squared_logarithmic_error',
};
