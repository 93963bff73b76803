// A settings dict a class keeps whole (`self.settings = settings`, or `self.settings = {...}` in `__init__`) and reads
// later with `self.settings.get("k", d)` / `self.settings["k"]`: the entry the construction's dict gives, else the
// `.get` default, so the trainer gets a number and λ is written where that number is.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { codeLambda } from '../../../src/trial/spec';
import { check } from '../rules/corpus';
import { analyze, ready } from './helpers';

const source = (init: string, build: string): string => `import torch
import torch.nn as nn


class Fitter:
    def __init__(self, settings):
${init}

    def fit(self, net, x, y, opt):
        lam = float(self.settings.get("lam", 0.04))
        for step in range(int(self.settings.get("steps", 10))):
            pred = net(x)
            loss = ((pred - y) ** 2).mean()
            loss = loss + lam * torch.mean((pred[1:] - pred[:-1]) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()


${build}
`;

const lossOf = (src: string) => analyze(src).models[0];

describe('a settings dict the class keeps and reads with .get', () => {
  before(() => ready);

  it('the key the construction dict lacks is the .get default, a number the trainer reads', () => {
    const src = source('        self.settings = settings', 'Fitter({"steps": 5}).fit(None, None, None, None)');
    const m = lossOf(src);
    assert.ok(m, 'the loop loss is found');
    assert.equal(codeLambda(m), 0.04);
    assert.deepEqual(findUnsupported(m), [], '`.get` on the kept dict is read, not left for the trainer');
    const written = writeLambda(m, src, 0.5);
    assert.ok(written.ok, written.ok ? '' : written.reason);
    assert.match(written.text, /self\.settings\.get\("lam", 0\.5\)/, 'λ is written as the default inside .get');
  });

  it('a key the construction dict gives is that entry', () => {
    const src = source('        self.settings = settings', 'Fitter({"lam": 0.3}).fit(None, None, None, None)');
    const m = lossOf(src);
    assert.equal(codeLambda(m), 0.3);
    const written = writeLambda(m, src, 0.5);
    assert.ok(written.ok && written.text.includes('Fitter({"lam": 0.5})'), 'λ is written in the construction dict');
    assert.deepEqual(findUnsupported(m), []);
  });

  it('a dict set in the constructor is read the same way', () => {
    const m = lossOf(source('        self.settings = {"lam": 0.2, "steps": 3}', 'Fitter(None).fit(None, None, None, None)'));
    assert.equal(codeLambda(m), 0.2);
    assert.deepEqual(findUnsupported(m), []);
  });

  it('constructions with different dicts leave the dict unknown (no value is made up)', () => {
    const m = lossOf(source('        self.settings = settings', 'Fitter({"lam": 0.3}).fit(None, None, None, None)\nFitter({"lam": 0.5}).fit(None, None, None, None)'));
    assert.notDeepEqual(findUnsupported(m), []);
  });

  it('an optional weights dict defaulted to {} (`lw = weights or {}`, `lw.get("tv", 0.01)`) is a setting: the weight of its term, so no LL101 (its value is left unknown)', () => {
    const src = `import torch
import torch.nn as nn


class Smoothed(nn.Module):
    def __init__(self, tv_weight=0.01):
        super().__init__()
        self.tv_weight = tv_weight

    def forward(self, pred, target):
        fit = ((pred - target) ** 2).mean()
        tv = (pred[:, 1:] - pred[:, :-1]).abs().mean()
        return fit + self.tv_weight * tv


class Step:
    def __init__(self, net, loss_weights=None):
        self.net = net
        lw = loss_weights or {}
        self.criterion = Smoothed(tv_weight=lw.get("tv", 0.01))

    def training_step(self, batch, batch_idx):
        x, y = batch
        return self.criterion(self.net(x), y)
`;
    const m = analyze(src).models.find((x) => x.name === 'training_step')!;
    const penalty = m.terms.find((t) => t.role === 'penalty');
    assert.ok(penalty?.weight, 'the .get on `loss_weights or {}` is the penalty\'s weight');
    assert.deepEqual(check(src, 'python', 'step.py').findings.filter((f) => f.code === 'LL101'), []);
  });
});
