// A loop over a Keras model's variables (`for w in model.trainable_weights if 'bias' not in w.name`) reads each
// variable's name. The trial model's variables are named as Keras names a stack of Dense layers (`dense/kernel:0`,
// `dense/bias:0`, `dense_1/kernel:0`, …), each layer's kernel then its bias, so a name filter keeps or skips what it
// would in the user's model (no BatchNormalization `gamma`/`beta` in the trial model: such a filter keeps them all).
import type { Tensor } from './types';

const names = new WeakMap<Tensor, string>();

/** The weights as the loop's items, each registered under its Keras name. */
export function namedAsKeras(weights: Tensor[]): Tensor[] {
  for (const [i, w] of weights.entries()) {
    const layer = Math.floor(i / 2);
    names.set(w, `dense${layer === 0 ? '' : `_${layer}`}/${i % 2 === 0 ? 'kernel' : 'bias'}:0`);
  }
  return weights;
}

/** The Keras name a loop gave this variable, if it is one of the trial model's. */
export const kerasWeightName = (w: Tensor): string | undefined => names.get(w);
