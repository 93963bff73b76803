// Python: a λ read from a config mapping by a string key (`self.config["beta"] * kl`). It weights the penalty
// (no negative-λ or missing-λ warning from the -0.5 inside kl), and when `__init__` builds the dict with literals,
// its value and the place to write it back are known.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { check } from '../rules/corpus';
import { analyze, model, ready, termSummary } from './helpers';

const module = (init: string, read: string) => `import torch
import torch.nn as nn
import torch.nn.functional as F


class VAELoss(nn.Module):
    def __init__(self, config=None):
        super().__init__()
        ${init}

    def forward(self, recon, x, mu, logvar):
        rec = F.mse_loss(recon, x)
        kl = -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())
        return rec + ${read} * kl
`;

describe('λ in a config dict (Python)', () => {
  before(() => ready);

  for (const init of ['self.config = {"units": 8, "beta": 0.25}', 'self.config = dict(units=8, beta=0.25)']) {
    it(`${init}: self.config["beta"] is the λ, 0.25, written back at the literal`, () => {
      const src = module(init, 'self.config["beta"]');
      const m = model(analyze(src), 'VAELoss');
      assert.deepEqual(m.terms.map(termSummary), ["base:+:rec", "penalty:+:kl*self.config['beta']"]);
      assert.equal(m.lambdaParam, "self.config['beta']");
      const p = m.params.find((x) => x.name === "self.config['beta']");
      assert.equal(p?.default, 0.25);
      const r = p!.defaultRange!;
      assert.equal(src.split('\n')[r.startLine]!.slice(r.startCol, r.endCol), '0.25');
    });
  }

  it('a config passed in (its values unknown) still weights the penalty: no LL103 / LL101', () => {
    const src = module('self.config = config', 'self.config["beta"]');
    const m = model(analyze(src), 'VAELoss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', "penalty:+:kl*self.config['beta']"]);
    const codes = check(src, 'python', 'loss.py').findings.map((f) => f.code);
    assert.ok(!codes.includes('LL103') && !codes.includes('LL101'), codes.join(', '));
  });

  it('a string key on an argument of the loss (a batch of data) is not a λ', () => {
    const src = `import torch
import torch.nn.functional as F

def loss_fn(pred, target, batch, lam=0.1):
    rec = F.mse_loss(pred, target)
    return rec + lam * (pred.abs() * batch["mask"]).mean()
`;
    const m = model(analyze(src), 'loss_fn');
    assert.equal(m.terms[1]?.weightParam, 'lam');
  });

  it('self.cfg.kl_weight with cfg a dataclass of the file (annotated, or built with no arguments): its default is the λ', () => {
    const dataclass = (init: string) => `import torch
import torch.nn as nn
import torch.nn.functional as F
from dataclasses import dataclass


@dataclass
class VAEConfig:
    latent: int = 16
    kl_weight: float = 0.05


class VAELoss(nn.Module):
    def __init__(self${init.includes('cfg: VAEConfig') ? ', cfg: VAEConfig' : ''}):
        super().__init__()
        self.cfg = ${init.includes('cfg: VAEConfig') ? 'cfg' : 'VAEConfig()'}

    def forward(self, recon, x, mu, logvar):
        rec = F.mse_loss(recon, x)
        kl = -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())
        return rec + self.cfg.kl_weight * kl
`;
    for (const init of ['cfg: VAEConfig', 'VAEConfig()']) {
      const src = dataclass(init);
      const m = model(analyze(src), 'VAELoss');
      assert.equal(m.lambdaParam, 'VAEConfig.kl_weight', init);
      const p = m.params.find((x) => x.name === 'VAEConfig.kl_weight');
      assert.equal(p?.default, 0.05);
      const r = p!.defaultRange!;
      assert.equal(src.split('\n')[r.startLine]!.slice(r.startCol, r.endCol), '0.05');
    }
    // a config of a class the file does not define stays self.cfg.kl_weight, with no value
    const foreign = dataclass('cfg: VAEConfig').replace('cfg: VAEConfig', 'cfg: OtherConfig');
    assert.equal(model(analyze(foreign), 'VAELoss').lambdaParam, 'self.cfg.kl_weight');
  });

  it('self.cfg = config or VAEConfig() (config=None): the dataclass, whether a call passes it built or none passes it', () => {
    const src = (call: string) => `import torch
import torch.nn as nn
import torch.nn.functional as F
from dataclasses import dataclass


@dataclass
class VAEConfig:
    kl_weight: float = 0.05


class VAELoss(nn.Module):
    def __init__(self, config=None):
        super().__init__()
        self.cfg = config or VAEConfig()

    def forward(self, recon, x, mu, logvar):
        rec = F.mse_loss(recon, x)
        kl = -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())
        return rec + self.cfg.kl_weight * kl


criterion = ${call}
`;
    for (const call of ['VAELoss()', 'VAELoss(VAEConfig())']) {
      const m = model(analyze(src(call)), 'VAELoss');
      assert.equal(m.lambdaParam, 'VAEConfig.kl_weight', call);
      assert.equal(m.params.find((x) => x.name === 'VAEConfig.kl_weight')?.default, 0.05, call);
      assert.deepEqual(check(src(call), 'python', 'vae.py').findings.filter((f) => f.code === 'LL101'), [], call);
    }
  });

  it('a module-level settings object (cfg = TrainConfig(kl_weight=0.2), SimpleNamespace(smooth=0.3)): cfg.kl_weight is a constant', () => {
    const src = `import torch
import torch.nn.functional as F
from dataclasses import dataclass
from types import SimpleNamespace


@dataclass
class TrainConfig:
    lr: float = 1e-3
    kl_weight: float = 0.05


cfg = TrainConfig(kl_weight=0.2)
defaults = TrainConfig()
opts = SimpleNamespace(smooth=0.3)


def vae_loss(recon, x, mu, logvar):
    rec = F.mse_loss(recon, x)
    kl = -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())
    return rec + cfg.kl_weight * kl + defaults.lr * kl + opts.smooth * recon.abs().mean()
`;
    const m = model(analyze(src), 'vae_loss');
    const value = (name: string) => {
      const p = m.params.find((x) => x.name === name);
      const r = p?.defaultRange;
      return r ? [p.default, src.split('\n')[r.startLine]!.slice(r.startCol, r.endCol)] : undefined;
    };
    assert.deepEqual(value('cfg.kl_weight'), [0.2, '0.2'], 'the keyword the call passes');
    assert.deepEqual(value('defaults.lr'), [0.001, '1e-3'], "the class's default");
    assert.deepEqual(value('opts.smooth'), [0.3, '0.3']);
  });

  it('a nested settings object (cfg = SimpleNamespace(TRAIN=SimpleNamespace(WEIGHT_DECAY=4e-5))): cfg.TRAIN.WEIGHT_DECAY is a constant', () => {
    const src = `import torch
import torch.nn.functional as F
from types import SimpleNamespace

cfg = SimpleNamespace(NN=SimpleNamespace(SIZE=64), TRAIN=SimpleNamespace(WEIGHT_DECAY=4e-5, BATCH=16))


def fit_loss(pred, target, w):
    return F.mse_loss(pred, target) + cfg.TRAIN.WEIGHT_DECAY / 2 * (w ** 2).sum()
`;
    const m = model(analyze(src), 'fit_loss');
    const p = m.params.find((x) => x.name === 'cfg.TRAIN.WEIGHT_DECAY');
    assert.equal(p?.default, 4e-5);
    const r = p!.defaultRange!;
    assert.equal(src.split('\n')[r.startLine]!.slice(r.startCol, r.endCol), '4e-5');
    assert.equal(m.terms[1]?.weightParam, 'cfg.TRAIN.WEIGHT_DECAY');
  });
});
