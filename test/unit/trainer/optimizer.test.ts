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

test('the fused Adam makes its constant factors once, and its steps are bit for bit those of number operands', async () => {
  const { tf } = await loadBackend('cpu');
  const make = () => new BatchedMlp(tf, { runs: 1, inputs: 3, hidden: [4], outputs: 2, activation: 'linear', seed: 5 });
  const a = make();
  const x = tf.randomNormal([6, 3], 0, 1, 'float32', 2) as Tensor2D;
  const loss = () => tf.sum(tf.square(tf.sub(referenceLogits(tf, a, x), 0.5))) as Scalar;
  const opt = createOptimizer(tf, { name: 'adam', learningRate: 0.05 }, a.variables);
  // The same update written with JS numbers, as tf.mul(t, 0.9) reads them (a float32 scalar made per call).
  const flat = a.variables.map((v) => Array.from(v.dataSync()));
  const total = flat.reduce((n, f) => n + f.length, 0);
  let m = tf.zeros([total]);
  let v = tf.zeros([total]);
  let acc1 = 1;
  let acc2 = 1;
  const engine = tf.engine() as unknown as { makeTensor: (...args: unknown[]) => unknown };
  const makeTensor = engine.makeTensor;
  let made = 0;
  for (let step = 0; step < 5; step++) {
    const grads = tf.tidy(() => {
      const { grads } = tf.variableGrads(loss, a.variables);
      return a.variables.map((w) => tf.keep(grads[w.name]!));
    });
    const before = tf.concat(a.variables.map((w) => tf.reshape(w, [-1])));
    acc1 *= 0.9;
    acc2 *= 0.999;
    const g = tf.concat(grads.map((t) => tf.reshape(t, [-1])));
    const m1 = tf.add(tf.mul(m, 0.9), tf.mul(g, 1 - 0.9));
    const v1 = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(g), 1 - 0.999));
    const want = tf.add(before, tf.mul(tf.div(m1, tf.add(tf.sqrt(tf.mul(v1, 1 / (1 - acc2))), 1e-7)), -0.05 / (1 - acc1)));
    [m, v] = [m1, v1];
    engine.makeTensor = (...args: unknown[]) => {
      made++;
      return makeTensor.apply(engine, args);
    };
    try {
      opt.apply(grads);
    } finally {
      engine.makeTensor = makeTensor;
    }
    const got = tf.concat(a.variables.map((w) => tf.reshape(w, [-1])));
    assert.deepEqual(Array.from(got.dataSync()), Array.from(want.dataSync()), `step ${step}`);
  }
  // Per step: the two factors that change with the step count (bias corrections); β1, β2, ε and their complements are made once.
  assert.equal(made, 5 * 2);
  opt.dispose();
});
