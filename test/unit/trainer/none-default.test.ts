// An argument whose default is None (`mask=None`, `pos_weight=None`, `sample_weight=None`) may be absent: the trainer
// runs the loss without it, as a call that does not pass it would, instead of asking for a tensor it has not got or
// taking it by its name for something else (`pos_weight` is no model weight). The model's activations and a sensitive
// group column are still given where the penalty reads them (`features=None`).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { absentArgs, hiddenArgs } from '../../../src/trainer/tensorArgs';
import { cpu, tf } from '../interpreter/tf';

const lossOf = (source: string): LossModel => analyzeSource(source, 'python', 'f.py').models[0]!;

const masked = `import torch
import torch.nn.functional as F
def masked_mse(pred, target, mask=None, lam=0.1):
    err = (pred - target) ** 2
    if mask is not None:
        err = err * mask
    return err.mean() + lam * F.relu(-pred).mean()
`;

const weighted = `import torch
import torch.nn as nn
class FairBCE(nn.Module):
    def __init__(self, eta=0.5, pos_weight=None):
        super().__init__()
        self.eta = eta
        self.bce = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_weight) if pos_weight is not None else None)
    def forward(self, logits, y_true):
        return self.bce(logits, y_true) + self.eta * torch.relu(logits).mean()
`;

describe('arguments that default to None', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('the analysis says which parameters default to None: a loss argument, a constructor argument', () => {
    assert.equal(lossOf(masked).params.find((p) => p.name === 'mask')?.noneDefault, true);
    assert.equal(lossOf(weighted).params.find((p) => p.name === 'pos_weight')?.noneDefault, true);
  });

  it('a mask=None is left out: nothing refused, and the loss is the unmasked one', () => {
    const loss = lossOf(masked);
    assert.deepEqual(absentArgs(loss), ['mask']);
    assert.deepEqual(findUnsupported(loss), []);
    const y = tf.tensor2d([[1, 2]]);
    const p = tf.tensor2d([[2, -2]]);
    const total = compileLoss(tf, loss, {})(y, p).total.dataSync()[0]!;
    assert.ok(Math.abs(total - ((1 + 16) / 2 + 0.1 * 1)) < 1e-6, `total ${total}`);
  });

  it('pos_weight=None is None, not the trial kernel its name would map to: plain BCE with logits', () => {
    const loss = lossOf(weighted);
    assert.deepEqual(findUnsupported(loss), []);
    const y = tf.tensor2d([[1], [0]]);
    const logits = tf.tensor2d([[0], [0]]);
    const base = compileLoss(tf, loss, {})(y, logits).terms[loss.terms[0]!.id]!.raw.dataSync()[0]!;
    assert.ok(Math.abs(base - Math.log(2)) < 1e-6, `BCE at logit 0 is log 2, got ${base}`);
  });

  it('features=None read by the penalty is still the hidden activations', () => {
    const loss = lossOf(`import torch
import torch.nn.functional as F
def sparse_loss(pred, target, features=None, beta=0.01):
    return F.mse_loss(pred, target) + beta * features.abs().mean()
`);
    assert.deepEqual(absentArgs(loss), []);
    assert.deepEqual(hiddenArgs(loss), ['features']);
  });
});
