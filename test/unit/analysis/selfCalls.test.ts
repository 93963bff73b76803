// Issue 9 §2: a loss written as a method of a class (a model's loss method, a Lightning training_step, a Keras
// train_step) calls the class's other methods (`self.rate_penalty(h)`, `loss, logs = self.shared_step(batch)`):
// they are followed like same-file helpers, with `self` kept, and methods the class inherits from a base in the
// file (or, for a base whose step calls a method only its subclass defines, that subclass's) are reached too.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const modelMethod = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Coder(nn.Module):
    def __init__(self, n, k, weight=0.002):
        super().__init__()
        self.weight = weight
        self.enc = nn.Linear(n, k)
        self.dec = nn.Linear(k, n)

    def forward(self, x):
        h = torch.sigmoid(self.enc(x))
        return h, self.dec(h)

    def activity(self, codes):
        level = codes.mean(dim=0)
        return self.weight * (level ** 2).sum()

    def reconstruction_loss(self, recon, x, codes):
        fit = F.mse_loss(recon, x)
        sparse = self.activity(codes)
        return fit + sparse


def fit(model, loader, opt):
    for x in loader:
        h, recon = model(x)
        loss = model.reconstruction_loss(recon, x, h)
        loss.backward()
        opt.step()
`;

const lightningBase = `import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn


class Base(pl.LightningModule):
    def step(self, batch, stage, use_decay=False):
        x, y = batch
        pred = self.forward(x)
        fit, logs = self.fit_term(pred, y)
        if use_decay:
            fit = fit + self.decay()
        self.log(stage + "_loss", fit)
        return {"loss": fit, "log": logs}

    def training_step(self, batch, batch_idx):
        return self.step(batch, "train", use_decay=True)

    def validation_step(self, batch, batch_idx):
        return self.step(batch, "val")


class Ridge(Base):
    def __init__(self, lam=0.01):
        super().__init__()
        self.lam = lam
        self.lin = nn.Linear(4, 1)

    def forward(self, x):
        return self.lin(x)

    def fit_term(self, pred, y):
        mse = F.mse_loss(pred, y)
        return mse, {"mse": mse}

    def decay(self):
        return self.lam * self.lin.weight.pow(2).sum()
`;

describe('a loss method calling a method of its own class', () => {
  it('follows it: the penalty is the helper method, named by the caller, weighted by the attribute it reads', () => {
    const m = model(analyze(modelMethod), 'reconstruction_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:sparse*self.weight']);
    assert.equal(m.params.find((p) => p.name === 'self.weight')?.default, 0.002);
  });

  it('no rule reports the call as an op the trial lacks, nor the penalty as unweighted', () => {
    const a = analyze(modelMethod);
    const codes = runRules(a, modelMethod).map((f) => f.code);
    assert.deepEqual(codes.filter((c) => c === 'LL113' || c === 'LL101'), []);
  });

  it("a loop calling the model's loss method uses that loss: it is not a second loss", () => {
    assert.deepEqual(analyze(modelMethod).models.map((x) => x.name), ['reconstruction_loss']);
  });
});

describe('a training step reaching methods through the class hierarchy of the file', () => {
  it("follows the base's step into the methods its subclass defines, tuple returns unpacked", () => {
    const m = model(analyze(lightningBase), 'training_step');
    const [base, penalty] = m.terms.map(termSummary);
    // the data term is named by the caller's unpacked variable or the helper's own (both say what it is)
    assert.match(base ?? '', /^base:\+:(fit|mse)$/);
    assert.equal(penalty, 'penalty:+:decay*self.lam');
    assert.equal(m.terms.length, 2);
  });

  it("reads the helper as the step: the model's forward there is the prediction, the batch's other item the target", () => {
    const m = model(analyze(lightningBase), 'training_step');
    assert.deepEqual([m.yPred, m.yTrue], ['pred', 'y']);
    assert.deepEqual(runRules(analyze(lightningBase), lightningBase).map((f) => f.code), []);
  });

  it("takes self.lam from the __init__ of the one subclass, since the base has none", () => {
    const m = model(analyze(lightningBase), 'training_step');
    assert.equal(m.params.find((p) => p.name === 'self.lam')?.default, 0.01);
    assert.deepEqual(m.params.filter((p) => p.modelWeight).map((p) => p.name), ['self.lin.weight']);
  });
});

describe("a model's loss method built by its class's constructor call", () => {
  it('is bound by it: the call sets the attribute the loss reads', () => {
    const source = `${modelMethod}
coder = Coder(16, 4, weight=0.005)
`;
    const m = model(analyze(source), 'reconstruction_loss');
    assert.deepEqual(m.usages.filter((u) => u.boundArgs).map((u) => u.boundArgs), [{ n: 16, k: 4, weight: 0.005 }]);
  });
});
