// Issue 9 §1-§2: objects built at module level and called inside a training function (`criterion =
// nn.SmoothL1Loss()`, `bound = BoundPenalty(scale=0.05)` above `def train(...)`). A torch.nn loss class is its
// functional loss; a same-file nn.Module is followed into its forward with `self.x` read from the constructor call
// (else the default), so a weight applied inside the module is the penalty's λ: no LL101, no LL113.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const source = `import torch
import torch.nn as nn


class BoundPenalty(nn.Module):
    def __init__(self, ceiling=2.0, scale=1.0):
        super().__init__()
        self.ceiling = ceiling
        self.scale = scale

    def forward(self, z):
        return self.scale * torch.relu(z - self.ceiling).mean()


model = nn.Linear(4, 2)
criterion = nn.SmoothL1Loss()
bound = BoundPenalty(scale=0.05)
opt = torch.optim.SGD(model.parameters(), lr=0.1)


def train(batches):
    for xb, yb in batches:
        pred = model(xb)
        loss = criterion(pred, yb) + bound(pred)
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

describe('objects built at module level, called in a training function', () => {
  it('a torch.nn loss is its functional loss; a same-file module is followed, its weight from the constructor call', () => {
    const m = model(analyze(source), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:criterion', 'penalty:+:bound*0.05']);
    const body = JSON.stringify(m.terms[1]!.expr);
    assert.ok(body.includes('"value":2'), 'self.ceiling is the default 2.0');
  });

  it('so neither call is an unsupported op (LL113) and the penalty has its λ (no LL101)', () => {
    const codes = runRules(analyze(source), source).map((f) => f.code);
    assert.deepEqual(codes.filter((c) => c === 'LL113' || c === 'LL101'), []);
  });

  it('a name rebound to something else at module level is no longer that object', () => {
    const rebound = source.replace('opt = torch', 'criterion = make_criterion()\nopt = torch');
    const codes = runRules(analyze(rebound), rebound).map((f) => f.code);
    assert.ok(codes.includes('LL113'));
  });
});

describe('a weightless torch.nn module built at module level (an activation)', () => {
  const activation = `import torch.nn as nn

S = nn.Sigmoid()
L = nn.BCELoss(reduction="mean")


def seg_loss(logits, mask):
    return L(S(logits), mask)
`;

  it('is the function it computes, called on the loss tensor: no LL113 naming the variable', () => {
    const a = analyze(activation);
    const expr = model(a, 'seg_loss').terms[0]!.expr;
    assert.ok(expr.kind === 'call' && expr.callee === 'nn.BCELoss');
    const inner = expr.kind === 'call' ? expr.args[0] : undefined;
    assert.ok(inner?.kind === 'call' && inner.callee === 'nn.Sigmoid', JSON.stringify(inner?.kind));
    assert.deepEqual(runRules(a, activation).map((f) => f.code), []);
  });

  it('a module with weights built there stays what it is (not read as a function)', () => {
    const layer = activation.replace('nn.Sigmoid()', 'nn.Linear(4, 1)');
    assert.ok(runRules(analyze(layer), layer).some((f) => f.code === 'LL113'));
  });
});
