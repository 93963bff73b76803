// `net.gate.penalty()` in a training loop: a method of a part (`self.gate = FeatureGate(n, l1_strength=l1_strength)`)
// of a model built at module level (`net = GatedRegressor(N, l1_strength=0.02)`). The method is followed with the
// part as the model's constructor builds it, so the weight inside it is the script's 0.02 (no LL101 at the call), and
// the part's own `nn.Parameter` it penalises is a weight the optimiser trains (no LL105).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { check } from '../rules/corpus';
import { analyze, ready } from './helpers';

const SCRIPT = `import torch
import torch.nn as nn


class FeatureGate(nn.Module):
    def __init__(self, n_features, l1_strength=0.0):
        super().__init__()
        self.l1_strength = l1_strength
        self.scale = nn.Parameter(torch.ones(n_features))

    def forward(self, x):
        return x * self.scale

    def penalty(self):
        return self.scale.norm(1) * self.l1_strength


class GatedRegressor(nn.Module):
    def __init__(self, n_features, l1_strength):
        super().__init__()
        self.gate = FeatureGate(n_features, l1_strength=l1_strength)
        self.body = nn.Linear(n_features, 1)

    def forward(self, x):
        return self.body(self.gate(x))


net = GatedRegressor(8, l1_strength=0.02)
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(net.parameters())
X, y = torch.randn(64, 8), torch.randn(64, 1)
for epoch in range(5):
    out = net(X)
    loss = criterion(out, y) + net.gate.penalty()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
`;

describe("a method of a module-level model's part", () => {
  before(() => ready);

  it('the weight inside net.gate.penalty() is the 0.02 the script builds the model with', () => {
    const m = analyze(SCRIPT).models.find((x) => x.name === 'loss');
    const penalty = m?.terms.find((t) => t.role === 'penalty');
    assert.equal(penalty?.weight?.kind === 'number' ? penalty.weight.value : undefined, 0.02);
  });

  it('no LL101 (it is weighted) and no LL105 (the gate is a trained parameter)', () => {
    const codes = check(SCRIPT, 'python', 'gate.py').findings.map((f) => f.code);
    assert.ok(!codes.includes('LL101') && !codes.includes('LL105'), codes.join(', '));
  });
});
