// `tf.metrics.*` of @tensorflow/tfjs (tfjs-layers) used as loss pieces: one value per sample, computed as
// tfjs-layers does (probabilities clipped to [1e-7, 1 − 1e-7]; categorical outputs rescaled to sum to 1;
// binary cross-entropy through the logit of the clipped probability).
import { op } from '../args';
import type { OpArgs, OpTable } from '../types';
import { asFloat } from '../values';
import { clip, softplus } from './shared';

const EPSILON = 1e-7;
const pair = (a: OpArgs) => [asFloat(a.tf, a.tensor('yTrue')), asFloat(a.tf, a.tensor('yPred'))] as const;

const metrics: OpTable = {
  meanSquaredError: op(['yTrue', 'yPred'], (a) => {
    const [t, p] = pair(a);
    return a.tf.mean(a.tf.squaredDifference(p, t), -1);
  }),
  meanAbsoluteError: op(['yTrue', 'yPred'], (a) => {
    const [t, p] = pair(a);
    return a.tf.mean(a.tf.abs(a.tf.sub(p, t)), -1);
  }),
  categoricalCrossentropy: op(['yTrue', 'yPred'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    const q = clip(tf, tf.div(p, tf.sum(p, -1, true)), EPSILON, 1 - EPSILON);
    return tf.neg(tf.sum(tf.mul(t, tf.log(q)), -1));
  }),
  binaryCrossentropy: op(['yTrue', 'yPred'], (a) => {
    const [t, p] = pair(a);
    const { tf } = a;
    const q = clip(tf, p, EPSILON, 1 - EPSILON);
    const logits = tf.log(tf.div(q, tf.sub(1, q)));
    return tf.mean(tf.sub(softplus(tf, logits), tf.mul(logits, t)), -1);
  }),
};

const aliases: Record<string, string> = { MSE: 'meanSquaredError', mse: 'meanSquaredError', MAE: 'meanAbsoluteError', mae: 'meanAbsoluteError' };

export const tfjsMetricsTable: OpTable = Object.fromEntries(
  [...Object.keys(metrics), ...Object.keys(aliases)].map((name) => [`tf.metrics.${name}`, metrics[aliases[name] ?? name]]),
);
