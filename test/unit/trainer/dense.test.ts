// The fused dense layer (hand-written backward pass) gives the same values and gradients as the same layer
// written with plain tfjs ops and differentiated by tfjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeBatchedDense, makeDense } from '../../../src/trainer/model/dense';
import { cpu, tf } from '../interpreter/tf';

function assertClose(a: tf.Tensor, b: tf.Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what} shape`);
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= 1e-5 * Math.max(1, Math.abs(y[i]!)), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
}

for (const relu of [true, false]) {
  test(`fused dense layer (${relu ? 'relu' : 'linear'}) = tfjs ops: value and gradients of x, W, b`, async () => {
    await cpu();
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
    const target = tf.randomNormal([5, 4], 0, 1, 'float32', 4);
    const plain = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => {
      const z = tf.add(tf.matMul(xi as tf.Tensor2D, wi as tf.Tensor2D), bi);
      return relu ? tf.relu(z) : z;
    };
    const dense = makeDense(tf, relu, true);
    const lossOf = (f: (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(f(a, c, d), target)) as tf.Scalar;
    assertClose(dense(x, w, b), plain(x, w, b), 'value');
    const want = tf.grads(lossOf(plain))([x, w, b]);
    const got = tf.grads(lossOf((a, c, d) => dense(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D)))([x, w, b]);
    for (const [i, name] of ['dx', 'dW', 'db'].entries()) assertClose(got[i]!, want[i]!, name);
    // Without an input gradient (the first layer's input is data) the weights' gradients are unchanged.
    const noInput = tf.grads(lossOf((a, c, d) => makeDense(tf, relu, false)(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D)))([x, w, b]);
    assertClose(noInput[1]!, want[1]!, 'dW without input gradient');
    assertClose(noInput[2]!, want[2]!, 'db without input gradient');
  });
}

for (const relu of [true, false]) {
  test(`fused batched dense layer (${relu ? 'relu' : 'linear'}, 3 runs) = tfjs ops: value and gradients of h, W, b`, async () => {
    await cpu();
    const h = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 5) as tf.Tensor3D;
    const w = tf.randomNormal([3, 4, 2], 0, 1, 'float32', 6) as tf.Tensor3D;
    const b = tf.randomNormal([3, 1, 2], 0, 1, 'float32', 7) as tf.Tensor3D;
    const target = tf.randomNormal([3, 5, 2], 0, 1, 'float32', 8);
    const plain = (hi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => {
      const z = tf.add(tf.matMul(hi as tf.Tensor3D, wi as tf.Tensor3D), bi);
      return relu ? tf.relu(z) : z;
    };
    const dense = makeBatchedDense(tf, relu);
    const fused = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => dense(a as tf.Tensor3D, c as tf.Tensor3D, d as tf.Tensor3D);
    const lossOf = (f: (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(f(a, c, d), target)) as tf.Scalar;
    assertClose(fused(h, w, b), plain(h, w, b), 'value');
    const want = tf.grads(lossOf(plain))([h, w, b]);
    const got = tf.grads(lossOf(fused))([h, w, b]);
    for (const [i, name] of ['dh', 'dW', 'db'].entries()) assertClose(got[i]!, want[i]!, name);
  });
}
