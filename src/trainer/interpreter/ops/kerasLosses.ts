// Keras losses as tf.keras 2.x computes them: probabilities are clipped to [ε, 1 − ε] with ε = 1e-7
// (`K.epsilon()`), categorical cross-entropy first rescales predictions to sum to 1 over the class axis, and every
// `tf.keras.losses.*` function returns one value per sample (a mean over the last axis where Keras takes one).
import { op } from '../args';
import type { OpArgs, OpTable, Tensor, Tf } from '../types';
import { asFloat } from '../values';
import { kerasMoreAliases, kerasMoreLosses } from './kerasMoreLosses';
import { clip, compare, logSoftmax, softplus, where } from './shared';

export const KERAS_EPSILON = 1e-7;

const pair = (a: OpArgs) => [asFloat(a.tf, a.tensor('y_true')), asFloat(a.tf, a.tensor('y_pred'))] as const;

/** `K.categorical_crossentropy(target, output, from_logits, axis)`: one value per sample. */
export function categoricalCrossentropy(tf: Tf, target: Tensor, output: Tensor, fromLogits: boolean, axis = -1): Tensor {
  if (fromLogits) return tf.neg(tf.sum(tf.mul(target, logSoftmax(tf, output, axis)), axis));
  return fusedCrossentropy(tf, axis)(target, output) as Tensor;
}

/**
 * Keras's categorical cross-entropy on probabilities, −Σ t·log(clip(p / Σp, ε, 1 − ε)), as one op with its gradient
 * written out: taped op by op it costs ~35 kernels a step (7 forward, the clip's mask alone 5 backward, a saved copy
 * of every input); the fused op 7 forward and 16 backward. Per-kernel overhead is what a trial step spends on.
 * With q = p / Σp, c = clip(q) and g = t / c where q is inside the clip (0 outside, as tfjs's clip gradient):
 *   ∂L/∂p_i = (Σ_j g_j q_j − g_i) / Σp,   ∂L/∂t_i = −log c_i   (times the incoming gradient of each sample).
 */
function fusedCrossentropy(tf: Tf, axis: number): (target: Tensor, output: Tensor) => Tensor {
  const key = `${axis}`;
  const cache = (fusedCache.get(tf) ?? fusedCache.set(tf, new Map()).get(tf))!;
  let op = cache.get(key);
  if (!op) {
    op = tf.customGrad((...inputs: unknown[]) => {
      const [t, p, save] = inputs as [Tensor, Tensor, (ts: Tensor[]) => void];
      const target = asFloat(tf, t);
      // Only the inputs are saved (tfjs keeps a saved intermediate as a separate buffer until the backward pass).
      save([target, p]);
      return {
        value: tf.neg(tf.sum(tf.mul(target, tf.log(clipped(tf, p, axis).c)), axis)),
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [st, sp] = saved as [Tensor, Tensor];
          const { s: ss, q: sq, c: sc } = clipped(tf, sp, axis);
          const slog = tf.log(sc);
          const dyE = tf.expandDims(dy, axis < 0 ? dy.rank + 1 + axis : axis);
          const g = tf.mul(tf.mul(tf.div(st, sc), tf.cast(tf.equal(sc, sq), 'float32')), dyE);
          const dp = tf.div(tf.sub(tf.sum(tf.mul(g, sq), axis, true), g), ss);
          return [tf.mul(tf.neg(slog), dyE), dp];
        },
      };
    }) as unknown as (target: Tensor, output: Tensor) => Tensor;
    cache.set(key, op);
  }
  return op;
}

/** p / Σp and its clip to [ε, 1 − ε], as Keras computes them. */
function clipped(tf: Tf, p: Tensor, axis: number): { s: Tensor; q: Tensor; c: Tensor } {
  const s = tf.sum(p, axis, true);
  const q = tf.div(p, s);
  return { s, q, c: tf.clipByValue(q, KERAS_EPSILON, 1 - KERAS_EPSILON) };
}

const fusedCache = new WeakMap<Tf, Map<string, (target: Tensor, output: Tensor) => Tensor>>();

/** `K.binary_crossentropy(target, output, from_logits)`: elementwise, as tf.keras 2.x writes it. */
export function binaryCrossentropy(tf: Tf, target: Tensor, output: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) return tf.sub(softplus(tf, output), tf.mul(output, target));
  const p = clip(tf, output, KERAS_EPSILON, 1 - KERAS_EPSILON);
  const pos = tf.mul(target, tf.log(tf.add(p, KERAS_EPSILON)));
  const neg = tf.mul(tf.sub(1, target), tf.log(tf.add(tf.sub(1, p), KERAS_EPSILON)));
  return tf.neg(tf.add(pos, neg));
}

