// A training wrapper builds its criteria in a setup method (`_build_loss_function`), not in `__init__`, and its loss
// method calls them (`self.criterion_regul(self.model)`): the object that method leaves on self is followed into its
// forward, its constructor argument bound, as a criterion built in `__init__` is. Seen in tabular DL wrappers.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const source = `import torch
import torch.nn as nn


class NormPenalty(nn.Module):
    def __init__(self, strength):
        super().__init__()
        self.strength = strength

    def forward(self, net):
        total = 0.0
        for name, p in net.named_parameters():
            if "weight" in name:
                total = total + torch.norm(p)
        return self.strength * total


class Wrapper:
    def __init__(self, net, strength=1e-4):
        self.net = net
        self.strength = strength

    def _build_criteria(self):
        self.criterion = nn.MSELoss()
        self.regul = None
        if self.strength > 0:
            self.regul = NormPenalty(self.strength)

    def _compute_loss(self, y_true, y_pred):
        loss = self.criterion(y_pred, y_true)
        loss_reg = self.regul(self.net)
        return loss + loss_reg

    def fit(self, loader, opt):
        self._build_criteria()
        for x, y in loader:
            loss = self._compute_loss(y, self.net(x))
            loss.backward()
`;

describe('criteria built in a setup method of the class', () => {
  it('are followed: the library criterion is its loss, the file one its forward with the weight it is given', () => {
    const m = model(analyze(source), '_compute_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:loss', 'penalty:+:loss_reg*self.strength']);
    const base = m.terms[0]!.expr;
    assert.ok(base.kind === 'call' && base.callee === 'nn.MSELoss', JSON.stringify(base.kind));
    assert.equal(m.terms[1]!.expr.kind, 'overWeights');
  });

  it('so neither call is an op the trainer lacks (LL113), and the penalty has its λ (no LL101)', () => {
    const codes = runRules(analyze(source), source).map((f) => f.code);
    assert.deepEqual(codes.filter((c) => c === 'LL113' || c === 'LL101'), []);
  });

  it('an attribute set to anything but a loss-like object (a model) is not read as a criterion', () => {
    const other = source.replace('self.regul = NormPenalty(self.strength)', 'self.regul = TinyNet(self.strength)');
    assert.ok(runRules(analyze(other), other).some((f) => f.code === 'LL113'));
  });
});

describe('a criterion a setup method chooses by a branch', () => {
  const chosen = source.replace(
    '        self.criterion = nn.MSELoss()\n',
    '        if self.regression:\n            self.criterion = nn.MSELoss()\n        else:\n            self.criterion = nn.BCEWithLogitsLoss()\n',
  ).replace('def __init__(self, net, strength=1e-4):', 'def __init__(self, net, strength=1e-4, regression=False):\n        self.regression = regression');

  it('is the same choice between their calls, which the settings decide (no LL113)', () => {
    const m = model(analyze(chosen), '_compute_loss');
    const base = m.terms[0]!.expr;
    assert.equal(base.kind, 'conditional', JSON.stringify(base).slice(0, 120));
    const callees = base.kind === 'conditional' ? [base.then, base.else].map((e) => (e.kind === 'call' ? e.callee : e.kind)) : [];
    assert.deepEqual(callees, ['nn.MSELoss', 'nn.BCEWithLogitsLoss']);
    assert.deepEqual(runRules(analyze(chosen), chosen).filter((f) => f.code === 'LL113'), []);
  });

  it('without an else the attribute may stay unset: not read as a choice', () => {
    const partial = chosen.replace('        else:\n            self.criterion = nn.BCEWithLogitsLoss()\n', '        elif self.strength > 1:\n            self.criterion = nn.BCEWithLogitsLoss()\n');
    assert.ok(runRules(analyze(partial), partial).some((f) => f.code === 'LL113'));
  });
});
