// The weights of the layers a loss builds itself (issue 10 §2): a Keras `train_step` that runs `self.decoder(z)`, a
// Barlow Twins loss with its own `self.projector = nn.Sequential(nn.Linear(…), …)`. They are the user's function:
// trained with the loss, not replaced by the trial model. Each compiled loss (one per run) owns one store, so runs
// do not share weights; a layer's weights are made the first time it is called (Keras builds a layer on its first
// input) and kept for the whole trial, keyed by where the layer is built, so two calls of one layer share them.
import type { SourceRange } from '../../analysis/ir';
import type { Tensor, Tf } from './types';

type Variable = ReturnType<Tf['variable']>;

/** How a weight starts, as the framework's layer initialises it. */
export type Init =
  /** Keras's default kernel initializer: U(±√(6 / (fan_in + fan_out))). */
  | { kind: 'glorot'; fanIn: number; fanOut: number }
  /** torch's nn.Linear weight and bias: U(±1/√fan_in). */
  | { kind: 'fanIn'; fanIn: number }
  | { kind: 'zeros' }
  | { kind: 'ones' }
  /** A variable made from a setting (`K.variable(0.5)`): that value. */
  | { kind: 'given'; values: number[] };

/** A stable key of where a layer is built (its constructor's source position). */
export const siteKey = (callee: string, at: SourceRange): string => `${callee}@${at.startLine}:${at.startCol}`;

/** A seed from the key, so a trial's layers start the same way every time. */
function seedOf(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class LayerStore {
  private readonly weights = new Map<string, Variable>();

  constructor(private readonly tf: Tf) {}

  /** The weight `name` of the layer built at `site`, made on first use with `shape` and `init`. */
  weight(site: string, name: string, shape: number[], init: Init): Tensor {
    const key = `${site}/${name}`;
    const have = this.weights.get(key);
    if (have) return have;
    const { tf } = this;
    // made outside any tidy of the caller: a variable is never released by tf.tidy, its initial value is
    const made = tf.tidy(() => tf.variable(initial(tf, shape, init, seedOf(key)), true));
    this.weights.set(key, made);
    return made;
  }

  /** The weight `name` of the layer built at `site`, if it is made yet (its initial value need not be computed again). */
  existing(site: string, name: string): Tensor | undefined {
    return this.weights.get(`${site}/${name}`);
  }

  /** The weights made so far, in the order they were made (the optimizer's order). */
  variables(): Variable[] {
    return [...this.weights.values()];
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
    this.weights.clear();
  }
}

function initial(tf: Tf, shape: number[], init: Init, seed: number): Tensor {
  switch (init.kind) {
    case 'zeros':
      return tf.zeros(shape);
    case 'ones':
      return tf.ones(shape);
    case 'given':
      return tf.tensor(init.values, shape, 'float32');
    case 'glorot': {
      const limit = Math.sqrt(6 / (init.fanIn + init.fanOut));
      return tf.randomUniform(shape, -limit, limit, 'float32', seed);
    }
    case 'fanIn': {
      const limit = 1 / Math.sqrt(init.fanIn);
      return tf.randomUniform(shape, -limit, limit, 'float32', seed);
    }
  }
}
