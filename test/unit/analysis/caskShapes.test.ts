// Rules found while reading the cask batch, each in a snippet of our own: a loss that returns a dict of its terms
// with the total the loop differentiates (`losses["total"].backward()`), a dict filled entry by entry, a loss module
// whose forward returns nothing, a separation cost meant to be maximised, and a TF.js closure that only hands the
// optimised variable to a named arrow, a tuple led by the total, and a TF.js function handed in as a parameter.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss, qualifiedName } from '../../../src/analysis/index';
import { runRules } from '../../../src/analysis/rules/index';
import { some } from '../../../src/analysis/terms/expr';
import { analyze, ready, termSummary } from './helpers';

before(() => ready);

const dictMethod = `import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self, lam=0.1):
        super().__init__()
        self.lam = lam
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(x)

    def compute_loss(self, logits, labels):
        ce = F.cross_entropy(logits, labels)
        l2 = self.fc.weight.pow(2).sum()
        total = ce + self.lam * l2
        return {"total": total, "ce": ce, "l2": l2}

model = Net()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for x, y in loader:
    losses = model.compute_loss(model(x), y)
    opt.zero_grad()
    losses["total"].backward()
`;

const dictFilled = `import torch
import torch.nn as nn
import torch.nn.functional as F

class StagedLoss(nn.Module):
    def __init__(self, stage=3, w_fit=1.0, w_smooth=0.01):
        super().__init__()
        self.stage = stage
        self.w = dict(fit=w_fit, smooth=w_smooth)

    def forward(self, pred, target):
        losses = {}
        losses["fit"] = F.mse_loss(pred, target)
        if self.stage >= 2:
            losses["smooth"] = ((pred[:, 1:] - pred[:, :-1]) ** 2).mean()
        else:
            losses["smooth"] = torch.tensor(0.0, device=pred.device)
        losses["total"] = sum(self.w[k] * losses[k] for k in losses)
        return losses

model = nn.Linear(4, 4)
criterion = StagedLoss(stage=1)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(10):
    criterion.stage = 1 if epoch < 5 else 2
    for x, y in loader:
        losses = criterion(model(x), y)
        opt.zero_grad()
        losses["total"].backward()
`;

describe('a dict of losses, trained through its total', () => {
  it('a method returning {"total": …} is the loss the loop differentiates through losses["total"]', () => {
    const a = analyze(dictMethod);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.equal(qualifiedName(chosen.model), 'Net.compute_loss');
    assert.deepEqual(chosen.model.terms.map(termSummary), ['base:+:ce', 'penalty:+:l2*self.lam']);
    assert.deepEqual(runRules(a, dictMethod).map((f) => f.code), []);
  });

  it('without a total entry, the dict is no loss of the method', () => {
    const a = analyze(dictMethod.replace('return {"total": total, "ce": ce, "l2": l2}', 'return {"sum": total, "ce": ce}'));
    assert.ok(!a.models.some((m) => m.name === 'compute_loss'));
  });

  it('a dict filled entry by entry (branches merged per entry) and summed over its keys is the module`s loss', () => {
    const a = analyze(dictFilled);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.equal(qualifiedName(chosen.model), 'StagedLoss');
    assert.deepEqual(chosen.model.terms.map(termSummary), ['base:+:fit*w_fit', 'penalty:+:smooth*w_smooth']);
    assert.deepEqual(runRules(a, dictFilled).map((f) => f.code), []);
  });

  it('a chained assignment gives every name the value', () => {
    const src = `import torch
import torch.nn.functional as F

def fit_loss(y_pred, y_true, lam=0.1):
    if y_pred.dim() > 1:
        fit = F.mse_loss(y_pred, y_true)
        reg = y_pred.abs().mean()
    else:
        fit = reg = torch.tensor(0.0)
    return fit + lam * reg
`;
    const m = analyze(src).models[0]!;
    assert.ok(!some(m.body, (n) => n.kind === 'unsupported'));
    assert.deepEqual(m.terms.map((t) => t.label), ['fit', 'reg']);
  });
});