/** `K.sparse_categorical_crossentropy(target, output, from_logits, axis)`: integer class targets. */
export function sparseCategoricalCrossentropy(tf: Tf, target: Tensor, output: Tensor, fromLogits: boolean, axis = -1): Tensor {
  const classes = output.shape[output.rank + (axis < 0 ? axis : axis - output.rank)];
  const labels = target.rank === output.rank ? tf.squeeze(target, [target.rank - 1]) : target;
  const onehot = tf.oneHot(tf.cast(labels, 'int32'), classes);
  // Keras takes log of the clipped probabilities and feeds them to a softmax cross-entropy as logits.
  const logits = fromLogits ? output : tf.log(clip(tf, output, KERAS_EPSILON, 1 - KERAS_EPSILON));
  return tf.neg(tf.sum(tf.mul(onehot, logSoftmax(tf, logits, axis)), axis));
}

function smooth(tf: Tf, t: Tensor, ls: number, classes: number): Tensor {
  return ls > 0 ? tf.add(tf.mul(t, 1 - ls), ls / classes) : t;
}

const lossParams = ['y_true', 'y_pred', 'from_logits', 'label_smoothing', 'axis'];

/** The loss functions by their Keras name (one value per sample). */
export const kerasLossFunctions: OpTable = {
  categorical_crossentropy: op(lossParams, (a) => {
    const [t, p] = pair(a);
    const yt = smooth(a.tf, t, a.number('label_smoothing', 0), p.shape[p.rank - 1]);
    return categoricalCrossentropy(a.tf, yt, p, a.bool('from_logits', false), a.number('axis', -1));
  }),
  binary_crossentropy: op(lossParams, (a) => {
    const [t, p] = pair(a);
    const yt = smooth(a.tf, t, a.number('label_smoothing', 0), 2);
    return a.tf.mean(binaryCrossentropy(a.tf, yt, p, a.bool('from_logits', false)), a.number('axis', -1));
  }),
  sparse_categorical_crossentropy: op(['y_true', 'y_pred', 'from_logits', 'axis'], (a) =>
    sparseCategoricalCrossentropy(a.tf, a.tensor('y_true'), asFloat(a.tf, a.tensor('y_pred')), a.bool('from_logits', false), a.number('axis', -1)),
  ),
  mean_squared_error: op(['y_true', 'y_pred'], (a) => {
    const [t, p] = pair(a);
    return a.tf.mean(a.tf.squaredDifference(p, t), -1);
  }),
  mean_absolute_error: op(['y_true', 'y_pred'], (a) => {
    const [t, p] = pair(a);
    return a.tf.mean(a.tf.abs(a.tf.sub(p, t)), -1);
  }),
  huber: op(['y_true', 'y_pred', 'delta'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    const d = a.number('delta', 1);
    const err = tf.abs(tf.sub(p, t));
    const quad = tf.mul(0.5, tf.square(err));
    const lin = tf.sub(tf.mul(d, err), 0.5 * d * d);
    return tf.mean(where(tf, compare(tf, '<=', err, tf.scalar(d)), quad, lin), -1);
  }),
  kl_divergence: op(['y_true', 'y_pred'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    const ct = clip(tf, t, KERAS_EPSILON, 1);
    const cp = clip(tf, p, KERAS_EPSILON, 1);
    return tf.sum(tf.mul(ct, tf.log(tf.div(ct, cp))), -1);
  }),
  ...kerasMoreLosses,
};

const aliases: Record<string, string> = {
  mse: 'mean_squared_error',
  MSE: 'mean_squared_error',
  mae: 'mean_absolute_error',
  MAE: 'mean_absolute_error',
  huber_loss: 'huber',
  kld: 'kl_divergence',
  KLD: 'kl_divergence',
  kullback_leibler_divergence: 'kl_divergence',
  ...kerasMoreAliases,
};

/** The loss functions under every prefix Keras code reaches them by (`tf.keras.losses.mse`, `keras.losses.…`). */
export const kerasLossTable: OpTable = Object.fromEntries(
  ['tf.keras.losses', 'keras.losses', 'tf.losses', 'tf.keras.metrics', 'keras.metrics'].flatMap((prefix) =>
    [...Object.keys(kerasLossFunctions), ...Object.keys(aliases)].map((name) => [`${prefix}.${name}`, kerasLossFunctions[aliases[name] ?? name]]),
  ),
);

/** `K.*` backend cross-entropies: elementwise (binary) or per sample (categorical), no mean over the last axis. */
export const kerasBackendLosses: OpTable = {
  categorical_crossentropy: op(['target', 'output', 'from_logits', 'axis'], (a) =>
    categoricalCrossentropy(a.tf, asFloat(a.tf, a.tensor('target')), asFloat(a.tf, a.tensor('output')), a.bool('from_logits', false), a.number('axis', -1)),
  ),
  binary_crossentropy: op(['target', 'output', 'from_logits'], (a) =>
    binaryCrossentropy(a.tf, asFloat(a.tf, a.tensor('target')), asFloat(a.tf, a.tensor('output')), a.bool('from_logits', false)),
  ),
  sparse_categorical_crossentropy: op(['target', 'output', 'from_logits', 'axis'], (a) =>
    sparseCategoricalCrossentropy(a.tf, a.tensor('target'), asFloat(a.tf, a.tensor('output')), a.bool('from_logits', false), a.number('axis', -1)),
  ),
};
