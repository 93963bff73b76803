// What a call binds where a loss is built (issue 9 §2): a constructor call of a SUBCLASS of the class the loss is
// written in, and arguments passed as names (a command-line flag's default, a module constant, a local set to a
// literal before the call), each read as Python binds it and written back where its literal is.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { makeLookup } from '../../../src/trainer/interpreter/scope';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready } from './helpers';

const LIGHTNING_BASE = (build: string) => `import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn


class Template(pl.LightningModule):
    def training_step(self, batch, batch_idx):
        x, y = batch
        out = self(x)
        fit = F.smooth_l1_loss(out, y)
        shrink = self.decay * sum(p.abs().sum() for p in self.parameters())
        return fit + shrink


class Lasso(Template):
    def __init__(self, width, decay=1e-3):
        super().__init__()
        self.decay = decay
        self.net = nn.Linear(width, 1)

    def forward(self, x):
        return self.net(x)


${build}
`;

const SAE = (build: string, flag = '0.002') => `import argparse
import torch
import torch.nn as nn
import torch.nn.functional as F

SPARSITY = 0.07


class Coder(nn.Module):
    def __init__(self, dims, sparsity=1e-4):
        super().__init__()
        self.sparsity = sparsity
        self.enc = nn.Linear(dims, 32)
        self.dec = nn.Linear(32, dims)

    def forward(self, x):
        h = torch.relu(self.enc(x))
        return h, self.dec(h)

    def reconstruction_loss(self, x_hat, x, h):
        rec = F.mse_loss(x_hat, x)
        return rec + self.sparsity * h.abs().mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--l1", type=float, default=${flag})
    args = ap.parse_args()
${build}
    for x in loader:
        h, x_hat = net(x)
        loss = net.reconstruction_loss(x_hat, x, h)
        loss.backward()
`;

describe('constructor calls that bind a loss written in a class', () => {
  before(() => ready);

  it("a subclass's call (`Lasso(16, decay=0.05)`) binds the base's training step λ, written back at that call", () => {
    const src = LIGHTNING_BASE('net = Lasso(16, decay=0.05)');
    const m = model(analyze(src), 'training_step');
    assert.equal(m.lambdaParam, 'self.decay');
    assert.equal(codeLambda(m), 0.05);
    const out = writeLambda(m, src, 0.5);
    assert.ok(out.ok && out.text.includes('net = Lasso(16, decay=0.5)'), JSON.stringify(out));
  });

  it("a subclass's positional arguments bind by the subclass's own __init__", () => {
    const m = model(analyze(LIGHTNING_BASE('net = Lasso(16, 0.2)')), 'training_step');
    assert.equal(codeLambda(m), 0.2);
    assert.equal(makeLookup(m, {})('self.decay'), 0.2);
  });

  it('a constructor argument passed from a command-line flag binds its default, written back at the flag', () => {
    const src = SAE('    net = Coder(64, sparsity=args.l1)');
    const m = model(analyze(src), 'reconstruction_loss');
    assert.equal(codeLambda(m), 0.002);
    assert.equal(makeLookup(m, {})('self.sparsity'), 0.002, 'the trainer reads the same value');
    const out = writeLambda(m, src, 0.01);
    assert.ok(out.ok && out.text.includes('ap.add_argument("--l1", type=float, default=0.01)') && out.text.includes('sparsity=args.l1'), JSON.stringify(out));
  });

  it('a module constant passed by position binds its value, written back at the constant', () => {
    const src = SAE('    net = Coder(64, SPARSITY)');
    const m = model(analyze(src), 'reconstruction_loss');
    assert.equal(codeLambda(m), 0.07);
    const out = writeLambda(m, src, 0.5);
    assert.ok(out.ok && out.text.includes('SPARSITY = 0.5') && out.text.includes('Coder(64, SPARSITY)'), JSON.stringify(out));
  });

  it('a local set to a literal before the call binds that literal; a loop variable or a parameter binds nothing', () => {
    const local = SAE('    strength = 0.03\n    net = Coder(64, sparsity=strength)');
    assert.equal(codeLambda(model(analyze(local), 'reconstruction_loss')), 0.03);
    const loop = SAE('    for strength in (0.1, 1.0):\n        net = Coder(64, sparsity=strength)');
    assert.equal(codeLambda(model(analyze(loop), 'reconstruction_loss')), 1e-4, 'the default stands');
    const shadow = SAE('    net = Coder(64, sparsity=SPARSITY)').replace('def main():', 'def main(SPARSITY):');
    assert.equal(codeLambda(model(analyze(shadow), 'reconstruction_loss')), 1e-4, 'the parameter is not the module constant');
  });
});

