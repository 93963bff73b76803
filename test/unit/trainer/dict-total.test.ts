// A loss module that fills a dict of its terms and returns it with the total (`losses["total"] = sum(self.w[k] *
// losses[k] for k in losses)`, `return losses`), trained by the script through `losses["total"].backward()`: the
// command picks the module (analysis/choose.ts, through the total entry) and the trainer runs the total, each term
// weighted by its entry of the weight dict.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, chooseLoss, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { type ArgLayout, mappedLosses } from '../../../src/trainer/mappedLoss';
import { cpu, tf } from '../interpreter/tf';

const source = `import torch
import torch.nn as nn
import torch.nn.functional as F


class TwoTermLoss(nn.Module):
    def __init__(self, w_fit=1.0, w_smooth=0.5):
        super().__init__()
        self.w = dict(fit=w_fit, smooth=w_smooth)

    def forward(self, pred, target):
        losses = {}
        losses["fit"] = F.mse_loss(pred, target)
        losses["smooth"] = ((pred[:, 1:] - pred[:, :-1]) ** 2).mean()
        losses["total"] = sum(self.w[k] * losses[k] for k in losses)
        return losses


model = nn.Linear(2, 2)
criterion = TwoTermLoss()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for x, y in loader:
    losses = criterion(model(x), y)
    opt.zero_grad()
    losses["total"].backward()
`;

let loss: LossModel;
before(async () => {
  await initParsers();
  await cpu();
  const chosen = chooseLoss(analyzeSource(source, 'python', 'dict_total.py'));
  assert.ok(chosen.ok);
  loss = chosen.model;
});

test('the module is picked, its total split by the weight dict, and nothing is refused', () => {
  assert.equal(loss.name, 'TwoTermLoss');
  assert.deepEqual(loss.terms.map((t) => `${t.role}:${t.label}`), ['base:fit', 'penalty:smooth']);
  assert.deepEqual(findUnsupported(loss).map((u) => u.op), []);
});

test('the trainer runs the total: each entry weighted by the dict', () => {
  const layout: ArgLayout = { framework: 'pytorch', units: 2, weightIndex: 0 };
  const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], layout);
  // run(target, prediction)
  const out = run!(tf.tensor2d([[0, 1], [1, 3]]), tf.tensor2d([[1, 2], [1, 0]]));
  const weighted = (label: string) => out.terms[loss.terms.find((t) => t.label === label)!.id]!.weighted.dataSync()[0]!;
  // fit: mean([1, 1, 0, 9]) = 2.75; smooth (prediction's steps 1 and -1): 0.5 * mean([1, 1]) = 0.5
  assert.ok(Math.abs(weighted('fit') - 2.75) < 1e-5, `${weighted('fit')}`);
  assert.ok(Math.abs(weighted('smooth') - 0.5) < 1e-5, `${weighted('smooth')}`);
});
