// Issue 9 §1: a class is a loss by what it is, not by how its arguments are named. A Loss subclass's `call` is a
// loss whatever its two arguments are called; an nn.Module's forward is a loss when it returns one number (a
// model's forward returns tensors, even pooled ones).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

describe('a Loss subclass is a loss whatever its arguments are called', () => {
  it('keras Loss.call(imgs_true, imgs_pred) calling a MeanSquaredError held in self._mse', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow.keras.losses import Loss, MeanSquaredError

class EdgeAwareMse(Loss):
    def __init__(self, edge_weight, name="edge_mse"):
        super().__init__(name=name)
        self._mse = MeanSquaredError()
        self._edge_weight = edge_weight

    def call(self, imgs_true, imgs_pred):
        result = self._mse(imgs_true, imgs_pred)
        edges = tf.reduce_mean(tf.abs(imgs_pred[:, 1:] - imgs_pred[:, :-1]))
        result = result + self._edge_weight * edges
        return result
`);
    const m = model(a, 'EdgeAwareMse');
    assert.equal(m.yTrue, 'imgs_true');
    assert.equal(m.yPred, 'imgs_pred');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:_mse', 'penalty:+:edges*self._edge_weight']);
  });

  it("torch's _Loss subclass forward(a, b)", () => {
    const a = analyze(`import torch
from torch.nn.modules.loss import _Loss

class Gap(_Loss):
    def forward(self, first, second):
        return torch.mean(torch.abs(first - second))
`);
    assert.ok(a.models.some((m) => m.name === 'Gap'));
  });
});

describe('an nn.Module whose forward returns one number is a loss', () => {
  const source = `import torch
import torch.nn as nn

class GrowthBudget(nn.Module):
    def __init__(self, budget_weight=5.0):
        super().__init__()
        self.budget_weight = budget_weight

    def forward(self, allocation, asset_returns):
        growth = torch.sum(allocation * asset_returns, dim=-1)
        log_growth = -torch.mean(torch.log(torch.clamp(growth, min=1e-6)))
        budget = torch.mean((allocation.sum(dim=-1) - 1.0) ** 2)
        return log_growth + self.budget_weight * budget

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def forward(self, tokens, mask):
        pooled = (self.fc(tokens) * mask).mean(dim=1)
        return torch.tanh(pooled)
`;

  it('forward(allocation, asset_returns) returning mean + w * mean: the prediction first, as PyTorch writes it', () => {
    const m = model(analyze(source), 'GrowthBudget');
    assert.equal(m.yPred, 'allocation');
    assert.equal(m.yTrue, 'asset_returns');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:log_growth', 'penalty:+:budget*self.budget_weight']);
  });

  it("a model's forward(tokens, mask) returning a pooled tensor is not a loss", () => {
    assert.ok(!analyze(source).models.some((m) => m.name === 'Encoder'));
  });
});
