// Python: a loss written inline in a training function or a trainer class takes its λ from where the script calls
// or builds it, as Python binds it: `train(net, loader, 5, 1e-4)` binds the function's `l1_lambda`; a settings
// object the script passes by name (`train(model, loader, CFG)`, `CFG = Config(l1_weight=2e-4)` in the main block,
// or a dict constant) is that object inside the function; `Trainer(net, l1_weight=5e-4)` binds the trainer's
// `self.l1_weight` over its default. λ write-back edits the literal the call passes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staticNumber } from '../../../src/analysis/bound';
import { analyzeSource } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { findLambdaSite } from '../../../src/analysis/lambdaSite';
import { check } from '../rules/corpus';
import { analyze, model, ready } from './helpers';

const loop = (signature: string, weight: string, main: string) => `import torch
import torch.nn as nn
from dataclasses import dataclass

CONFIG = {"lr": 1e-3, "l1_weight": 3e-4}


@dataclass
class Config:
    lr: float = 1e-3
    l1_weight: float = 1e-4


def train(${signature}):
    opt = torch.optim.Adam(model.parameters())
    criterion = nn.MSELoss()
    for x, y in loader:
        out = model(x)
        l1 = sum(p.abs().sum() for p in model.parameters())
        loss = criterion(out, y) + ${weight} * l1
        opt.zero_grad()
        loss.backward()
        opt.step()


${main}
`;

/** The penalty's λ as the analysis reads it before training: its weight's value. */
function penaltyLambda(m: LossModel): number | undefined {
  const w = m.terms.find((t) => t.role === 'penalty')?.weight;
  if (!w) return undefined;
  return w.kind === 'number' ? w.value : staticNumber(m, w.kind === 'name' ? w.name : w.text);
}

