// A loss reading its prediction by key (`out["pred"]`, `out["feats"]`: a model that returns a dict of outputs) is
// read as a tuple of those entries: the entry compared with the target is the trial model's output, the others its
// last hidden layer's activations. The interpreter used to index one tensor by a string ("slice index must be an
// integer").
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { compileLoss } from '../../../src/trainer/interpreter';
import { predictionKeys, withKeyedPrediction } from '../../../src/trainer/keyedPrediction';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { runTrial } from '../../../src/trainer/trial';
import { cpu, tf } from '../interpreter/tf';
import { specFor } from './helpers';

const source = `import torch
import torch.nn as nn
import torch.nn.functional as F


class DictCriterion(nn.Module):
    def __init__(self, beta=0.5):
        super().__init__()
        self.beta = beta

    def forward(self, out, target):
        fit = F.mse_loss(out["pred"], target)
        shrink = out["feats"].pow(2).mean()
        return fit + self.beta * shrink
`;

let loss: LossModel;
before(async () => {
  await cpu();
  await initParsers();
  loss = analyzeSource(source, 'python', 'criterion.py').models[0]!;
});

test('the keys read are the entries, the one compared with the target is the output', () => {
  assert.deepEqual(predictionKeys(loss), ['pred', 'feats']);
  const keyed = withKeyedPrediction(loss);
  assert.deepEqual(mappedTensorArgs(keyed).map((a) => `${a.name} ${a.kind}`), ['out[1] output-item']);
  const v = compileLoss(tf, keyed, {})(tf.tensor2d([[1, 1]]), tf.tensor2d([[0, 3]]), { tensors: { 'out[1]': tf.tensor2d([[2, 0]]) } });
  // mse([0, 3] vs [1, 1]) = (1 + 4) / 2 = 2.5; feats² mean = 2; total 2.5 + 0.5 · 2 = 3.5
  assert.ok(Math.abs(v.total.dataSync()[0]! - 3.5) < 1e-6, `total ${v.total.dataSync()[0]}`);
});

test('a prediction also read whole is not a dict: nothing is rewritten', () => {
  const whole = analyzeSource(source.replace('out["feats"].pow(2).mean()', 'out.pow(2).mean()'), 'python', 'c.py').models[0]!;
  assert.deepEqual(predictionKeys(whole), []);
});

test('it trains, its penalty on the further entry present', async () => {
  const runs = [0, 10].map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 40, runs }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  assert.ok(points.some((p) => Number.isFinite(p.terms[penalty.id]?.raw)), 'the penalty is measured');
});
