// One dense layer of a single run, y = act(x·W + b), as one custom-gradient op with a hand-written backward pass.
// Recorded op by op, a layer costs ~9 kernels forward (tfjs saves a copy of every input and output of each taped
// op) and ~10 backward (broadcast reshapes of the bias gradient, the relu mask's cast); fused it costs 6 and 7.
// Like makeMatMul2d it transposes explicitly (wasm's transposed matMul misses the XNNPACK fast path). The first
// layer's input is data, so its gradient is not computed (zeros are returned for it).
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';

export type Dense = (x: Tensor2D, w: Tensor2D, b: Tensor1D) => Tensor2D;

export function makeDense(tf: Tf, relu: boolean, inputGrad: boolean): Dense {
  const op = tf.customGrad((...inputs: Array<Tensor | GradSaveFunc>) => {
    const [x, w, b, save] = inputs as [Tensor2D, Tensor2D, Tensor1D, GradSaveFunc];
    const z = tf.add(tf.matMul(x, w), b);
    const y = relu ? tf.relu(z) : z;
    save(relu ? [x, w, y] : [x, w]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sw, sy] = saved as [Tensor2D, Tensor2D, Tensor2D | undefined];
        // relu'(z) = 1 where the output is positive (tfjs's step(z), 0 at z = 0: the same mask).
        const dz = (sy ? tf.mul(dy, tf.step(sy)) : dy) as Tensor2D;
        const dx = inputGrad ? tf.matMul(dz, tf.transpose(sw)) : tf.zerosLike(sx);
        return [dx, tf.matMul(tf.transpose(sx), dz), tf.sum(dz, 0)];
      },
    };
  });
  return (x, w, b) => op(x, w, b) as Tensor2D;
}

export type BatchedDense = (h: Tensor3D, w: Tensor3D, b: Tensor3D) => Tensor3D;

/**
 * K runs' dense layer, act(h_k·W_k + b_k) for h [K, B, in], W [K, in, out], b [K, 1, out], with the products done
 * as K 2-D matMuls (wasm: a batched matMul misses the XNNPACK fast path, ~9× slower for 8 × 64×64). One custom
 * op: only its inputs and output are saved, instead of a copy of every input of every taped op.
 */
export function makeBatchedDense(tf: Tf, relu: boolean): BatchedDense {
  // The op takes the runs' slices as its inputs (h_1…h_K, W_1…W_K, b), so what the backward pass needs is saved
  // without slicing again (slicing is what costs on wasm: ~60 µs per [64, 64] slice) and each slice's gradient is
  // returned as it is (tfjs stacks them back for unstack's gradient).
  const op = tf.customGrad((...inputs: Array<Tensor | GradSaveFunc>) => {
    const save = inputs.pop() as GradSaveFunc;
    const b = inputs.pop() as Tensor3D;
    const K = inputs.length / 2;
    const hs = inputs.slice(0, K) as Tensor2D[];
    const ws = inputs.slice(K) as Tensor2D[];
    const z = tf.add(tf.stack(hs.map((hk, k) => tf.matMul(hk, ws[k]!))), b);
    const y = relu ? tf.relu(z) : z;
    save([...hs, ...ws, ...(relu ? [y] : [])]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const sh = saved.slice(0, K) as Tensor2D[];
        const sw = saved.slice(K, 2 * K) as Tensor2D[];
        const sy = saved[2 * K];
        const dz = sy ? tf.mul(dy, tf.step(sy)) : dy;
        const dzs = tf.unstack(dz) as Tensor2D[];
        return [
          ...dzs.map((d, k) => tf.matMul(d, tf.transpose(sw[k]!))),
          ...dzs.map((d, k) => tf.matMul(tf.transpose(sh[k]!), d)),
          tf.sum(dz, 1, true),
        ];
      },
    };
  });
  return (h, w, b) => op(...(tf.unstack(h) as Tensor2D[]), ...(tf.unstack(w) as Tensor2D[]), b) as Tensor3D;
}
