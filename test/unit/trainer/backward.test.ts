// The MLP's hand-written backward pass (model/backward.ts) gives the gradients tfjs's autodiff gives for the same
// forward pass and loss, for one run and for K runs (stacked or per-run logit gradients), on cpu and wasm.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Scalar, Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { loadBackend } from '../../../src/trainer/backend';
import { BatchedMlp } from '../../../src/trainer/model';
import { referenceLogits } from './helpers';

function assertClose(got: Tensor, want: Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what} shape`);
  const a = got.dataSync();
  const b = want.dataSync();
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  assert.ok(scale > 0, `${what}: a gradient that is all zero tests nothing`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-4 * Math.max(1, scale), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

const cases = [
  { runs: 1, hidden: [6, 5], perRun: false },
  { runs: 1, hidden: [6, 5], perRun: true },
  { runs: 3, hidden: [6, 5], perRun: false },
  { runs: 3, hidden: [6, 5], perRun: true },
  { runs: 1, hidden: [], perRun: false },
  { runs: 3, hidden: [], perRun: false },
  { runs: 2, hidden: [6], perRun: true },
];

for (const backend of ['cpu', 'wasm'] as const) {
  for (const { runs, hidden, perRun } of cases) {
    test(`${backend}, ${runs} run(s), hidden [${hidden}]${perRun ? ', per-run logit gradients' : ''}: hand-written backward = tfjs autodiff`, async () => {
      const { tf } = await loadBackend(backend);
      const model = new BatchedMlp(tf, { runs, inputs: 4, hidden, outputs: 3, activation: 'sigmoid', seed: 11 });
      // Runs start equal; make them differ so that mixing runs up would show.
      for (const [i, v] of model.variables.entries()) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.3, 'float32', 40 + i)));
      const x = tf.randomNormal([7, 4], 0, 1, 'float32', 1) as Tensor2D;
      const target = tf.randomUniform([7, 3], 0, 1, 'float32', 2);
      const lossOf = (p: Tensor) => tf.mean(tf.square(tf.sub(p, target)));
      // The reference: tfjs's autodiff through the same MLP written with plain ops, and its values.
      const reference = () => model.activate(referenceLogits(tf, model, x));
      // (tfjs cannot differentiate an unstack or split into one part: one run is reshaped instead.)
      const lossAll = (p: Tensor) => (runs === 1 ? lossOf(tf.reshape(p, [7, 3])) : tf.addN(tf.unstack(p).map(lossOf)));
      const want = tf.variableGrads(() => lossAll(reference()) as Scalar, model.variables).grads;
      const forward = model.logits(x);
      assertClose(forward.logits, referenceLogits(tf, model, x), 'logits');
      const dLogits = perRun
        ? (forward.runs().map((z) => tf.grad((zi: Tensor) => lossOf(model.activate(zi)))(z)) as Tensor2D[])
        : tf.grad((z: Tensor) => lossAll(model.activate(z)))(forward.logits);
      const got = model.backward(forward.cache, dLogits);
      for (const [i, v] of model.variables.entries()) {
        assertClose(got[i]!, want[v.name]!, `${i < model.kernels.length ? 'kernel' : 'bias'} ${i % model.kernels.length}`);
      }
    });
  }
}

// A loss that reads the hidden activations (`encoded`, `features`): its gradient with respect to them joins the
// backward pass at the last hidden layer, and every kernel and bias gets what autodiff gives.
for (const backend of ['cpu', 'wasm'] as const) {
  for (const runs of [1, 3]) {
    test(`${backend}, ${runs} run(s): a penalty on the last hidden layer's activations, hand-written backward = tfjs autodiff`, async () => {
      const { tf } = await loadBackend(backend);
      const model = new BatchedMlp(tf, { runs, inputs: 4, hidden: [6, 5], outputs: 3, activation: 'sigmoid', seed: 11 });
      for (const [i, v] of model.variables.entries()) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.3, 'float32', 40 + i)));
      const x = tf.randomNormal([7, 4], 0, 1, 'float32', 1) as Tensor2D;
      const target = tf.randomUniform([7, 3], 0, 1, 'float32', 2);
      // base MSE on the predictions + 0.7 · mean(h²) on the last hidden layer (an activation-sparsity penalty)
      const lossOf = (p: Tensor, h: Tensor) => tf.add(tf.mean(tf.square(tf.sub(p, target))), tf.mul(0.7, tf.mean(tf.square(h))));
      const referenceHidden = (): Tensor => {
        let h: Tensor = tf.tile(tf.expandDims(x, 0), [runs, 1, 1]);
        for (let l = 0; l < model.kernels.length - 1; l++) h = tf.relu(tf.add(tf.matMul(h as Tensor3D, model.kernels[l] as Tensor3D), tf.expandDims(model.biases[l]!, 1)));
        return h;
      };
      const lossAll = (p: Tensor, h: Tensor) =>
        runs === 1 ? lossOf(tf.reshape(p, [7, 3]), tf.reshape(h, [7, 5])) : tf.addN(tf.unstack(p).map((pk, k) => lossOf(pk, tf.unstack(h)[k]!)));
      const want = tf.variableGrads(() => lossAll(model.activate(referenceLogits(tf, model, x)), referenceHidden()) as Scalar, model.variables).grads;
      const forward = model.logits(x);
      const hidden = model.lastHidden(forward.cache)!;
      const [dLogits, dHidden] = tf.grads((z: Tensor, h: Tensor) => lossAll(model.activate(z), h) as Scalar)([forward.logits, hidden]);
      const got = model.backward(forward.cache, dLogits!, dHidden);
      for (const [i, v] of model.variables.entries()) {
        assertClose(got[i]!, want[v.name]!, `${i < model.kernels.length ? 'kernel' : 'bias'} ${i % model.kernels.length}`);
      }
      // Without the hidden gradient the first layers' gradients differ: the test would catch a dropped term.
      const without = model.backward(forward.cache, dLogits!);
      const diff = tf.max(tf.abs(tf.sub(without[0]!, want[model.variables[0]!.name]!))).dataSync()[0]!;
      assert.ok(diff > 1e-3, `the hidden penalty changes the first kernel's gradient (${diff})`);
    });
  }
}
