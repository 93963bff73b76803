// 2-D matMul whose gradient transposes explicitly instead of asking for a transposed matMul: on the wasm backend
// matMul with transposeA/transposeB misses the XNNPACK fast path and costs ~8× a plain one (measured: 220 µs
// against 25 µs for 64×64), which made backprop dominate a training step. Same values on every backend.
import type { GradSaveFunc, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';

export type MatMul2d = (a: Tensor2D, b: Tensor2D) => Tensor2D;

export function makeMatMul2d(tf: Tf): MatMul2d {
  const op = tf.customGrad((...inputs: Array<Tensor | GradSaveFunc>) => {
    const [x, w, save] = inputs as [Tensor2D, Tensor2D, GradSaveFunc];
    save([x, w]);
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sw] = saved as [Tensor2D, Tensor2D];
        return [tf.matMul(dy as Tensor2D, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy as Tensor2D)];
      },
    };
  });
  return (a, b) => op(a, b) as Tensor2D;
}
