// The optimizers the trainer steps with. Adam (the default) is fused: every variable's gradient is flattened into
// one vector, so the moment updates are a dozen kernels in all instead of a dozen per variable (tf.train.adam runs
// ~15 kernels per variable; per-kernel overhead, not arithmetic, is what a small trial model spends its time on).
// Same formula and defaults as tf.train.adam (β1 0.9, β2 0.999, ε 1e-7), checked against it in the tests.
// SGD and RMSprop are tfjs's own.
import type { NamedTensorMap, Optimizer, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { OptimizerSpec } from '../protocol/trainer';
import type { Tf } from './backend';

export interface TrainOptimizer {
  /** Applies one update from the gradients of `variables` (same order). */
  apply(grads: Tensor[]): void;
  dispose(): void;
}

export function createOptimizer(tf: Tf, spec: OptimizerSpec, variables: Variable[]): TrainOptimizer {
  if (spec.name === 'adam') return new FusedAdam(tf, variables, spec.learningRate);
  const inner: Optimizer = spec.name === 'sgd' ? tf.train.sgd(spec.learningRate) : tf.train.rmsprop(spec.learningRate);
  // tfjs optimizers key their state by variable name.
  return {
    apply: (grads) => {
      const map: NamedTensorMap = {};
      variables.forEach((v, i) => {
        map[v.name] = grads[i]!;
      });
      inner.applyGradients(map);
    },
    dispose: () => inner.dispose(),
  };
}

export class FusedAdam implements TrainOptimizer {
  private readonly m: Variable;
  private readonly v: Variable;
  private readonly sizes: number[];
  /**
   * The constant factors as float32 scalars made once: a JS number operand becomes a new scalar tensor on every
   * call (an allocation and a copy into the backend each), the same value as these.
   */
  private readonly constants: { beta1: Tensor; oneMinusBeta1: Tensor; beta2: Tensor; oneMinusBeta2: Tensor; epsilon: Tensor };
  private accBeta1 = 1;
  private accBeta2 = 1;

  constructor(
    private readonly tf: Tf,
    private readonly variables: Variable[],
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    epsilon = 1e-7,
  ) {
    this.sizes = variables.map((v) => v.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.variable(tf.zeros([total]), false);
    this.v = tf.variable(tf.zeros([total]), false);
    this.constants = {
      beta1: tf.keep(tf.scalar(beta1)),
      oneMinusBeta1: tf.keep(tf.scalar(1 - beta1)),
      beta2: tf.keep(tf.scalar(beta2)),
      oneMinusBeta2: tf.keep(tf.scalar(1 - beta2)),
      epsilon: tf.keep(tf.scalar(epsilon)),
    };
  }

  apply(grads: Tensor[]): void {
    const { tf, beta1, beta2, constants: c } = this;
    this.accBeta1 *= beta1;
    this.accBeta2 *= beta2;
    const stepScale = -this.learningRate / (1 - this.accBeta1);
    const vScale = 1 / (1 - this.accBeta2);
    tf.tidy(() => {
      // A reshape is a kernel call even when it changes nothing: 1-D tensors (biases) go as they are.
      const flat = (t: Tensor): Tensor => (t.rank === 1 ? t : tf.reshape(t, [-1]));
      const g = grads.length === 1 ? flat(grads[0]!) : tf.concat(grads.map(flat));
      const m = tf.add(tf.mul(this.m, c.beta1), tf.mul(g, c.oneMinusBeta1));
      const v = tf.add(tf.mul(this.v, c.beta2), tf.mul(tf.square(g), c.oneMinusBeta2));
      this.m.assign(m);
      this.v.assign(v);
      const update = tf.mul(tf.div(m, tf.add(tf.sqrt(tf.mul(v, vScale)), c.epsilon)), stepScale);
      const parts = this.variables.length === 1 ? [update] : tf.split(update, this.sizes);
      this.variables.forEach((variable, i) => {
        variable.assign(tf.add(variable, variable.rank === 1 ? parts[i]! : tf.reshape(parts[i]!, variable.shape)));
      });
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.tf.dispose(Object.values(this.constants));
  }
}