describe('settings of a training function, bound where the script calls it (Python)', () => {
  before(() => ready);

  it('train(net, loader, 5, 1e-4) binds l1_lambda; write-back edits the 1e-4 in the call', () => {
    const src = loop('model, loader, epochs, l1_lambda', 'l1_lambda', 'if __name__ == "__main__":\n    train(nn.Linear(4, 1), [], 5, 1e-4)');
    const m = model(analyze(src), 'loss');
    assert.equal(penaltyLambda(m), 1e-4);
    const site = findLambdaSite(m, src);
    assert.ok(site.ok, JSON.stringify(site));
    const [r] = site.site.ranges;
    assert.equal(src.split('\n')[r!.startLine]!.slice(r!.startCol, r!.endCol), '1e-4');
    const callLine = src.split('\n').findIndex((l) => l.includes('train(nn.Linear')) + 1;
    assert.equal(site.site.where, `the argument l1_lambda of the call on line ${callLine}`);
  });

  it('a keyword argument from a module constant binds it too (train(model, loader, l1_lambda=WD))', () => {
    const src = loop('model, loader, l1_lambda', 'l1_lambda', 'WD = 2e-5\n\nif __name__ == "__main__":\n    train(nn.Linear(4, 1), [], l1_lambda=WD)');
    assert.equal(penaltyLambda(model(analyze(src), 'loss')), 2e-5);
  });

  it('the call binds over the default: train(…, l1_lambda=5e-4) of def train(…, l1_lambda=1e-3) runs 5e-4', () => {
    const src = loop('model, loader, l1_lambda=1e-3', 'l1_lambda', 'train(nn.Linear(4, 1), [], l1_lambda=5e-4)');
    assert.equal(penaltyLambda(model(analyze(src), 'loss')), 5e-4);
  });

  it('a λ of zero passed by the call is reported (LL103) at the call', () => {
    const src = loop('model, loader, l1_lambda=1e-3', 'l1_lambda', 'train(nn.Linear(4, 1), [], l1_lambda=0)');
    const ll103 = check(src, 'python', 'train.py').findings.filter((f) => f.code === 'LL103');
    assert.equal(ll103.length, 1, JSON.stringify(ll103));
  });

  it('with no call in the file the parameter stays unbound', () => {
    const src = loop('model, loader, l1_lambda', 'l1_lambda', '');
    assert.equal(penaltyLambda(model(analyze(src), 'loss')), undefined);
  });

  it('a dataclass settings object built in the main block and passed by name: cfg.l1_weight is its 2e-4', () => {
    const src = loop('model, loader, cfg: Config', 'cfg.l1_weight', 'if __name__ == "__main__":\n    CFG = Config(l1_weight=2e-4)\n    train(nn.Linear(4, 1), [], CFG)');
    assert.equal(penaltyLambda(model(analyze(src), 'loss')), 2e-4);
  });

  it('a module dict passed from main(): config["l1_weight"] is CONFIG\'s 3e-4', () => {
    const src = loop('model, loader, config', 'config["l1_weight"]', 'def main():\n    train(nn.Linear(4, 1), [], CONFIG)\n\n\nif __name__ == "__main__":\n    main()');
    assert.equal(penaltyLambda(model(analyze(src), 'loss')), 3e-4);
  });

  it('a local of main() of the same name is not the module dict (its value is not read)', () => {
    const src = loop('model, loader, config', 'config["l1_weight"]', 'def main():\n    CONFIG = load()\n    train(nn.Linear(4, 1), [], CONFIG)');
    assert.equal(penaltyLambda(model(analyze(src), 'loss')), undefined);
  });

  it('passed under its own name (train(…, cfg) with cfg = Config(…) in the main block): the parameter is that object', () => {
    const src = loop('model, loader, cfg', 'cfg.l1_weight', 'if __name__ == "__main__":\n    cfg = Config(l1_weight=2e-4)\n    train(nn.Linear(4, 1), [], cfg)');
    assert.equal(penaltyLambda(model(analyze(src), 'loss')), 2e-4);
  });

  it("handed on to a criterion object the function makes (smooth(out, cfg) with smooth = Smoother()): read as settings by its forward", () => {
    const src = `import torch
import torch.nn as nn
from dataclasses import dataclass


@dataclass
class Config:
    smooth_weight: float = 0.2


class Smoother(nn.Module):
    def forward(self, out, cfg):
        return cfg.smooth_weight * ((out[1:] - out[:-1]) ** 2).mean()


def train(model, loader, cfg):
    criterion = nn.MSELoss()
    smooth = Smoother()
    for x, y in loader:
        out = model(x)
        loss = criterion(out, y) + smooth(out, cfg)
        loss.backward()


if __name__ == "__main__":
    cfg = Config()
    train(nn.Linear(4, 1), [], cfg)
`;
    assert.equal(penaltyLambda(model(analyze(src), 'loss')), 0.2);
    // a forward that reads the object as more than settings (calls its method) keeps it a parameter
    assert.equal(penaltyLambda(model(analyze(src.replace('return cfg.smooth_weight *', 'return cfg.weight_for(out) *')), 'loss')), undefined);
  });

  it('a criterion object passed under its own name (train_loop(…, loss_fn)) stays the parameter: its weighted terms raise no LL101 in the loop', () => {
    const src = `import torch
import torch.nn as nn


class ContrastLoss(nn.Module):
    def __init__(self, eta=0.1):
        super().__init__()
        self.eta = eta

    def forward(self, pos, neg):
        reg_loss = self.eta * (pos ** 2 + neg ** 2).mean()
        cdiv_loss = pos.mean() - neg.mean()
        return reg_loss + cdiv_loss


def train_loop(batches, model, optimizer, loss_fn):
    for x, noise in batches:
        loss = loss_fn(model(x), model(noise))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


model = nn.Linear(4, 1)
loss_fn = ContrastLoss()
optimizer = torch.optim.Adam(model.parameters())
train_loop([], model, optimizer, loss_fn)
`;
    assert.deepEqual(check(src, 'python', 'ebm.py').findings.filter((f) => f.code === 'LL101'), []);
  });

  it("arrays passed under their own names (fit(net, xs, ys), sliced inside) are data, not settings: the file's model and its output activation stay read", () => {
    const src = `import torch
import torch.nn as nn


class NonNegative(nn.Module):
    def forward(self, target, output):
        return ((output - target) ** 2).mean() + torch.relu(-output).mean()


def fit(model, xs, ys, epochs=5):
    criterion = NonNegative()
    optimizer = torch.optim.Adam(model.parameters())
    for _ in range(epochs):
        for i in range(0, len(xs), 32):
            optimizer.zero_grad()
            loss = criterion(ys[i:i + 32], model(xs[i:i + 32]))
            loss.backward()
            optimizer.step()


if __name__ == "__main__":
    xs = torch.rand(640, 6)
    ys = xs[:, :2] * 3.0
    fit(nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 2)), xs, ys)
`;
    assert.equal(model(analyze(src), 'loss').outputActivation, 'linear');
  });

  it('two calls passing different objects bind neither', () => {
    const src = loop('model, loader, cfg', 'cfg.l1_weight', 'A = Config(l1_weight=1e-3)\nB = Config(l1_weight=1e-2)\ntrain(nn.Linear(4, 1), [], A)\ntrain(nn.Linear(4, 1), [], B)');
    assert.equal(penaltyLambda(model(analyze(src), 'loss')), undefined);
  });
});

