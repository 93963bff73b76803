// Issue 9 §3: a penalty written as a hinge-free offset, `lam * (gap - self.slack)` or `lam * (excess - MARGIN)`, is
// named by what it offsets (`gap`), not by the rendering of the difference; two named terms keep both names.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

describe('a term offset by a setting', () => {
  it('lam * (gap - self.slack) is the penalty `gap`', () => {
    const src = `import torch
import torch.nn as nn
import torch.nn.functional as F


class SlackParity(nn.Module):
    def __init__(self, slack=0.1, lam=0.5):
        super().__init__()
        self.slack = slack
        self.lam = lam

    def forward(self, logits, target):
        ce = F.cross_entropy(logits, target)
        gap = (logits[:, 0].mean() - logits[:, 1].mean()).pow(2)
        return ce + self.lam * (gap - self.slack)
`;
    assert.deepEqual(model(analyze(src), 'SlackParity').terms.map(termSummary), ['base:+:ce', 'penalty:+:gap*self.lam']);
  });

  it('a difference of two named terms keeps both names', () => {
    const src = `import torch


def gap_loss(pred, target, lam=0.5):
    fit = ((pred - target) ** 2).mean()
    upper = pred.relu().mean()
    lower = (-pred).relu().mean()
    return fit + lam * (upper - lower)
`;
    assert.deepEqual(model(analyze(src), 'gap_loss').terms.map(termSummary).slice(1).map((s) => s.split(':')[2]), ['upper - lower*lam']);
  });
});
