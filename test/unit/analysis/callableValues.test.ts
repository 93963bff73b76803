// Callables and dispatch as values (issue 9 §2, issue 10 §1): a local holding one of two functions of the file
// (`loss_func = mse_loss if cfg.regression else ce_loss`) is called through the same choice; a class's constructor
// call binds a string setting for every loss of the class (a Lightning `compute_loss` and the `training_step`
// calling it), so a dispatch on it is decided by the value the code builds it with.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { valueLookup } from '../../../src/analysis/bound';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { branchChoices, branchRefusal } from '../../../src/trainer/interpreter/termBranch';
import { analyze, model, ready, termSummary } from './helpers';

const CHOSEN = `import torch
import torch.nn.functional as F

ROBUST = True


def huber(p, t):
    return F.smooth_l1_loss(p, t)


def squared(p, t):
    return F.mse_loss(p, t)


def fit_loss(pred, target, lam=0.1):
    fit = huber if ROBUST else squared
    neg = F.relu(-pred).mean()
    return fit(pred, target) + lam * neg


def fit_loss_by_flag(pred, target, robust=False, lam=0.1):
    fit = huber if robust else squared
    neg = F.relu(-pred).mean()
    return fit(pred, target) + lam * neg
`;

const DISPATCH = (built: string) => `import pytorch_lightning as pl
import torch
import torch.nn.functional as F


class Task(pl.LightningModule):
    def __init__(self, loss="plain", lam=0.5):
        super().__init__()
        self.net = torch.nn.Linear(4, 3)
        self._loss = loss
        self.lam = lam

    def forward(self, x):
        return self.net(x)

    def loss(self, out, y):
        if self._loss == "plain":
            return F.mse_loss(out, y)
        return F.mse_loss(out, y) + self.lam * out.abs().mean()

    def training_step(self, batch, batch_idx):
        x, y = batch
        return self.loss(self(x), y)


task = ${built}
`;

describe('callables and dispatch as values', () => {
  before(() => ready);

  it('a local bound to one of two file functions, chosen by a module constant, calls the one chosen', () => {
    const m = model(analyze(CHOSEN), 'fit_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:huber', 'penalty:+:neg*lam']);
    assert.deepEqual(findUnsupported(m), []);
  });

  it('chosen by a value known only at run time, both calls are read under the choice, named by the local', () => {
    const m = model(analyze(CHOSEN), 'fit_loss_by_flag');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:neg*lam']);
    assert.equal(m.body.kind === 'binary' && m.body.left.kind, 'conditional');
    assert.deepEqual(findUnsupported(m), []);
  });

  it("the constructor call's string reaches the training step, so the branch it selects is the one trained", () => {
    const step = model(analyze(DISPATCH('Task(loss="penalised")')), 'training_step');
    assert.equal(valueLookup(step)('self._loss'), 'penalised');
    const choices = branchChoices(step);
    assert.equal(choices.length, 1);
    assert.equal(branchRefusal(choices[0]!), undefined);
  });

  it('built with the default, the same step is refused by name (the branch that runs has no penalty)', () => {
    const step = model(analyze(DISPATCH('Task()')), 'training_step');
    assert.equal(valueLookup(step)('self._loss'), 'plain');
    assert.match(branchRefusal(branchChoices(step)[0]!) ?? '', /runs the `if self._loss == "plain":` branch/);
  });
});
