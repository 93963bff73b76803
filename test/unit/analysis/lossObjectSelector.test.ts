// PyTorch: a function that selects a loss object by name (`def get_criterion(kind, weight): … return nn.L1Loss() …
// return BandLoss(weight=weight)`) builds losses, it is not one: the module it builds, which the loop calls, is the loss.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss } from '../../../src/analysis/index';
import { analyze, ready } from './helpers';

before(() => ready);

const SRC = `import torch
import torch.nn as nn


class BandLoss(nn.Module):
    def __init__(self, weight=0.1):
        super().__init__()
        self.weight = weight
        self.fit = nn.L1Loss()

    def forward(self, pred, target):
        fit = self.fit(pred, target)
        band = torch.relu(pred.abs() - 1.0).mean()
        return fit + self.weight * band


def get_criterion(kind="l1", weight=0.1):
    if kind == "l1":
        return nn.L1Loss()
    if kind == "band":
        return BandLoss(weight=weight)
    raise ValueError(kind)


net = nn.Linear(4, 1)
criterion = get_criterion("band", weight=0.2)
opt = torch.optim.SGD(net.parameters(), lr=0.1)
for x, y in [(torch.randn(8, 4), torch.randn(8, 1))]:
    pred = net(x)
    loss = criterion(pred, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
`;

describe('a function that selects a loss object by name', () => {
  it('is not a loss; the module it builds is the one chosen', () => {
    const a = analyze(SRC);
    assert.ok(!a.models.some((m) => m.name === 'get_criterion'));
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model.name === 'BandLoss');
  });

  it('a loss function that returns a tensor on one path is still one', () => {
    const src = SRC.replace('raise ValueError(kind)', 'return torch.zeros(())');
    assert.ok(analyze(src).models.some((m) => m.name === 'get_criterion'));
  });
});
