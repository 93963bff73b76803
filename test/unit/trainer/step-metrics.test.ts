// A step's metrics row, run by run: the loss values then the violations, stacked in one go (a stack and a concat
// are each a kernel call a step). The row is exactly the loss values followed by the violations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { loadBackend } from '../../../src/trainer/backend';
import { compileLoss } from '../../../src/trainer/interpreter';
import { MetricColumns } from '../../../src/trainer/loop/columns';
import { perRunTape } from '../../../src/trainer/loop/tapes';
import { ViolationColumns } from '../../../src/trainer/loop/violationColumns';
import { BatchedMlp } from '../../../src/trainer/model';
import { lossFrom } from './helpers';

test('a one-by-one step stacks each run’s loss values and violations in one row, with no concat', async () => {
  const { tf } = await loadBackend('wasm');
  const loss = await lossFrom('test/fixtures/seed/example1_sum_to_one.py');
  const runs = 2;
  const model = new BatchedMlp(tf, { runs, inputs: 5, hidden: [6], outputs: 4, activation: 'sigmoid', seed: 3 });
  const losses = [0.5, 3].map((lam) => compileLoss(tf, loss, { lambda_param: lam }));
  const columns = new MetricColumns(tf, loss.terms, runs);
  const violations = new ViolationColumns(tf, model, loss.terms, runs);
  assert.ok(violations.any, 'the sum-to-one penalty is a recognised constraint');
  const x = tf.randomNormal([8, 5], 0, 1, 'float32', 4) as Tensor2D;
  const y = tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4), 'float32');
  const active = [0, 1];
  tf.tidy(() => {
    const forward = model.logits(x);
    const tape = perRunTape({ tf, model, losses, readsWeights: false, hiddenArgs: [], columns, keepPredictions: true }, forward, y, active);
    const extra = violations.perRunValues(tape.preds, y, active)!;
    const kernels: string[] = [];
    const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
    const runKernel = engine.runKernel;
    engine.runKernel = (name, ...rest) => {
      kernels.push(name);
      return runKernel.call(engine, name, ...rest);
    };
    let row: Tensor;
    try {
      row = tape.stack(extra);
    } finally {
      engine.runKernel = runKernel;
    }
    assert.deepEqual(kernels, ['Pack', 'Pack', 'Pack'], 'one stack per run and one of the runs');
    const want = tf.concat([tape.stack(), violations.perRun(tape.preds, y, active)!], 1);
    assert.deepEqual(row.shape, want.shape);
    assert.deepEqual(Array.from(row.dataSync()), Array.from(want.dataSync()));
    tf.dispose([...tape.values, ...tape.preds]);
  });
  tf.dispose([x, y]);
  model.dispose();
});