describe('a loss module whose forward returns nothing', () => {
  const src = `import torch
import torch.nn as nn

class RelationLoss(nn.Module):
    def __init__(self, delta):
        super().__init__()
        self.delta = delta

    def forward(self, out, label):
        loss = torch.sum(torch.softmax(out, dim=1).max(1)[0] * self.delta)
        return

model = nn.Linear(4, 3)
relation = RelationLoss(0.3)
opt = torch.optim.Adam(model.parameters())
for x, y in loader:
    loss = relation(model(x), y)
    opt.zero_grad()
    loss.backward()
`;

  it('is LL114, and the loop`s call of it is no loss to train', () => {
    const a = analyze(src);
    assert.deepEqual(a.noValue?.map((d) => d.name), ['RelationLoss.forward']);
    assert.deepEqual(runRules(a, src).map((f) => f.code), ['LL114']);
    assert.equal(chooseLoss(a).ok, false);
  });

  it('a forward that returns its value is not reported', () => {
    const a = analyze(src.replace('        return\n', '        return loss\n'));
    assert.deepEqual(a.noValue ?? [], []);
  });
});

describe('a separation cost subtracted', () => {
  it('is meant to be maximised: no LL104', () => {
    const src = `import torch.nn.functional as F

def proto_loss(logits, labels, clst_cost, sep_cost, lam_clst=0.8, lam_sep=0.08):
    return F.cross_entropy(logits, labels) + lam_clst * clst_cost - lam_sep * sep_cost
`;
    const codes = runRules(analyze(src), src).map((f) => f.code);
    assert.ok(!codes.includes('LL104'));
    const other = src.replace(/sep_cost/g, 'drift_cost');
    assert.ok(runRules(analyze(other), other).some((f) => f.code === 'LL104'));
  });
});

describe('TS/JS: a closure handing the optimised variable to a named arrow', () => {
  const src = `import * as tf from '@tensorflow/tfjs';

export class Fitter {
  fit(target: number[]) {
    const w = tf.variable(tf.zeros([3]));
    const goal = tf.tensor1d(target);
    const lossFn = (weights: tf.Tensor) => {
      const fit = tf.sum(tf.square(tf.sub(weights, goal)));
      const budget = tf.square(tf.sum(weights).sub(1));
      return fit.add(budget.mul(10));
    };
    const opt = tf.train.adam(0.05);
    for (let i = 0; i < 100; ++i) opt.minimize(() => lossFn(w) as tf.Scalar, false);
  }
}
`;

  it('is the loss: the arrow, its parameter the prediction optimised directly', () => {
    const a = analyze(src, 'typescript');
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.equal(chosen.model.name, 'lossFn');
    assert.equal(chosen.model.yPred, 'weights');
    assert.deepEqual(chosen.model.terms.map(termSummary), ['base:+:fit', 'penalty:+:budget*10']);
  });

  it('a closure over no variable is not taken for it', () => {
    const a = analyze(src.replace('const w = tf.variable(tf.zeros([3]));', 'const w = tf.zeros([3]);'), 'typescript');
    assert.ok(!a.models.some((m) => m.name === 'lossFn'));
  });
});

describe('a tuple returned with the total first', () => {
  const src = `import torch
import torch.nn as nn
import torch.nn.functional as F

class TwoHeadLoss(nn.Module):
    def __init__(self, lambda_rec=1.0):
        super().__init__()
        self.lambda_rec = lambda_rec

    def forward(self, preds, targets):
        task_loss = F.mse_loss(preds, targets)
        rec_loss = preds.abs().mean()
        total = task_loss + self.lambda_rec * rec_loss
        return total, task_loss
`;

  it('is the total, not the item named as a loss', () => {
    const m = analyze(src).models[0]!;
    assert.deepEqual(m.terms.map(termSummary), ['base:+:task_loss', 'penalty:+:rec_loss*self.lambda_rec']);
  });

  it('a model output first is still left for the item named as the loss', () => {
    const m = analyze(src.replace('return total, task_loss', 'return preds, task_loss')).models[0];
    assert.deepEqual(m?.terms.map(termSummary), ['base:+:task_loss']);
  });
});

