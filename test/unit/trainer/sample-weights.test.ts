// A training step that unpacks per-sample weights from its batch (`x, y, sample_weight = batch`, then
// `(per_sample * sample_weight).mean()`): the weights are data, never a λ of the base, and the trial gives ones (its
// synthetic data weighs every sample the same), so the weighted fit is the plain one; the header says so.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { type ArgLayout, mappedLosses } from '../../../src/trainer/mappedLoss';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { cpu, tf } from '../interpreter/tf';

const source = `import pytorch_lightning as pl
import torch
import torch.nn.functional as F

class Lit(pl.LightningModule):
    def __init__(self, alpha=0.01):
        super().__init__()
        self.alpha = alpha
        self.net = torch.nn.Linear(4, 1)

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y, sample_weight = batch
        out = self(x)
        per_sample = F.mse_loss(out, y, reduction="none")
        loss = (per_sample * sample_weight).mean()
        return loss + self.alpha * out.abs().mean()
`;

let loss: LossModel;
before(async () => {
  await initParsers();
  await cpu();
  loss = analyzeSource(source, 'python', 'lit.py').models.find((m) => m.name === 'training_step')!;
});

test('the sample weights stay inside the base term (no λ) and are mapped by name', () => {
  const base = loss.terms.find((t) => t.role === 'base');
  assert.equal(base?.weight, undefined, 'a tensor of the batch is no weight of the base');
  assert.deepEqual(findUnsupported(loss).map((u) => u.op), []);
  assert.deepEqual(mappedTensorArgs(loss), [{ name: 'sample_weight', kind: 'sample-weights' }]);
});

test('ones: the weighted fit equals the plain mean squared error', () => {
  const layout: ArgLayout = { framework: 'pytorch', units: 8, weightIndex: 0 };
  const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], layout);
  const out = run!(tf.tensor2d([[0], [1], [3]]), tf.tensor2d([[1], [1], [1]]));
  const base = loss.terms.find((t) => t.role === 'base')!;
  // ((1 - 0)² + 0 + (1 - 3)²) / 3 = 5 / 3
  assert.ok(Math.abs(out.terms[base.id]!.weighted.dataSync()[0]! - 5 / 3) < 1e-5);
});
