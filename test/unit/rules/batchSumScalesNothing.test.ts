// LL108 is about a penalty whose scale grows with the batch. A sum over the batch that scales nothing trained is not
// one: a test (`if fire_mask.sum() == 0:` before an early return), a number read out of the graph
// (`gap.sum().item()`), or a branch's graph-keeping zero (`delta.sum() * 0.0`).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const FLOOR = `import torch
import torch.nn as nn
import torch.nn.functional as F


class FireFloor(nn.Module):
    def __init__(self, floor=0.1):
        super().__init__()
        self.floor = floor

    def forward(self, probs, targets):
        has_fire = (targets.sum(dim=(1, 2, 3)) > 0).float()
        if has_fire.sum() == 0:
            return torch.tensor(0.0, device=probs.device)
        return F.relu(self.floor - targets * probs).mean() * has_fire.mean()


class FloorLoss(nn.Module):
    def __init__(self, lam=0.2):
        super().__init__()
        self.lam = lam
        self.floor_term = FireFloor()

    def forward(self, probs, targets):
        fit = F.binary_cross_entropy(probs, targets)
        return fit + self.lam * self.floor_term(probs, targets)
`;

const ll108 = (src: string) => check(src, 'python', 'floor.py').findings.filter((f) => f.code === 'LL108');

describe('LL108 on a batch sum that scales nothing trained', () => {
  before(async () => {
    await initParsers();
  });

  it('is silent on a sum only compared (the early return\'s test)', () => {
    assert.deepEqual(ll108(FLOOR), []);
  });

  it('is silent on a sum read out with .item() or multiplied by a literal zero', () => {
    assert.deepEqual(ll108(FLOOR.replace('* has_fire.mean()', '* has_fire.sum().item()')), []);
    assert.deepEqual(ll108(FLOOR.replace('* has_fire.mean()', '+ probs.sum() * 0.0')), []);
  });

  it('still reports the same sum when it scales the penalty', () => {
    assert.equal(ll108(FLOOR.replace('* has_fire.mean()', '* has_fire.sum()')).length, 1);
  });

  it('is silent on a ratio of batch totals through a root (a Pearson correlation: Σab / sqrt(Σa² · Σb²)), and still reports the bare total', () => {
    const pearson = `import torch
import torch.nn.functional as F


def decorrelated(pred, target, z, lam=1.0):
    a = z[:, 0] - z[:, 0].mean()
    b = z[:, 1] - z[:, 1].mean()
    r = (a * b).sum() / (torch.sqrt((a ** 2).sum() * (b ** 2).sum()) + 1e-8)
    return F.mse_loss(pred, target) + lam * r ** 2
`;
    assert.deepEqual(ll108(pearson), []);
    assert.equal(ll108(pearson.replace('r = (a * b).sum() / (torch.sqrt((a ** 2).sum() * (b ** 2).sum()) + 1e-8)', 'r = torch.sqrt((a * b).sum() ** 2)')).length, 1);
  });
});
