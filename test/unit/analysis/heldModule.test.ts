// Issue 9 §2/§4: objects a loss class holds are followed like same-file helpers. A helper nn.Module kept in `self`
// (`self.kl_term = BernoulliKL()` then `self.kl_term(p, q)`) is read into its forward, so the rules see inside it;
// one that never returns is LL114 at the call (not an unsupported op); a criterion built in the class body
// (`base = nn.MSELoss()`) is `self.base`; an attribute __init__ leaves None and the training code fills
// (`criterion.params = list(net.parameters())`) holds what it is given.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const held = (returns: boolean): string => `import torch
import torch.nn as nn


class BernoulliKL(nn.Module):
    def forward(self, rate, target):
        ${returns ? 'return ' : ''}target * (torch.log(target) - torch.log(rate)) + (1 - target) * (torch.log(1 - target) - torch.log(1 - rate))


class SparseLoss(nn.Module):
    def __init__(self, beta=0.5, rho=0.05):
        super().__init__()
        self.beta = beta
        self.rho = rho
        self.mse = nn.MSELoss()
        self.kl_term = BernoulliKL()

    def forward(self, recon, x, hidden):
        rate = torch.sigmoid(hidden).mean(dim=0)
        return self.mse(recon, x) + self.beta * self.kl_term(rate, self.rho).sum()
`;

const codes = (src: string): string[] => runRules(analyze(src), src).map((f) => f.code);

describe('modules a loss class holds', () => {
  it('a same-file helper module in self is followed into its forward: its formula is the penalty, λ = beta', () => {
    const m = model(analyze(held(true)), 'SparseLoss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse', 'penalty:+:kl_term*self.beta']);
    assert.ok(JSON.stringify(m.terms[1]!.expr).includes('"callee":"torch.log"'), 'the helper\'s logs are in the penalty');
    assert.ok(!codes(held(true)).includes('LL113'), 'not an unsupported op');
  });

  it('a held helper whose forward never returns is LL114 at the call, and its unguarded logs are still LL112', () => {
    const found = runRules(analyze(held(false)), held(false));
    const ll114 = found.filter((f) => f.code === 'LL114');
    assert.equal(ll114.length, 1);
    assert.match(ll114[0]!.message, /`self\.kl_term` never returns a value/);
    assert.ok(found.some((f) => f.code === 'LL112' && f.message.includes('1 - rate')), found.map((f) => f.message).join('\n'));
    assert.ok(!found.some((f) => f.code === 'LL113'));
  });

  it('a criterion built in the class body is called as self.<name> (no LL113), and a list the training code sets is the model\'s weights', () => {
    const src = `import torch
import torch.nn as nn


class SignLoss(nn.Module):
    base = nn.L1Loss()

    def __init__(self, strength=0.3):
        super().__init__()
        self.strength = strength
        self.params = None

    def forward(self, out, y):
        fit = self.base(out, y)
        excess = 0
        for w in self.params:
            excess += torch.relu(w).pow(2).sum()
        return fit + self.strength * excess


net = nn.Linear(4, 1)
criterion = SignLoss()
criterion.params = list(net.parameters())
`;
    const m = model(analyze(src), 'SignLoss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:excess*self.strength']);
    assert.ok(JSON.stringify(m.terms[1]!.expr).includes('"kind":"overWeights"'), 'a sum over the weights');
    assert.deepEqual(codes(src), [], 'no LL113 on self.base, no LL105 on the weights penalty');
  });

  it('for p in model.parameters() with a module-level model is the sum over the weights too', () => {
    const src = `import torch
import torch.nn as nn
import torch.nn.functional as F

model = nn.Linear(3, 1)


def l1_loss(pred, target):
    reg = 0
    for p in model.parameters():
        reg += p.abs().sum()
    return F.mse_loss(pred, target) + 0.01 * reg
`;
    const m = model(analyze(src), 'l1_loss');
    assert.ok(JSON.stringify(m.terms[1]!.expr).includes('"kind":"overWeights"'));
    assert.ok(!codes(src).includes('LL113'));
  });

  const givenCriterion = (ctor: string, calls: string): string => `import torch
import torch.nn as nn


class MonotoneLoss${ctor.includes('nn.Module') ? '(nn.Module)' : ''}:
    def __init__(self, base_fn=${ctor.replace('(nn.Module)', '')}, alpha=0.5):
        self.base_fn = base_fn
        self.alpha = alpha

    def __call__(self, pred, target):
        fit = self.base_fn(pred, target)
        return fit + self.alpha * torch.relu(pred[:, :-1] - pred[:, 1:]).mean()


${calls}
`;

  it('a criterion given to __init__ by default (base_fn=nn.L1Loss()) is the held object called in the loss', () => {
    const src = givenCriterion('nn.L1Loss()', 'criterion = MonotoneLoss(alpha=0.2)');
    const m = model(analyze(src), 'MonotoneLoss');
    assert.equal(m.framework, 'pytorch', 'a class with no base is read by its calls (torch.relu), not taken for Keras');
    assert.ok(JSON.stringify(m.terms[0]!.expr).includes('"callee":"nn.L1Loss"'), JSON.stringify(m.terms[0]!.expr));
    assert.ok(!codes(src).includes('LL113'), 'self.base_fn is not an unsupported op');
  });

  it('the criterion the construction passes wins over the default; calls that disagree leave it unread', () => {
    const passed = givenCriterion('None', 'criterion = MonotoneLoss(base_fn=nn.SmoothL1Loss(), alpha=0.2)');
    assert.ok(JSON.stringify(model(analyze(passed), 'MonotoneLoss').terms[0]!.expr).includes('"callee":"nn.SmoothL1Loss"'));
    const positional = givenCriterion('nn.L1Loss()', 'criterion = MonotoneLoss(nn.HuberLoss(), 0.2)');
    assert.ok(JSON.stringify(model(analyze(positional), 'MonotoneLoss').terms[0]!.expr).includes('"callee":"nn.HuberLoss"'));
    const disagree = givenCriterion('nn.L1Loss()', 'a = MonotoneLoss(base_fn=nn.MSELoss())\nb = MonotoneLoss(base_fn=nn.L1Loss())');
    assert.ok(!JSON.stringify(model(analyze(disagree), 'MonotoneLoss').terms[0]!.expr).includes('"callee":"nn.'), 'two different criteria: neither is assumed');
  });
});
