// A loss that reads the model's input beside its target (`def residual_loss(pred, target, x, lam)`: keep the output
// near an input column, weight a residual by an input feature) gets the batch the trial model ran on, by name, in
// training, validation and probes; it was refused ("the trainer cannot provide it") though the trial has that batch.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { mappedLosses } from '../../../src/trainer/mappedLoss';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { runTrial } from '../../../src/trainer/trial';
import { cpu, tf } from '../interpreter/tf';
import { specFor } from './helpers';

const source = `import torch
import torch.nn.functional as F


def residual_loss(pred, target, x, lam=0.5):
    fit = F.mse_loss(pred, target)
    near = ((pred - x[:, :1]) ** 2).mean()
    return fit + lam * near
`;

let loss: LossModel;
before(async () => {
  await initParsers();
  await cpu();
  loss = analyzeSource(source, 'python', 'residual.py').models[0]!;
});

test('`x` beside a target is the model input the trial passes, not a refusal', () => {
  assert.deepEqual(findUnsupported(loss), []);
  assert.deepEqual(mappedTensorArgs(loss), [{ name: 'x', kind: 'model-input' }]);
});

test('the penalty reads the batch the model ran on: by hand, and a clear error where no batch is passed', () => {
  const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], { framework: 'pytorch', units: 8, weightIndex: 0 });
  const input = tf.tensor2d([[1, 5], [-1, 2], [3, 0]]);
  const out = run!(tf.tensor2d([[0], [0], [0]]), tf.tensor2d([[2], [0], [1]]), { input });
  const near = loss.terms.find((t) => t.role === 'penalty')!;
  // (2 − 1)² + (0 + 1)² + (1 − 3)² = 6, mean 2
  assert.ok(Math.abs(out.terms[near.id]!.raw.dataSync()[0]! - 2) < 1e-6);
  assert.throws(() => run!(tf.tensor2d([[0]]), tf.tensor2d([[1]])), /`x` is the model's input, which this evaluation does not pass/);
});

test('trains with its penalty, and the header says what `x` is', async () => {
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5, model: { hidden: [16], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`x` = the batch the trial model runs on \(its input, \d+ features\)/);
  const done = messages.find((m) => m.type === 'done');
  assert.ok(done?.type === 'done');
  const near = loss.terms.find((t) => t.role === 'penalty')!;
  for (const s of done.summaries) {
    assert.equal(s.status, 'completed');
    assert.ok(Number.isFinite(s.final?.terms[near.id]?.raw), `run λ = ${s.lambda}: the penalty's value is reported`);
  }
});
