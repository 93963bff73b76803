// A dataclass field whose default is written inside `field(...)` (`multiplier: float = field(init=False,
// default=0.0)`): its value is that default, as `multiplier: float = 0.0` would be, for a settings class read at
// module level and for a class whose method holds the loss.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { analyze, model, ready } from './helpers';

describe('dataclass field(default=…)', () => {
  before(() => ready);

  it('a settings dataclass: cfg.kl_weight is the default inside field(), written back there', () => {
    const src = `import torch
import torch.nn.functional as F
from dataclasses import dataclass, field


@dataclass
class Settings:
    layers: list = field(default_factory=list)
    kl_weight: float = field(default=0.25, metadata={"help": "KL weight"})


cfg = Settings()


def vae_loss(recon, x, mu, logvar):
    kl = -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())
    return F.mse_loss(recon, x) + cfg.kl_weight * kl
`;
    const m = model(analyze(src), 'vae_loss');
    const p = m.params.find((x) => x.name === 'cfg.kl_weight');
    assert.equal(p?.default, 0.25);
    const r = p!.defaultRange!;
    assert.equal(src.split('\n')[r.startLine]!.slice(r.startCol, r.endCol), '0.25');
  });

  it('a field of the class whose method trains: self.multiplier starts at 0.0', () => {
    const src = `import torch
import torch.nn as nn
from dataclasses import dataclass, field


@dataclass
class Trainer:
    model: nn.Module
    multiplier: float = field(init=False, default=0.5)

    def fit(self, X, y):
        opt = torch.optim.Adam(self.model.parameters())
        for _ in range(10):
            out = self.model(X)
            loss = nn.functional.mse_loss(out, y) + self.multiplier * out.abs().mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
`;
    const m = analyze(src).models[0]!;
    assert.equal(m.terms.find((t) => t.role === 'penalty')?.weightParam, 'self.multiplier');
    assert.equal(m.params.find((x) => x.name === 'self.multiplier')?.default, 0.5);
  });

  it('field(default_factory=lambda: PAIRS) is the module list PAIRS, a static list the loss iterates', () => {
    const src = `import torch
import torch.nn as nn
from dataclasses import dataclass, field

PAIRS = [(0, 1), (2, 3)]


@dataclass
class Settings:
    w_pair: float = 0.2
    pairs: list = field(default_factory=lambda: PAIRS)


def pair_gap(pred, pairs):
    total = 0.0
    for a, b in pairs:
        total = total + (pred[:, a] - pred[:, b]).abs().mean()
    return total


class PairLoss(nn.Module):
    def __init__(self, cfg=None):
        super().__init__()
        self.cfg = cfg or Settings()

    def forward(self, pred, target):
        return ((pred - target) ** 2).mean() + self.cfg.w_pair * pair_gap(pred, self.cfg.pairs)
`;
    const m = model(analyze(src), 'PairLoss');
    assert.deepEqual(findUnsupported(m), [], 'Settings.pairs is the list PAIRS, not an unknown attribute');
    assert.equal(m.terms.find((t) => t.role === 'penalty')?.weightParam, 'Settings.w_pair');
  });
});
