// The trial model: an MLP whose K runs share one batched model. Each layer's weights are one variable shaped
// [K, in, out] (biases [K, 1, out]) and each layer is one (batched) matMul, so K runs train in one step and one
// optimizer; the runs never mix (no op reduces across the first axis), so each run's gradients are its own.
// Every run starts from the same initial weights (seeded Glorot-uniform, like Keras's Dense), so runs differ by
// their λ alone.
import type { Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import { createRng } from '../data/prng';
import type { OutputActivation } from './activation';
import { makeMatMul2d } from './matmul';

export interface MlpOptions {
  runs: number;
  inputs: number;
  hidden: number[];
  outputs: number;
  activation: OutputActivation;
  seed: number;
}

type Activation = (tf: Tf, x: Tensor) => Tensor;

const activations: Record<OutputActivation | 'hidden', Activation> = {
  hidden: (tf, x) => tf.relu(x),
  linear: (_tf, x) => x,
  softmax: (tf, x) => tf.softmax(x),
  sigmoid: (tf, x) => tf.sigmoid(x),
  relu: (tf, x) => tf.relu(x),
  tanh: (tf, x) => tf.tanh(x),
};

export class BatchedMlp {
  readonly kernels: Variable[] = [];
  readonly biases: Variable[] = [];
  readonly sizes: number[];
  private readonly matMul2d;

  constructor(
    private readonly tf: Tf,
    readonly options: MlpOptions,
  ) {
    this.sizes = [options.inputs, ...options.hidden, options.outputs];
    this.matMul2d = makeMatMul2d(tf);
    const rng = createRng(options.seed + 104729);
    const K = options.runs;
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const fanIn = this.sizes[l]!;
      const fanOut = this.sizes[l + 1]!;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const one = new Float32Array(fanIn * fanOut);
      for (let i = 0; i < one.length; i++) one[i] = (2 * rng.next() - 1) * limit;
      const all = new Float32Array(K * one.length);
      for (let k = 0; k < K; k++) all.set(one, k * one.length);
      this.kernels.push(tf.variable(tf.tensor3d(all, [K, fanIn, fanOut]), true, `kernel${l}`));
      this.biases.push(tf.variable(tf.zeros([K, 1, fanOut]), true, `bias${l}`));
    }
  }

  get variables(): Variable[] {
    return [...this.kernels, ...this.biases];
  }

  /** x: [B, inputs] shared by every run → [K, B, outputs]. */
  forward(x: Tensor2D): Tensor3D {
    const { tf } = this;
    const K = this.options.runs;
    const B = x.shape[0];
    let h: Tensor3D;
    // First layer: the input is shared, so all runs' kernels go side by side in one 2-D matMul.
    const first = this.sizes[1]!;
    if (K === 1) {
      h = tf.reshape(this.matMul2d(x, tf.reshape(this.kernels[0]!, [this.sizes[0]!, first])), [1, B, first]);
    } else {
      const side = tf.reshape(tf.transpose(this.kernels[0]!, [1, 0, 2]), [this.sizes[0]!, K * first]);
      h = tf.transpose(tf.reshape(this.matMul2d(x, side as Tensor2D), [B, K, first]), [1, 0, 2]);
    }
    h = tf.add(h, this.biases[0]!);
    for (let l = 1; l < this.kernels.length; l++) {
      h = this.activate(h, l - 1);
      const out = this.sizes[l + 1]!;
      const z =
        K === 1
          ? tf.reshape(this.matMul2d(tf.reshape(h, [B, this.sizes[l]!]), tf.reshape(this.kernels[l]!, [this.sizes[l]!, out])), [1, B, out])
          : tf.matMul(h, this.kernels[l]!);
      h = tf.add(z, this.biases[l]!);
    }
    return this.activate(h, this.kernels.length - 1) as Tensor3D;
  }

  /** Each run's predictions [B, outputs], in run order. */
  predictions(x: Tensor2D): Tensor2D[] {
    const y = this.forward(x);
    const K = this.options.runs;
    if (K === 1) return [this.tf.reshape(y, [y.shape[1], y.shape[2]])];
    return this.tf.unstack(y) as Tensor2D[];
  }

  /** Run k's kernels (for weight-sparsity metrics). */
  runKernels(k: number): Tensor[] {
    const { tf } = this;
    return this.kernels.map((w) => tf.reshape(tf.slice(w, [k, 0, 0], [1, -1, -1]), [w.shape[1]!, w.shape[2]!]));
  }

  private activate(h: Tensor3D, layer: number): Tensor3D {
    const last = layer === this.kernels.length - 1;
    return activations[last ? this.options.activation : 'hidden'](this.tf, h) as Tensor3D;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
