// The trial model: an MLP whose K runs share one batched model. Each layer's weights are one variable shaped
// [K, in, out] (biases [K, 1, out]) and each layer is one (batched) matMul, so K runs train in one step and one
// optimizer; the runs never mix (no op reduces across the first axis), so each run's gradients are its own.
// Every run starts from the same initial weights (seeded Glorot-uniform, like Keras's Dense), so runs differ by
// their λ alone. A single run is stored without the run axis ([in, out], [out]) and uses plain 2-D ops: each
// reshape of a variable would cost a kernel forward and one backward, every step.
import type { Tensor, Tensor1D, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import { createRng } from '../data/prng';
import type { OutputActivation } from './activation';
import { type BatchedDense, type Dense, makeBatchedDense, makeDense } from './dense';
import { makeMatMul2d } from './matmul';

export interface MlpOptions {
  runs: number;
  inputs: number;
  hidden: number[];
  outputs: number;
  activation: OutputActivation;
  seed: number;
  /**
   * How layers after the first multiply [K, B, in] by [K, in, out]: one batched matMul (`native`), or K 2-D
   * matMuls on the runs' slices (`per-run`). On the wasm backend a batched matMul misses the XNNPACK fast path
   * (measured ~10× slower than K 2-D products for 8 × 64×64), so the trainer picks `per-run` there.
   */
  batchedMatMul?: 'native' | 'per-run';
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

/** A trainable variable holding `initial`, which is then released. */
function variableOf(tf: Tf, initial: Tensor): Variable {
  const v = tf.variable(initial);
  initial.dispose();
  return v;
}

export class BatchedMlp {
  readonly kernels: Variable[] = [];
  readonly biases: Variable[] = [];
  readonly sizes: number[];
  private readonly matMul2d;
  private readonly dense: Dense[] = [];
  private readonly batchedDense: BatchedDense[] = [];

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
      const single = K === 1;
      this.kernels.push(variableOf(tf, single ? tf.tensor2d(one, [fanIn, fanOut]) : tf.tensor3d(all, [K, fanIn, fanOut])));
      this.biases.push(variableOf(tf, tf.zeros(single ? [fanOut] : [K, 1, fanOut])));
    }
  }

  get variables(): Variable[] {
    return [...this.kernels, ...this.biases];
  }

  /** x: [B, inputs] shared by every run → [K, B, outputs]. */
  forward(x: Tensor2D): Tensor3D {
    const { tf } = this;
    const K = this.options.runs;
    if (K === 1) return tf.expandDims(this.forwardSingle(x), 0) as Tensor3D;
    const B = x.shape[0];
    // First layer: the input is shared, so all runs' kernels go side by side in one 2-D matMul.
    const first = this.sizes[1]!;
    const side = tf.reshape(tf.transpose(this.kernels[0]!, [1, 0, 2]), [this.sizes[0]!, K * first]);
    let h: Tensor3D = tf.transpose(tf.reshape(this.matMul2d(x, side as Tensor2D), [B, K, first]), [1, 0, 2]);
    h = tf.add(h, this.biases[0]!);
    const last = this.kernels.length - 1;
    if (this.options.batchedMatMul === 'per-run') {
      // Fused layers (see dense.ts): each applies the hidden relu of its own output.
      h = this.activate(h, 0);
      for (let l = 1; l <= last; l++) {
        this.batchedDense[l] ??= makeBatchedDense(tf, l < last);
        h = this.batchedDense[l]!(h, this.kernels[l] as Tensor3D, this.biases[l] as Tensor3D);
      }
      return last === 0 ? h : this.activate(h, last);
    }
    for (let l = 1; l <= last; l++) {
      h = this.activate(h, l - 1);
      h = tf.add(this.batchedMatMul(h, this.kernels[l]!), this.biases[l]!);
    }
    return this.activate(h, last);
  }

  /** Each run's predictions [B, outputs], in run order. */
  predictions(x: Tensor2D): Tensor2D[] {
    if (this.options.runs === 1) return [this.forwardSingle(x)];
    return this.tf.unstack(this.forward(x)) as Tensor2D[];
  }

  /** Run k's kernels (for weight-sparsity metrics). */
  runKernels(k: number): Tensor[] {
    const { tf } = this;
    if (this.options.runs === 1) return [...this.kernels];
    return this.kernels.map((w) => tf.reshape(tf.slice(w, [k, 0, 0], [1, -1, -1]), [w.shape[1]!, w.shape[2]!]));
  }

  /** [K, B, in] × [K, in, out] → [K, B, out]. */
  private batchedMatMul(h: Tensor3D, w: Tensor): Tensor3D {
    const { tf } = this;
    if (this.options.batchedMatMul !== 'per-run') return tf.matMul(h, w as Tensor3D);
    const hs = tf.unstack(h) as Tensor2D[];
    const ws = tf.unstack(w) as Tensor2D[];
    return tf.stack(hs.map((hk, k) => this.matMul2d(hk, ws[k]!))) as Tensor3D;
  }

  /** One run: fused dense layers (hidden ones with their relu), then the output activation. */
  private forwardSingle(x: Tensor2D): Tensor2D {
    let h: Tensor2D = x;
    const last = this.kernels.length - 1;
    for (let l = 0; l <= last; l++) {
      this.dense[l] ??= makeDense(this.tf, l < last, l > 0);
      h = this.dense[l]!(h, this.kernels[l] as Tensor2D, this.biases[l] as Tensor1D);
    }
    return this.activate(h, last);
  }

  private activate<T extends Tensor>(h: T, layer: number): T {
    const last = layer === this.kernels.length - 1;
    return activations[last ? this.options.activation : 'hidden'](this.tf, h) as T;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
