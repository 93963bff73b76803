// A λ kept in a section of a module settings dict (`CONFIG = {"loss": {"mass_weight": 0.1}}`), read as
// `CONFIG["loss"]["mass_weight"]` or through a local that holds the section (`loss_cfg = config["loss"]` in a training
// function the script calls with CONFIG): the constant `CONFIG['loss']['mass_weight']`, whose literal the trial starts
// from and write-back edits (issue 9 §2).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { makeLookup } from '../../../src/trainer/interpreter/scope';
import { codeLambda } from '../../../src/trial/spec';
import { check } from '../rules/corpus';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const SCRIPT = (weight: string, prelude = '') => `import torch
import torch.nn.functional as F

CONFIG = {
    "model": {"hidden": 64},
    "loss": {"mass_weight": 0.1, "nested": {"deep": 0.5}},
}


def train(model, batches, config):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
${prelude}    for x, y in batches:
        optimizer.zero_grad()
        pred = model(x)
        fit = F.mse_loss(pred, y)
        balance = (pred.sum(dim=1) - 1).abs().mean()
        loss = fit + ${weight} * balance
        loss.backward()
        optimizer.step()


if __name__ == "__main__":
    train(None, [], CONFIG)
`;

const loss = (source: string) => model(analyze(source), 'loss');

describe('a λ in a section of a settings dict', () => {
  it('read through a local holding the section of the dict the script passes', () => {
    const m = loss(SCRIPT('loss_cfg["mass_weight"]', '    loss_cfg = config["loss"]\n'));
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:balance*loss_cfg["mass_weight"]']);
    assert.equal(m.terms[1]?.weight?.kind === 'name' && m.terms[1].weight.name, "CONFIG['loss']['mass_weight']");
    assert.equal(codeLambda(m), 0.1);
    assert.equal(makeLookup(m, {})("CONFIG['loss']['mass_weight']"), 0.1, 'the trainer reads the same value');
    assert.deepEqual(findUnsupported(m), []);
  });

  it('read as a chain of keys, two levels deep and three', () => {
    assert.equal(codeLambda(loss(SCRIPT('config["loss"]["mass_weight"]'))), 0.1);
    assert.equal(codeLambda(loss(SCRIPT('CONFIG["loss"]["nested"]["deep"]'))), 0.5);
  });

  it('a key the dict does not hold is not read', () => {
    const m = loss(SCRIPT('config["loss"]["missing"]'));
    assert.equal(codeLambda(m), undefined);
  });

  it('write-back edits the literal inside the nested dict', () => {
    const source = SCRIPT('loss_cfg["mass_weight"]', '    loss_cfg = config["loss"]\n');
    const out = writeLambda(loss(source), source, 0.4);
    assert.ok(out.ok, out.ok ? '' : out.reason);
    assert.match(out.text, /"loss": \{"mass_weight": 0\.4, "nested"/);
  });
});

const HANDED_ON = (call: string) => `import torch
import torch.nn.functional as F

CONFIG = {"loss": {"smooth_weight": 0.05}, "train": {"lr": 1e-3}}


def sequence_loss(pred, target, cfg):
    rec = F.mse_loss(pred, target)
    smooth = ((pred[:, 1:] - pred[:, :-1]) ** 2).mean()
    return rec + float(cfg["loss"]["smooth_weight"]) * smooth


def train(model, loader, config):
    optimizer = torch.optim.Adam(model.parameters(), lr=config["train"]["lr"])
    for x, y in loader:
        loss = sequence_loss(model(x), y, config)
        loss.backward()


if __name__ == "__main__":
    ${call}
`;

describe('a loss function handed the settings object', () => {
  it('by the training function the script calls with the module dict: its weights are the dict constants', () => {
    const m = model(analyze(HANDED_ON('train(None, [], CONFIG)')), 'sequence_loss');
    assert.equal(m.terms[1]?.weight?.text, 'float(cfg["loss"]["smooth_weight"])');
    assert.equal(codeLambda(m), 0.05);
    assert.deepEqual(findUnsupported(m), []);
  });

  it('a training function called with something else leaves the parameter a parameter', () => {
    const m = model(analyze(HANDED_ON('train(None, [], load_config())')), 'sequence_loss');
    assert.equal(codeLambda(m), 1, 'the penalty reads as unweighted: its weight is not known');
  });
});

describe("a setting read with .get from a held settings mapping (`self.settings.get('lambda_smooth', 0.04)`)", () => {
  it('weights its term (no LL101 "added without a weight λ")', () => {
    const src = `import torch
import torch.nn as nn


class Trainer:
    def __init__(self, settings):
        self.settings = settings

    def fit(self, net, loader):
        mse = nn.MSELoss()
        opt = torch.optim.Adam(net.parameters())
        lam = float(self.settings.get("lambda_smooth", 0.04))
        for x, y in loader:
            pred = net(x)
            loss = mse(pred, y) + lam * torch.mean((pred[1:] - pred[:-1]) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
`;
    const m = loss(src);
    const penalty = m.terms.find((t) => t.role === 'penalty');
    assert.match(penalty?.weight?.text ?? '', /^float\(self\.settings\.get\("lambda_smooth", 0\.04\)\)$/);
    assert.deepEqual(check(src, 'python', 'trainer.py').findings.filter((f) => f.code === 'LL101'), []);
  });
});
