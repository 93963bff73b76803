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

describe('a module-level object of a subclass of a built-in loss, and a module-level alias of a loss function', () => {
  const source = `import torch
from torch import nn
from torch.nn import functional as F


class SoftTargetKL(nn.KLDivLoss):
    def forward(self, pred, target):
        return super().forward(F.logsigmoid(pred), target.sigmoid())


def confidence(logits):
    probs = logits.sigmoid()
    return torch.mean(-probs * torch.log(probs + 1e-6))


kl = SoftTargetKL(reduction="batchmean")
ent = confidence
bce = nn.BCEWithLogitsLoss()


def step(model, x, y, x_aug):
    logits = model(x)
    logits_aug = model(x_aug)
    loss = bce(logits, y) + 0.5 * kl(logits, logits_aug) + 0.1 * ent(logits)
    loss.backward()
`;

  it("reads super().forward as the built-in loss, configured by the constructor call's keywords", () => {
    const m = model(analyze(source), 'loss');
    const kl = m.terms.find((t) => t.label === 'kl')?.expr;
    assert.ok(kl?.kind === 'call' && kl.callee === 'nn.KLDivLoss', JSON.stringify(kl?.kind === 'call' ? kl.callee : kl?.kind));
    assert.equal(kl.kind === 'call' && kl.kwargs.reduction?.kind === 'string' ? kl.kwargs.reduction.value : undefined, 'batchmean');
    assert.ok(kl.kind === 'call' && kl.args[0]?.kind === 'call' && kl.args[0].callee === 'F.logsigmoid');
  });

  it('reads the alias through the function it names', () => {
    const m = model(analyze(source), 'loss');
    const ent = m.terms.find((t) => t.label === 'ent');
    assert.ok(ent, m.terms.map(termSummary).join(', '));
    assert.ok(ent.expr.kind === 'call' && ent.expr.callee === 'torch.mean', JSON.stringify(ent.expr.kind));
    assert.deepEqual(runRules(analyze(source), source).filter((f) => f.code === 'LL113').map((f) => f.message), []);
  });
});