describe('a default written as a module constant', () => {
  before(() => ready);

  const HEAT = `import tensorflow as tf

LAMBDA_ENV = 0.1
LAMBDA_RAMP = 0.05


class HeatLoss(tf.keras.losses.Loss):
    def __init__(self, w_env=LAMBDA_ENV, w_ramp=LAMBDA_RAMP, **kwargs):
        super().__init__(**kwargs)
        self.w_env = w_env
        self.w_ramp = w_ramp

    def call(self, y_true, y_pred):
        env = tf.reduce_mean(tf.square(tf.nn.relu(y_pred - 1.0)))
        ramp = tf.reduce_mean(tf.square(y_pred[1:] - y_pred[:-1]))
        return tf.reduce_mean(tf.square(y_true - y_pred)) + self.w_env * env + self.w_ramp * ramp


def fn_loss(y_true, y_pred, lam=LAMBDA_ENV):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * tf.reduce_mean(tf.abs(y_pred))
`;

  it("`__init__(self, w_env=LAMBDA_ENV, w_ramp=LAMBDA_RAMP)`: each self.x has the constant's value, as Python binds it", () => {
    const m = model(analyze(HEAT), 'HeatLoss');
    assert.deepEqual(m.terms.filter((t) => t.role === 'penalty').map((t) => t.weight?.text), ['self.w_env', 'self.w_ramp']);
    assert.equal(codeLambda(m), 0.1);
    const lookup = makeLookup(m, {});
    assert.equal(lookup('self.w_env'), 0.1, 'the trainer reads the same value');
    assert.equal(lookup('self.w_ramp'), 0.05, 'the second weight too (it had no value, so training was refused)');
  });

  it('a function parameter defaulting to a module constant is a setting with its value, not a tensor', () => {
    const m = model(analyze(HEAT), 'fn_loss');
    const lam = m.params.find((p) => p.name === 'lam');
    assert.equal(lam?.role, 'hyper');
    assert.equal(lam?.default, 0.1);
  });
});

const HPARAMS = (build: string) => `import pytorch_lightning as pl
import torch
import torch.nn.functional as F


class Ranker(pl.LightningModule):
    def __init__(self, width, pairs=None):
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Linear(width, 2)

    def training_step(self, batch, batch_idx):
        x, y = batch
        out = self(x)
        fit = F.mse_loss(out, y)
        if self.hparams.pairs:
            fit = fit + 0.1 * torch.relu(out[:, 0] - out[:, 1]).mean()
        return fit


${build}
`;

describe('a dict passed as a setting where the loss is built', () => {
  before(() => ready);

  it('binds the setting to its keys (what len, iteration and truth read), a literal dict or dict(...)', () => {
    const literal = model(analyze(HPARAMS('model = Ranker(8, pairs={"first": 0, "second": 1})')), 'training_step');
    assert.deepEqual(makeLookup(literal, {})('self.hparams.pairs'), ['first', 'second']);
    const called = model(analyze(HPARAMS('model = Ranker(8, pairs=dict(first=0))')), 'training_step');
    assert.deepEqual(makeLookup(called, {})('self.hparams.pairs'), ['first']);
  });

  it('a dict whose keys are not literals binds nothing: the default stands', () => {
    const m = model(analyze(HPARAMS('key = "first"\nmodel = Ranker(8, pairs={key: 0})')), 'training_step');
    assert.equal(makeLookup(m, {})('self.hparams.pairs'), null);
  });
});

const DEFAULTS_FROM_CONSTANTS = `import tensorflow as tf

LAM_SMOOTH = 0.25


def smoothness(y_pred):
    return tf.reduce_mean(tf.square(y_pred[1:] - y_pred[:-1]))


def smooth_fit(y_true, y_pred, lam=LAM_SMOOTH):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * smoothness(y_pred)


class SmoothFit(tf.keras.losses.Loss):
    def __init__(self, weight=LAM_SMOOTH, **kwargs):
        super().__init__(**kwargs)
        self.weight = float(weight)

    def call(self, y_true, y_pred):
        return tf.reduce_mean(tf.square(y_true - y_pred)) + self.weight * smoothness(y_pred)
`;

describe('a default that names a module constant', () => {
  before(() => ready);

  for (const [loss, param] of [
    ['smooth_fit', 'lam'],
    ['SmoothFit', 'self.weight'],
  ] as const) {
    it(`${loss}: the default ${param} = LAM_SMOOTH is the constant's value for the analysis and the trainer, written back at the constant`, () => {
      const m = model(analyze(DEFAULTS_FROM_CONSTANTS), loss);
      assert.equal(codeLambda(m), 0.25);
      assert.equal(makeLookup(m, {})(param), 0.25);
      const out = writeLambda(m, DEFAULTS_FROM_CONSTANTS, 0.5);
      assert.ok(out.ok && out.text.includes('LAM_SMOOTH = 0.5') && out.text.includes(`=LAM_SMOOTH`), JSON.stringify(out));
    });
  }
});

const NAMESPACE_PASSED = `import torch
import torch.nn as nn
from types import SimpleNamespace


class Trainer:
    def __init__(self, opt, model):
        self.model = model
        self.criterion = nn.CrossEntropyLoss()
        self.lamda = opt.lamda

    def train_step(self, x, y):
        out = self.model(x)
        loss = self.criterion(out, y)
        smooth = (out[:, 1:] - out[:, :-1]).pow(2).mean()
        total = loss + self.lamda * smooth
        total.backward()


opt = SimpleNamespace(lamda=0.3, lr=1e-3)
trainer = Trainer(opt, nn.Linear(4, 3))
`;

describe('a settings namespace passed whole to the constructor', () => {
  before(() => ready);

  it('`Trainer(opt)` with `opt = SimpleNamespace(lamda=0.3)`: `self.lamda = opt.lamda` is 0.3, written back there', () => {
    const m = model(analyze(NAMESPACE_PASSED), 'total');
    assert.equal(codeLambda(m), 0.3);
    assert.equal(makeLookup(m, {})('opt.lamda'), 0.3);
    const out = writeLambda(m, NAMESPACE_PASSED, 0.5);
    assert.ok(out.ok && out.text.includes('SimpleNamespace(lamda=0.5'), JSON.stringify(out));
  });
});
