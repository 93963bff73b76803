// The trial model for a loss that reads a VAE head (`mu`, `logvar`): the MLP's encoder layers, a linear head of
// 2·d units read as [mu | logvar], the reparametrisation z = mu + exp(logvar / 2)·ε with ε ~ N(0, 1) drawn afresh
// at every forward pass (seeded: a trial is reproducible), and a decoder d → n (relu) → outputs. The loss gets
// [mu | logvar | z] as the model's "last hidden layer" (cache.hidden's last entry, what the loop hands to hidden
// arguments): the KL term's gradient joins the reconstruction's at the head, and a term on the sample z (a Monte
// Carlo KL) reads the very z the decoder decoded, as in a VAE trained by autograd.
//
// Like BatchedMlp, the forward pass is untaped and the backward pass is written by hand (checked against PyTorch's
// autograd in test/unit/trainer/vae.test.ts). A trial VAE is small and rare, so it runs the K runs as batched
// [K, …] products rather than the MLP's per-run fast path.
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import { BatchedMlp, type ForwardCache, type Logits, type MlpOptions } from './mlp';

export interface VaeOptions extends MlpOptions {
  /** d: the latent's size (the head has 2·d units). */
  latent: number;
  /** ε for a forward pass, shaped [K, B, d]; seeded normal draws unless a test gives its own. */
  noise?: (shape: [number, number, number]) => Tensor3D;
}

/** What the VAE's backward pass needs beyond the MLP's cache: every layer's input, and the reparametrisation's parts. */
interface VaeCache extends ForwardCache {
  vae: { inputs: Tensor3D[]; head: Tensor3D; eps: Tensor3D; std: Tensor3D; z: Tensor3D; decoded: Tensor3D };
}

export class BatchedVae extends BatchedMlp {
  private draws = 0;

  constructor(tf: Tf, readonly vaeOptions: VaeOptions) {
    super(tf, vaeOptions);
  }

  /** Encoder layers, the head (2·d), the decoder's hidden layer (d → n) and the output layer. */
  protected override layerShapes(o: MlpOptions): [number, number][] {
    const d = (o as VaeOptions).latent;
    const encoder = [o.inputs, ...o.hidden];
    const n = o.hidden.at(-1) ?? 2 * d;
    return [...encoder.slice(1).map((out, l): [number, number] => [encoder[l]!, out]), [encoder.at(-1)!, 2 * d], [d, n], [n, o.outputs]];
  }

  /** The layer sizes for the header: inputs → encoder → [mu | logvar] → z → decoder → outputs. */
  describe(): string {
    const o = this.vaeOptions;
    const n = o.hidden.at(-1) ?? 2 * o.latent;
    return `VAE ${[o.inputs, ...o.hidden].join(' → ')} → [mu | logvar] 2×${o.latent} → z = mu + exp(logvar/2)·ε (${o.latent}) → ${n} → ${o.outputs}`;
  }

  private noise(shape: [number, number, number]): Tensor3D {
    if (this.vaeOptions.noise) return this.vaeOptions.noise(shape);
    this.draws += 1;
    return this.tf.randomNormal(shape, 0, 1, 'float32', this.vaeOptions.seed * 7919 + this.draws) as Tensor3D;
  }

  override logits(x: Tensor2D): Logits {
    const { tf } = this;
    const K = this.options.runs;
    const B = x.shape[0];
    const d = this.vaeOptions.latent;
    const E = this.options.hidden.length;
    const layer = (a: Tensor3D, l: number, relu: boolean): Tensor3D => {
      const out = tf.add(tf.matMul(a, this.kernels[l]!), tf.reshape(this.biases[l]!, [K, 1, -1])) as Tensor3D;
      return relu ? tf.relu(out) : out;
    };
    const inputs: Tensor3D[] = [tf.tile(tf.reshape(x, [1, B, -1]), [K, 1, 1]) as Tensor3D];
    for (let l = 0; l < E; l++) inputs.push(layer(inputs[l]!, l, true));
    const head = layer(inputs[E]!, E, false);
    const mu = tf.slice(head, [0, 0, 0], [-1, -1, d]) as Tensor3D;
    const std = tf.exp(tf.mul(tf.slice(head, [0, 0, d], [-1, -1, d]), 0.5)) as Tensor3D;
    const eps = this.noise([K, B, d]);
    const z = tf.add(mu, tf.mul(std, eps)) as Tensor3D;
    const decoded = layer(z, E + 1, true);
    const logits = layer(decoded, E + 2, false);
    const perRun = (t: Tensor3D): Tensor3D[] => (K === 1 ? [t] : (tf.split(t, K) as Tensor3D[]));
    // The MLP's cache layout: each hidden layer's per-run parts, then [mu | logvar | z] (what hidden arguments read).
    const hidden = [...inputs.slice(1), tf.concat([head, z], 2) as Tensor3D].map(perRun);
    const cache: VaeCache = { x, hidden, kernels: this.kernels as Tensor[] as Tensor3D[], vae: { inputs, head, eps, std, z, decoded } };
    const runs = () => (K === 1 ? [tf.reshape(logits, [B, -1]) as Tensor2D] : (tf.unstack(logits) as Tensor2D[]));
    return { logits, runs, cache };
  }

  /** dHidden: the loss's own gradient with respect to [mu | logvar | z], [K, B, 3d]. */
  override backward(cache: ForwardCache, dLogits: Tensor | Tensor2D[], dHidden?: Tensor): Tensor[] {
    const { tf } = this;
    const K = this.options.runs;
    const E = this.options.hidden.length;
    const { inputs, eps, std, z, decoded } = (cache as VaeCache).vae;
    const B = cache.x.shape[0];
    const L = this.kernels.length;
    const dW: Tensor[] = new Array(L);
    const db: Tensor[] = new Array(L);
    const W = this.kernels as Tensor[] as Tensor3D[];
    // Layer l's parameter gradients from the gradient of its output dz and its input a; returns the input's gradient.
    const through = (l: number, a: Tensor3D, dz: Tensor3D): Tensor3D => {
      dW[l] = tf.matMul(a, dz, true, false);
      db[l] = tf.sum(dz, 1);
      return tf.matMul(dz, W[l]!, false, true) as Tensor3D;
    };
    let dz = (Array.isArray(dLogits) ? (K === 1 ? tf.reshape(dLogits[0]!, [1, B, -1]) : tf.stack(dLogits)) : dLogits) as Tensor3D;
    const dDecoded = through(E + 2, decoded, dz);
    const d = this.vaeOptions.latent;
    const dLoss = dHidden ? tf.reshape(dHidden, [K, B, 3 * d]) : undefined;
    let dZ = through(E + 1, z, tf.mul(dDecoded, tf.step(decoded)) as Tensor3D);
    if (dLoss) dZ = tf.add(dZ, tf.slice(dLoss, [0, 0, 2 * d], [-1, -1, d])) as Tensor3D;
    // z = mu + σ·ε with σ = exp(logvar / 2): ∂z/∂mu = 1, ∂z/∂logvar = σ·ε / 2.
    let dHead = tf.concat([dZ, tf.mul(tf.mul(dZ, tf.mul(std, eps)), 0.5)], 2) as Tensor3D;
    if (dLoss) dHead = tf.add(dHead, tf.slice(dLoss, [0, 0, 0], [-1, -1, 2 * d])) as Tensor3D;
    dz = dHead;
    for (let l = E; l >= 0; l--) {
      const dIn = through(l, inputs[l]!, dz);
      if (l > 0) dz = tf.mul(dIn, tf.step(inputs[l]!)) as Tensor3D;
    }
    return [...dW, ...db];
  }
}
