// Python's object model read statically (issue 9 §2, issue 10 §1): an object of the file's own classes built with a
// known constructor call is followed through its class hierarchy: a forward only a base defines, a method the
// subclass overrides, `super().__init__(…)` binding the base's parameters from the child's call, a registered
// buffer, a class handed to a base constructor and built there (`fn(reduction='none')`). A model class of the file
// built beside the loop (`net = TwoLayer()`) is the model its call runs, whatever its variable is called.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { analyze, model, ready } from './helpers';

before(() => ready);

const HIERARCHY = `import torch
from torch import nn


class WeightedTerm(nn.Module):
    def __init__(self, strength):
        super(WeightedTerm, self).__init__()
        self.register_buffer('strength', torch.tensor(strength))

    def term(self, pred, ref):
        return 0

    def forward(self, pred, ref):
        return self.strength * self.term(pred, ref)


class TorchTerm(WeightedTerm):
    def __init__(self, loss_class, strength):
        super(TorchTerm, self).__init__(strength)
        self.inner = loss_class(reduction='none')

    def term(self, pred, ref):
        return self.inner(pred, ref)


class AbsTerm(TorchTerm):
    def __init__(self, strength):
        super(AbsTerm, self).__init__(nn.L1Loss, strength)


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 3))

    def forward(self, x):
        return self.body(x)


net = TwoLayer()
anchor = AbsTerm(0.25)
opt = torch.optim.Adam(net.parameters())
for inputs, targets in loader:
    opt.zero_grad()
    out = net(inputs)
    fit = nn.functional.mse_loss(out, targets)
    drift = anchor(out, targets).mean()
    loss = fit + drift
    loss.backward()
`;

describe("an object's class hierarchy, read statically", () => {
  it('follows the forward a base defines into the override the class inherits, with the weight the call passes through super().__init__', () => {
    const m = model(analyze(HIERARCHY), 'loss');
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.sign}`), ['base:1', 'penalty:1']);
    assert.equal(m.terms[0]!.label, 'fit');
    // the buffer holds the number the call passed two constructors up: the penalty's λ
    const weight = m.terms[1]!.weight;
    assert.ok(weight?.kind === 'call' && weight.callee === 'torch.tensor' && weight.args[0]?.kind === 'number' && weight.args[0].value === 0.25, JSON.stringify(weight));
    const drift = JSON.stringify(m.terms[1]!.expr);
    assert.ok(drift.includes('"callee":"nn.L1Loss"') && drift.includes('"value":"none"'), `the class handed to the base is built there: ${drift}`);
    assert.deepEqual(findUnsupported(m).map((u) => u.op), []);
  });

  it('reads a model class of the file built beside a full-batch loop as the model, and what a sampling helper returns as its data', () => {
    const source = HIERARCHY.replace(/for inputs, targets in loader:[\s\S]*$/, `def draw(n):
    return torch.randn(n, 3) * 2.0


flow = TwoLayer()
for step in range(500):
    x_batch = draw(128)
    shifted = flow(x_batch)
    spread = shifted.var(dim=0).mean()
    drift = anchor(shifted, x_batch).mean()
    loss = spread + drift
    loss.backward()
`);
    const m = model(analyze(source), 'loss');
    assert.equal(m.yPred, 'shifted');
    assert.equal(m.yTrue, 'x_batch', "the sampled input, compared with the model's output");
    const body = JSON.stringify(m.body);
    assert.ok(!body.includes('"callee":"TwoLayer"') && !body.includes('torch.randn'), body.slice(0, 400));
  });
});
