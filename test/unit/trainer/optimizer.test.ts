import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Scalar, Tensor2D } from '@tensorflow/tfjs-core';
import { loadBackend } from '../../../src/trainer/backend';
import { BatchedMlp } from '../../../src/trainer/model';
import { createOptimizer } from '../../../src/trainer/optimizer';
import { referenceLogits } from './helpers';

test('the fused Adam takes the same steps as tf.train.adam', async () => {
  const { tf } = await loadBackend('cpu');
  const make = () => new BatchedMlp(tf, { runs: 2, inputs: 3, hidden: [5], outputs: 2, activation: 'linear', seed: 7 });
  const a = make();
  const b = make();
  const x = tf.randomNormal([6, 3], 0, 1, 'float32', 1) as Tensor2D;
  const lossOf = (m: BatchedMlp) => () => tf.sum(tf.square(tf.sub(referenceLogits(tf, m, x), 0.5))) as Scalar;
  const fused = createOptimizer(tf, { name: 'adam', learningRate: 0.05 }, a.variables);
  const reference = tf.train.adam(0.05);
  for (let step = 0; step < 8; step++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(lossOf(a), a.variables);
      fused.apply(a.variables.map((v) => grads[v.name]!));
      reference.minimize(lossOf(b), false, b.variables);
    });
  }
  a.variables.forEach((v, i) => {
    const got = v.dataSync();
    const want = b.variables[i]!.dataSync();
    got.forEach((g, j) => {
      assert.ok(Math.abs(g - want[j]!) < 1e-5, `variable ${i}[${j}]: ${g} vs ${want[j]}`);
    });
  });
  assert.notDeepEqual(Array.from(a.variables[0]!.dataSync()), Array.from(make().variables[0]!.dataSync()), 'it moved');
});

test('sgd and rmsprop step through tfjs', async () => {
  const { tf } = await loadBackend('cpu');
  for (const name of ['sgd', 'rmsprop'] as const) {
    const m = new BatchedMlp(tf, { runs: 1, inputs: 2, hidden: [3], outputs: 1, activation: 'linear', seed: 1 });
    const x = tf.ones([4, 2]) as Tensor2D;
    const opt = createOptimizer(tf, { name, learningRate: 0.1 }, m.variables);
    const loss = () => tf.mean(tf.square(tf.sub(referenceLogits(tf, m, x), 3))) as Scalar;
    const before = loss().dataSync()[0]!;
    for (let i = 0; i < 20; i++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(loss, m.variables);
        opt.apply(m.variables.map((v) => grads[v.name]!));
      });
    }
    assert.ok(loss().dataSync()[0]! < before / 2, `${name} reduces the loss`);
  }
});