describe('TS/JS: a function handed in as a parameter of the method the loss is written in', () => {
  const src = `import * as tf from '@tensorflow/tfjs';

export const objectives = {
  spread: ((w: tf.Tensor) => tf.sum(tf.square(w))) as (w: tf.Tensor) => tf.Scalar,
};

export class Solver {
  solve(objective: (w: tf.Tensor) => tf.Scalar) {
    const w = tf.variable(tf.ones([4]));
    const lossFn = (weights: tf.Tensor) => objective(weights).add(tf.square(tf.sum(weights).sub(1)).mul(100));
    const opt = tf.train.sgd(0.1);
    opt.minimize(() => lossFn(w) as tf.Scalar);
  }
}

new Solver().solve(objectives.spread);
`;

  it('is the function every call passes there: followed into, no unsupported op', () => {
    const a = analyze(src, 'typescript');
    const m = a.models.find((x) => x.name === 'lossFn');
    assert.ok(m);
    assert.ok(!some(m.body, (n) => n.kind === 'call' && n.callee === 'objective'));
    assert.deepEqual(runRules(a, src).map((f) => f.code), []);
  });

  it('two calls passing different functions leave it a parameter', () => {
    const two = `${src}\nnew Solver().solve((w: tf.Tensor) => tf.sum(w));\n`;
    const m = analyze(two, 'typescript').models.find((x) => x.name === 'lossFn');
    assert.ok(m && some(m.body, (n) => n.kind === 'call' && n.callee === 'objective'));
  });
});

describe('a loss object built from a registry of the file`s loss classes', () => {
  const src = `import torch
import torch.nn as nn

class PlainLoss(nn.Module):
    def forward(self, pred, target):
        return (pred - target).abs().mean()

class SmoothLoss(nn.Module):
    def __init__(self, lam=0.1):
        super().__init__()
        self.lam = lam

    def forward(self, pred, target):
        fit = (pred - target).abs().mean()
        smooth = ((pred[:, 1:] - pred[:, :-1]) ** 2).mean()
        return fit + self.lam * smooth

REGISTRY = {"plain": PlainLoss, "smooth": SmoothLoss}

if __name__ == "__main__":
    cfg = {"loss": "smooth", "lr": 1e-3}
    criterion = REGISTRY[cfg["loss"]]()
    model = nn.Linear(4, 4)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for x, y in loader:
        loss = criterion(model(x), y)
        opt.zero_grad()
        loss.backward()
`;

  it('is an object of the class its key picks (a settings entry): that class is the loss differentiated', () => {
    const chosen = chooseLoss(analyze(src));
    assert.ok(chosen.ok);
    assert.equal(qualifiedName(chosen.model), 'SmoothLoss');
    assert.equal(chosen.why, 'backward');
  });

  it('a key the file does not settle picks no class', () => {
    const chosen = chooseLoss(analyze(src.replace('criterion = REGISTRY[cfg["loss"]]()', 'criterion = REGISTRY[name]()')));
    assert.ok(!chosen.ok || chosen.why !== 'backward' || qualifiedName(chosen.model) !== 'SmoothLoss');
  });
});

describe('a held criterion given as `None or Default()`', () => {
  const src = `import torch
import torch.nn as nn

class L1Fit(nn.Module):
    def forward(self, pred, target):
        return (pred - target).abs().mean()

class SmoothReg(nn.Module):
    def __init__(self, base_loss=None, lam=0.1):
        super().__init__()
        self.base = base_loss or L1Fit()
        self.lam = lam

    def forward(self, pred, target):
        base_loss = self.base(pred, target)
        smooth = ((pred[:, 1:] - pred[:, :-1]) ** 2).mean()
        return base_loss + self.lam * smooth

criterion = SmoothReg(lam=0.05)
`;

  it('is the default object when no constructor call passes one: its forward is followed, nothing unsupported', () => {
    const a = analyze(src);
    const m = a.models.find((x) => x.name === 'SmoothReg');
    assert.ok(m);
    assert.ok(!some(m.body, (n) => n.kind === 'method' && n.method === 'base'));
    assert.ok(!runRules(a, src).some((f) => f.code === 'LL113'));
  });
});
