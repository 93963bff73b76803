// The trial model: an MLP whose K runs share one set of variables. Each layer's weights are one variable shaped
// [K, in, out] (biases [K, out]), so K runs train with one optimizer; the runs never mix (no op reduces across
// the first axis), so each run's gradients are its own. Every run starts from the same initial weights (seeded
// Glorot-uniform, like Keras's Dense), so runs differ by their λ alone.
//
// Training does not put the model on tfjs's gradient tape: the forward pass runs untaped, one fused
// matMul + bias + relu kernel per layer and run, and keeps what the backward pass needs; the tape covers only the
// output activation and the user's loss, which give the gradient of the logits; `backward` (backward.ts) then
// does the MLP's part by hand. Taped, tfjs copies every saved input and output of every op and walks the tape
// each step; per-kernel overhead, not arithmetic, is what a trial model of this size spends its time on. For the
// same reason activations stay [1, B, n] per run (the fused kernel's own shape): a reshape is a kernel call too.
import type { Tensor, Tensor1D, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import { createRng } from '../data/prng';
import type { OutputActivation } from './activation';
import { backward } from './backward';
import type { HiddenActivation } from './hiddenActivation';

export interface MlpOptions {
  runs: number;
  inputs: number;
  hidden: number[];
  outputs: number;
  activation: OutputActivation;
  /** The last hidden layer's activation (hiddenActivation.ts); the others are relu. Default relu. */
  lastHidden?: HiddenActivation;
  seed: number;
}

/** What the backward pass needs from a forward pass. */
export interface ForwardCache {
  /** The batch, [B, in]. */
  x: Tensor2D;
  /** Each hidden layer's output (the next layer's input), per run, [1, B, n]. */
  hidden: Tensor3D[][];
  /** Each layer's kernel, [K, in, out]. */
  kernels: Tensor3D[];
  /** The last hidden layer's activation, whose derivative the backward pass takes (relu when absent). */
  lastHidden?: HiddenActivation;
}

export interface Logits {
  /** The last layer's values before the output activation, [K, B, out]. */
  logits: Tensor3D;
  /** The same per run, [B, out] each. */
  runs: () => Tensor2D[];
  cache: ForwardCache;
}

type Activation = (tf: Tf, x: Tensor) => Tensor;

const activations: Record<OutputActivation, Activation> = {
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

  constructor(
    protected readonly tf: Tf,
    readonly options: MlpOptions,
  ) {
    this.sizes = [options.inputs, ...options.hidden, options.outputs];
    const rng = createRng(options.seed + 104729);
    const K = options.runs;
    for (const [fanIn, fanOut] of this.layerShapes(options)) {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const one = new Float32Array(fanIn * fanOut);
      for (let i = 0; i < one.length; i++) one[i] = (2 * rng.next() - 1) * limit;
      const all = new Float32Array(K * one.length);
      for (let k = 0; k < K; k++) all.set(one, k * one.length);
      this.kernels.push(variableOf(tf, tf.tensor3d(all, [K, fanIn, fanOut])));
      this.biases.push(variableOf(tf, tf.zeros([K, fanOut])));
    }
  }

  /** Each layer's [inputs, outputs]: consecutive sizes (a subclass with a layer that changes width overrides it). */
  protected layerShapes(o: MlpOptions): [number, number][] {
    const sizes = [o.inputs, ...o.hidden, o.outputs];
    return sizes.slice(1).map((out, l) => [sizes[l]!, out]);
  }

  get variables(): Variable[] {
    return [...this.kernels, ...this.biases];
  }

  /** The forward pass up to the output activation, untaped, with what `backward` needs. */
  logits(x: Tensor2D): Logits {
    const { tf } = this;
    const K = this.options.runs;
    const last = this.kernels.length - 1;
    const hidden: Tensor3D[][] = [];
    let h: Tensor3D[] = [tf.reshape(x, [1, ...x.shape])];
    for (let l = 0; l <= last; l++) {
      const ws = K === 1 ? [this.kernels[l] as Tensor3D] : (tf.split(this.kernels[l]!, K) as Tensor3D[]);
      const bs = tf.unstack(this.biases[l]!) as Tensor1D[];
      const attrs = { transposeA: false, transposeB: false, activation: l < last ? this.hiddenActivation(l) : 'linear' };
      // The kernel itself: tf.fused.matMul wraps it in a custom gradient and four reshapes, all kernel calls.
      h = ws.map((w, k) => tf.engine().runKernel('_FusedMatMul', { a: h[l === 0 ? 0 : k]!, b: w, bias: bs[k]! }, attrs) as Tensor3D);
      if (l < last) hidden.push(h);
    }
    const logits = K === 1 ? h[0]! : (tf.concat(h) as Tensor3D);
    const B = x.shape[0];
    const runs = () => (K === 1 ? [tf.reshape(logits, [B, -1]) as Tensor2D] : (tf.unstack(logits) as Tensor2D[]));
    const lastHidden = this.options.lastHidden;
    return { logits, runs, cache: { x, hidden, kernels: this.kernels as Tensor[] as Tensor3D[], ...(lastHidden ? { lastHidden } : {}) } };
  }

  /** Hidden layer l's activation: relu, or the chosen one for the last hidden layer. */
  private hiddenActivation(l: number): HiddenActivation {
    return l === this.kernels.length - 2 ? (this.options.lastHidden ?? 'relu') : 'relu';
  }

  /** The output activation, applied to logits of any shape (on the gradient tape when training). */
  activate<T extends Tensor>(logits: T): T {
    return activations[this.options.activation](this.tf, logits) as T;
  }

  /** The gradients of every variable (in `variables` order) from the gradient of the logits: [K, B, out], or [B, out] per run. */
  backward(cache: ForwardCache, dLogits: Tensor | Tensor2D[], dHidden?: Tensor): Tensor[] {
    return backward(this.tf, this.options.runs, cache, dLogits, dHidden);
  }

  /** The last hidden layer's output of every run, [K, B, n] (what a loss reading `encoded`/`features` gets), or undefined without hidden layers. */
  lastHidden(cache: ForwardCache): Tensor3D | undefined {
    const h = cache.hidden.at(-1);
    if (!h) return undefined;
    return h.length === 1 ? h[0]! : (this.tf.concat(h) as Tensor3D);
  }

  /** x: [B, inputs] shared by every run → [K, B, outputs]. Not differentiable by tfjs (raw kernels): training uses logits and backward. */
  forward(x: Tensor2D): Tensor3D {
    return this.activate(this.logits(x).logits);
  }

  /** Each run's predictions [B, outputs], in run order. */
  predictions(x: Tensor2D): Tensor2D[] {
    return this.logits(x)
      .runs()
      .map((z) => this.activate(z));
  }

  /** Run k's parameters as PyTorch's `model.parameters()` lists them: each layer's kernel [in, out], then its bias. */
  runParameters(k: number): Tensor[] {
    return this.kernels.flatMap((w, l) => [this.runPart(w, k), this.runPart(this.biases[l]!, k)]);
  }

  /** Run k's part of a variable [K, …]: a tensor shaped […]. */
  private runPart(v: Variable, k: number): Tensor {
    const rest = v.shape.slice(1);
    return this.tf.reshape(this.tf.slice(v, [k, ...rest.map(() => 0)], [1, ...rest.map(() => -1)]), rest);
  }

  /**
   * Gradients of the runs' parameters (`runParameters` of each run in `runs`, one after another) as gradients of
   * the variables, in `variables` order; runs not listed get zeros.
   */
  foldRunGrads(runs: number[], grads: Tensor[]): Tensor[] {
    const { tf } = this;
    const L = this.kernels.length;
    const of = (v: Variable, part: number) =>
      tf.stack(Array.from({ length: this.options.runs }, (_, k) => {
        const i = runs.indexOf(k);
        return i >= 0 ? grads[i * 2 * L + part]! : tf.zeros(v.shape.slice(1));
      }));
    return [...this.kernels.map((w, l) => of(w, 2 * l)), ...this.biases.map((b, l) => of(b, 2 * l + 1))];
  }

  /** Run k's kernels (for weight-sparsity metrics). */
  runKernels(k: number): Tensor[] {
    return this.kernels.map((w) => this.runPart(w, k));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
