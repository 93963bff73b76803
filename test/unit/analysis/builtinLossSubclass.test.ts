// A loss class derived from a built-in loss (`class X(nn.CrossEntropyLoss)`, `class X(nn.MSELoss)`,
// `class X(keras.losses.MeanSquaredError)`) is a loss class, and its `super().forward(input, target)` is that
// built-in loss with the settings `__init__` hands `super().__init__` (issue 9 §1). Shapes seen in public PyTorch
// code: `CurveLoss(nn.MSELoss)` returning `super().forward(input, target) + …`, `super(MSELoss, self).forward(input=…,
// target=…)`, a demographic-parity CrossEntropyLoss subclass with a @staticmethod helper called on its class.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr } from '../../../src/analysis/ir';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const firstCall = (e: Expr): Extract<Expr, { kind: 'call' }> | undefined => {
  if (e.kind === 'call') return e;
  for (const v of Object.values(e)) if (v && typeof v === 'object' && 'kind' in v) { const c = firstCall(v as Expr); if (c) return c; }
  return undefined;
};

describe('Discovery: subclasses of built-in losses', () => {
  it('reads super().forward of an nn.CrossEntropyLoss subclass as the cross-entropy, with the reduction passed to super().__init__', () => {
    const a = analyze(`import torch
import torch.nn as nn
class SpreadCE(nn.CrossEntropyLoss):
    def __init__(self, lam=0.2, reduction="sum", label_smoothing=0.1):
        super().__init__(reduction=reduction, label_smoothing=label_smoothing)
        self.lam = lam
    def forward(self, input, target):
        ce = super().forward(input, target)
        spread = torch.softmax(input, dim=1).var(dim=1).mean()
        return ce + self.lam * spread
`);
    const m = model(a, 'SpreadCE');
    assert.equal(m.framework, 'pytorch');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:ce', 'penalty:+:spread*self.lam']);
    const ce = m.terms[0] && firstCall(m.terms[0].expr);
    assert.match(ce?.callee ?? '', /(^|\.)nn\.CrossEntropyLoss$/);
    assert.deepEqual(Object.keys(ce?.kwargs ?? {}).sort(), ['label_smoothing', 'reduction']);
    assert.equal(m.params.find((p) => p.name === 'self.lam')?.default, 0.2);
  });

  it('reads super(Cls, self).forward and Base.forward(self, …) of an nn.MSELoss subclass', () => {
    const a = analyze(`import torch
from torch import nn
class Curve(nn.MSELoss):
    def forward(self, pred, target):
        return super(Curve, self).forward(pred, target) + 0.5 * torch.relu(-pred).mean()
class Curve2(nn.MSELoss):
    def forward(self, pred, target):
        return nn.MSELoss.forward(self, pred, target) + 0.5 * torch.relu(-pred).mean()
`);
    for (const name of ['Curve', 'Curve2']) {
      const m = model(a, name);
      assert.deepEqual(m.terms.map((t) => t.role), ['base', 'penalty'], name);
      assert.deepEqual(m.terms[0] && firstCall(m.terms[0].expr)?.args.map((x) => x.text), ['pred', 'target'], name);
    }
  });

  it('reads a Keras built-in loss subclass whose call adds to super().call', () => {
    const a = analyze(`import tensorflow as tf
class SmoothMSE(tf.keras.losses.MeanSquaredError):
    def __init__(self, w=0.05, **kwargs):
        super().__init__(**kwargs)
        self.w = w
    def call(self, y_true, y_pred):
        return super().call(y_true, y_pred) + self.w * tf.reduce_mean(tf.abs(y_pred[:, 1:] - y_pred[:, :-1]))
`);
    const m = model(a, 'SmoothMSE');
    assert.equal(m.framework, 'keras');
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.weight?.text ?? ''}`), ['base:', 'penalty:self.w']);
    assert.equal(m.terms[0] && firstCall(m.terms[0].expr)?.callee, 'tf.keras.losses.MeanSquaredError');
  });

  it('follows a @staticmethod called on its class or on self with all its arguments (self is not one of them)', () => {
    const a = analyze(`import torch
import torch.nn as nn
class GapLoss(nn.Module):
    def __init__(self, lam=0.5):
        super().__init__()
        self.lam = lam
    @staticmethod
    def _gap(a, b):
        return (a.mean() - b.mean()).abs()
    def forward(self, pred, target):
        mse = ((pred - target) ** 2).mean()
        return mse + self.lam * GapLoss._gap(pred, target) + self.lam * self._gap(pred, target)
`);
    const m = model(a, 'GapLoss');
    const penalties = m.terms.filter((t) => t.role === 'penalty');
    assert.equal(penalties.length, 2);
    // each call hands the helper both tensors: a = pred, b = target (not self = pred, a = target)
    for (const t of penalties) assert.deepEqual([...JSON.stringify(t.expr).matchAll(/"kind":"name","name":"(\w+)"/g)].map((x) => x[1]), ['pred', 'target']);
  });

  const skorchNet = (base: string, construction: string): string => `import torch
from skorch import ${base}
from torch import nn


class CodeNet(${base}):
    def get_loss(self, y_pred, y_true, *args, **kwargs):
        recon, code = y_pred
        recon_loss = super().get_loss(recon, y_true, *args, **kwargs)
        return recon_loss + 1e-3 * code.abs().mean()


net = ${construction}
`;

  it("a skorch net's super().get_loss(…) is the criterion it is given, else the net's default (no splat, no LL113)", () => {
    const given = model(analyze(skorchNet('NeuralNetRegressor', 'CodeNet(Module, criterion=nn.SmoothL1Loss)')), 'get_loss');
    assert.equal(firstCall(given.terms[0]!.expr)?.callee, 'nn.SmoothL1Loss');
    assert.deepEqual(firstCall(given.terms[0]!.expr)?.args.map((a) => a.text), ['y_pred[0]', 'y_true'], 'the *args and **kwargs handed on are left out');
    const byDefault = model(analyze(skorchNet('NeuralNetRegressor', 'CodeNet(Module, max_epochs=3)')), 'get_loss');
    assert.equal(firstCall(byDefault.terms[0]!.expr)?.callee, 'nn.MSELoss');
    assert.deepEqual(byDefault.terms.map(termSummary), ['base:+:recon_loss', 'penalty:+:code*1e-3']);
    const plain = model(analyze(skorchNet('NeuralNet', 'CodeNet(Module, lr=0.1)')), 'get_loss');
    assert.notEqual(firstCall(plain.terms[0]!.expr)?.callee, 'nn.MSELoss', 'a bare NeuralNet has no default criterion to assume');
  });
});
