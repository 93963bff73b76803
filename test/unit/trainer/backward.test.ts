// The MLP's hand-written backward pass (model/backward.ts) gives the gradients tfjs's autodiff gives for the same
// forward pass and loss, for one run and for K runs (stacked or per-run logit gradients), on cpu and wasm.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
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