describe('settings of a trainer class, bound by its constructor call (Python)', () => {
  before(() => ready);

  const trainer = (build: string) => `import torch
import torch.nn as nn


class Trainer:
    def __init__(self, model, l1_weight=1e-4):
        self.model = model
        self.l1_weight = l1_weight
        self.criterion = nn.MSELoss()
        self.opt = torch.optim.Adam(model.parameters())

    def train_epoch(self, loader):
        for x, y in loader:
            out = self.model(x)
            l1 = sum(p.abs().sum() for p in self.model.parameters())
            loss = self.criterion(out, y) + self.l1_weight * l1
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()

${build}
`;

  it('Trainer(net, l1_weight=5e-4) runs the loop with 5e-4, not the default', () => {
    assert.equal(penaltyLambda(model(analyze(trainer('trainer = Trainer(nn.Linear(4, 1), l1_weight=5e-4)')), 'loss')), 5e-4);
  });

  it('built without it, the default 1e-4', () => {
    assert.equal(penaltyLambda(model(analyze(trainer('trainer = Trainer(nn.Linear(4, 1))')), 'loss')), 1e-4);
  });
});

describe('a criterion the script builds and passes to its training function (Python)', () => {
  before(() => ready);

  const script = (main: string) => `import torch
import torch.nn as nn


def train_loop(loader, model, loss_fn, optimizer, l1_lambda):
    for xb, yb in loader:
        logits = model(xb)
        loss = loss_fn(logits, yb)
        loss = loss + l1_lambda * sum(p.abs().sum() for p in model.parameters())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


if __name__ == "__main__":
${main}
`;

  it('built in a repeat loop of the main block: the call is that criterion, named by it, and λ is the block\'s local', () => {
    const src = script(`    for run in range(1):
        net = nn.Linear(8, 3)
        criterion = nn.CrossEntropyLoss()
        L1 = 3e-5
        train_loop([], net, criterion, torch.optim.SGD(net.parameters(), lr=0.1), L1)`);
    const m = model(analyze(src), 'loss');
    const base = m.terms.find((t) => t.role === 'base');
    assert.equal(base?.label, 'criterion');
    assert.equal(base?.expr.kind === 'call' ? base.expr.callee : base?.expr.kind, 'nn.CrossEntropyLoss');
    assert.equal(penaltyLambda(m), 3e-5);
  });

  it('a criterion the script does not build in sight stays the parameter, named as written (not loss_fn.__call__)', () => {
    const src = script('    train_loop([], make_net(), pick_criterion(), None, 1e-4)');
    const base = model(analyze(src), 'loss').terms.find((t) => t.role === 'base');
    assert.equal(base?.label, 'loss_fn');
  });
});

describe('a training function called in a later notebook cell (Python)', () => {
  before(() => ready);

  const fnCell = `import torch
import torch.nn as nn

def fit(model, loader, l1_lambda=1e-3):
    opt = torch.optim.Adam(model.parameters())
    criterion = nn.MSELoss()
    for x, y in loader:
        loss = criterion(model(x), y) + l1_lambda * sum(p.abs().sum() for p in model.parameters())
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

  it('fit(net, loader, l1_lambda=2e-4) in the cell below binds λ, the usage kept in its own cell', () => {
    const below = { number: 3, source: 'net = nn.Linear(4, 1)\nfit(net, [], l1_lambda=2e-4)\n' };
    const m = model(analyzeSource(fnCell, 'python', 'nb.ipynb', { cellsAbove: [], cellsBelow: [below] }), 'loss');
    assert.equal(penaltyLambda(m), 2e-4);
    assert.deepEqual(
      m.usages.filter((u) => u.kind === 'factory-call').map((u) => u.cell),
      [3],
    );
  });
});
