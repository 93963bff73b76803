// The MLP's backward pass by hand, from the gradient of the logits to the gradient of every kernel and bias
// (the same values as tfjs's autodiff of the forward pass: checked in the tests). Per layer l, with input h,
// kernel W and the gradient dz of its pre-activation output:
//   dW = hᵀ·dz,  db = Σ_batch dz,  and for l > 0: dz(l−1) = (dz·Wᵀ) ⊙ [h > 0]   (relu′ at the layer's input),
//   or ⊙ h(1 − h) (sigmoid′) where the last hidden layer is a sigmoid, or nothing where it is linear
//   (hiddenActivation.ts).
// Transposes are explicit: on the wasm backend a matMul with transposeA/transposeB misses the XNNPACK fast path
// and costs ~8× a plain one. The element-wise parts and transposes run once on [K, …] stacks; only the products
// are per run, on [1, …] parts (a batched matMul misses the fast path too).
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import type { ForwardCache } from './mlp';

/** The K runs' [1, …] parts of a [K, …] tensor. */
const parts = (tf: Tf, t: Tensor3D, K: number): Tensor3D[] => (K === 1 ? [t] : (tf.split(t, K) as Tensor3D[]));
const joined = (tf: Tf, ts: Tensor3D[]): Tensor3D => (ts.length === 1 ? ts[0]! : (tf.concat(ts) as Tensor3D));

/**
 * `dHidden`: the loss's own gradient with respect to the last hidden layer's output (a loss that reads the hidden
 * activations, `encoded`/`features`), [K, B, n]; it adds to what flows back from the output layer before relu′.
 */
export function backward(tf: Tf, K: number, cache: ForwardCache, dLogits: Tensor | Tensor2D[], dHidden?: Tensor): Tensor[] {
  const L = cache.kernels.length;
  const dW: Tensor[] = new Array(L);
  const db: Tensor[] = new Array(L);
  const { x } = cache;
  const B = x.shape[0];
  let dz = (Array.isArray(dLogits) ? (K === 1 ? tf.reshape(dLogits[0]!, [1, B, -1]) : tf.stack(dLogits)) : dLogits) as Tensor3D;
  for (let l = L - 1; l > 0; l--) {
    db[l] = tf.sum(dz, 1);
    const dzs = parts(tf, dz, K);
    const h = joined(tf, cache.hidden[l - 1]!);
    const hT = parts(tf, tf.transpose(h, [0, 2, 1]), K);
    dW[l] = joined(tf, dzs.map((d, k) => tf.matMul(hT[k]!, d)));
    const wT = parts(tf, tf.transpose(cache.kernels[l]!, [0, 2, 1]), K);
    const dh = joined(tf, dzs.map((d, k) => tf.matMul(d, wT[k]!)));
    const own = l === L - 1 ? cache.lastHidden : undefined;
    const into = dHidden && l === L - 1 ? tf.add(dh, dHidden) : dh;
    dz = (own === 'linear' ? into : tf.mul(into, own === 'sigmoid' ? tf.mul(h, tf.sub(1, h)) : tf.step(h))) as Tensor3D;
  }
  db[0] = tf.sum(dz, 1);
  // The first layer's input is the batch shared by every run: one product for all runs, xᵀ·[dz_1 … dz_K].
  const out = dz.shape[2];
  const inputs = x.shape[1];
  const xT = tf.transpose(x);
  dW[0] =
    K === 1
      ? tf.reshape(tf.matMul(xT, tf.reshape(dz, [B, out])), [1, inputs, out])
      : tf.transpose(tf.reshape(tf.matMul(xT, tf.reshape(tf.transpose(dz, [1, 0, 2]), [B, K * out])), [inputs, K, out]), [1, 0, 2]);
  return [...dW, ...db];
}
