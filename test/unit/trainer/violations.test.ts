// Each constraint kind's violation metric on small tensors whose answer can be worked out by hand; a constraint
// on an activation the loss applies itself is measured on that activation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { TrainerToHost } from '../../../src/protocol';
import { loadBackend } from '../../../src/trainer/backend';
import { violationFns } from '../../../src/trainer/metrics';
import { runTrial } from '../../../src/trainer/trial';
import { lossFrom, specFor } from './helpers';

test('violation metrics per constraint kind', async () => {
  const { tf } = await loadBackend('cpu');
  const yPred = tf.tensor2d([
    [0.2, 0.5, 0.4],
    [-0.1, 0.0005, 1.5],
  ]);
  const yTrue = tf.tensor2d([
    [1, 0, 1],
    [0, 1, 0],
  ]);
  const kernels = () => [tf.tensor2d([[0, 0.5], [0.005, -2]])] as Tensor[];
  const value = (kind: keyof typeof violationFns, params: Record<string, number> = {}) =>
    violationFns[kind]({ tf, yPred, yTrue, kernels }, params).dataSync()[0]!;
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`);
  // row sums 1.1 and 1.4005: mean |Σp − 1| = (0.1 + 0.4005) / 2
  close(value('sum-to-one', { target: 1 }), 0.25025);
  // outside [0, 1]: −0.1 and 1.5 → 2 of 6
  close(value('bounds', { lower: 0, upper: 1 }), 2 / 6);
  // an upper bound only: above 0.3 → 0.5, 0.4, 1.5
  close(value('bounds', { upper: 0.3 }), 3 / 6);
  // |ŷ| ≥ 1e-3: all but 0.0005 → 5 of 6
  close(value('output-sparsity'), 5 / 6);
  // |w| ≥ 1e-2: 0.5 and −2 → 2 of 4 (0.005, within an Adam step of zero, is a zero weight)
  close(value('weight-sparsity'), 2 / 4);
  // negative: −0.1 → 1 of 6
  close(value('non-negativity'), 1 / 6);
  // adjacent pairs out of order: (0.5, 0.4) in row 1; row 2 increasing → 1 of 4
  close(value('monotone'), 1 / 4);
  // the same pairs against a penalty on increases: (0.2, 0.5) in row 1 and both pairs of row 2 → 3 of 4
  close(value('monotone', { decreasing: 1 }), 3 / 4);
  // a pair settled a hair out of order (a squared hinge's resting point) is within the 1e-2 tolerance
  const flat = tf.tensor2d([[1, 0.995, 0.999, 0.9]]);
  const monotone = (params: Record<string, number>) => violationFns.monotone({ tf, yPred: flat, yTrue, kernels }, params).dataSync()[0]!;
  close(monotone({}), 1 / 3);
  close(monotone({ decreasing: 1 }), 0);
  // along a sequence's time axis (axis 1 of (B, T, F)), not across its features: feature 0 rises 0 → 1 → 2, feature 1
  // falls 5 → 3 → 1; against a penalty on increases 2 of 4 pairs are out of order (across features it would be 1 of 3)
  const seq = tf.tensor3d([[[0, 5], [1, 3], [2, 1]]]);
  close(violationFns.monotone({ tf, yPred: seq, yTrue, kernels }, { decreasing: 1, axis: 1 }).dataSync()[0]!, 2 / 4);
  // group = last column of y_true: row 1 is A (mean 0.3667), row 2 is B (mean 0.46683)
  close(value('parity'), Math.abs((0.2 + 0.5 + 0.4) / 3 - (-0.1 + 0.0005 + 1.5) / 3));
  // outside [0, 1] by more than 1% of the width: −0.1 and 1.5 count, −0.005 and 1.009 (just past a bound) do not
  const settled = tf.tensor2d([[-0.005, 1.009, 0.5, -0.1, 1.5, 0.3]]);
  const bounds = (params: Record<string, number>) =>
    violationFns.bounds({ tf, yPred: settled, yTrue, kernels }, params).dataSync()[0]!;
  close(bounds({ lower: 0, upper: 1 }), 2 / 6);
  // only an upper bound (0.3): the tolerance is 1e-2, so 0.3 itself is inside and 0.5, 1.009, 1.5 are outside
  close(bounds({ upper: 0.3 }), 3 / 6);
  // below −0.01: −0.1 counts, −0.005 (settled just below 0) does not → 1 of 6
  close(violationFns['non-negativity']({ tf, yPred: settled, yTrue, kernels }, {}).dataSync()[0]!, 1 / 6);
});

test('a penalty on the sigmoid of the logits (the PyTorch sample) is measured on the same sigmoid, alone and with K runs', async () => {
  const loss = await lossFrom('sample-workspace/torch_sum_to_one.py');
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  assert.deepEqual(penalty.constraint, { kind: 'sum-to-one', params: { target: 1 }, on: 'sigmoid' });
  for (const runs of [[0], [0, 10]]) {
    const messages: TrainerToHost[] = [];
    const spec = specFor(loss, { steps: 120, backend: 'wasm', runs: runs.map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda })) });
    await runTrial(spec, { send: (m) => messages.push(m), shouldStop: () => false });
    const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
    assert.ok(points.length > 0, JSON.stringify(messages.filter((m) => m.type === 'error')));
    for (const p of points) {
      // V = mean |Σσ(z) − 1| and P = mean (Σσ(z) − 1)²: by Jensen V² ≤ P, which holds for the same values only
      // (the raw logits' row sums are unrelated to P).
      const v = p.violations[penalty.id]!;
      const raw = p.terms[penalty.id]!.raw;
      assert.ok(Number.isFinite(v) && v >= 0, `step ${p.step}: violation ${v}`);
      assert.ok(v * v <= raw * (1 + 1e-4) + 1e-7, `step ${p.step} ${p.runId}: V² = ${v * v} > P = ${raw}`);
    }
    const last = (id: string) => points.filter((p) => p.runId === id).at(-1)!.violations[penalty.id]!;
    if (runs.length === 2) assert.ok(last('l10') < last('l0') / 2, `λ = 10: ${last('l10')}, λ = 0: ${last('l0')}`);
  }
});
