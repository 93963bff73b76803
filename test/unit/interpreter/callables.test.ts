// Callables defined in the loss's own code, whatever their form (issue 10 §1): a def nested in the loss, a lambda
// (assigned or inline), a module function passed as a value, functools.partial, an object of a class of the file
// called (`Pen(w)(x)`, `pen = Pen(w); pen(x)`, `self.fn = lambda …`), and the library calls that take callables
// (tf.cond, tf.case, tf.map_fn, torch.vmap, map). Each loss, analysed by the real front end, gives the value and
// gradient of the same loss written plainly, and nothing in it is refused.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, tf } from './tf';

function only(source: string, name: string): LossModel {
  const a = analyzeSource(source, 'python', 'loss.py');
  const m = a.models.find((x) => x.name === name);
  assert.ok(m, `no model ${name} in [${a.models.map((x) => x.name).join(', ')}]`);
  assert.deepEqual(findUnsupported(m), []);
  return m;
}

function valueAndGrad(m: LossModel, yPred: number[][]): { value: number; grad: number[] } {
  const f = compileLoss(tf, m, {});
  const yTrue = tf.tensor([[0, 1, 1], [1, 0, 0]]);
  const g = tf.valueAndGrad((x: tf.Tensor) => f(yTrue, x).total)(tf.tensor(yPred));
  const out = { value: g.value.dataSync()[0], grad: Array.from(g.grad.dataSync()) };
  tf.dispose([yTrue, g.value, g.grad]);
  return out;
}

const pred = [[0.2, -0.7, 1.4], [0.9, 0.3, -0.2]];

function same(written: string, plain: string, name = 'loss', yPred = pred): void {
  const a = valueAndGrad(only(written, name), yPred);
  const b = valueAndGrad(only(plain, 'loss'), yPred);
  close(a.value, b.value, 1e-5, 'value');
  for (const [i, g] of a.grad.entries()) close(g, b.grad[i] as number, 1e-5, `d/dpred[${i}]`);
}

const plainTorch = `import torch
import torch.nn.functional as F
def loss(pred, target):
    return F.mse_loss(pred, target) + 0.5 * torch.relu(pred - 1.0).pow(2).sum()
`;

describe('callables of the file in the trainer', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('a def nested in the loss, reading the loss locals it closes over', () => {
    same(`import torch
import torch.nn.functional as F
def loss(pred, target, lam=0.5):
    cap = 1.0
    def excess(x, power=2):
        return torch.relu(x - cap).pow(power).sum()
    return F.mse_loss(pred, target) + lam * excess(pred)
`, plainTorch);
  });

  it('a lambda assigned to a name, and one passed inline to a module helper that calls it', () => {
    same(`import torch
import torch.nn.functional as F
def loss(pred, target):
    excess = lambda x: torch.relu(x - 1.0).pow(2).sum()
    return F.mse_loss(pred, target) + 0.5 * excess(pred)
`, plainTorch);
    same(`import torch
import torch.nn.functional as F
def apply_to(fn, x):
    return fn(x)
def loss(pred, target):
    return F.mse_loss(pred, target) + 0.5 * apply_to(lambda v: torch.relu(v - 1.0).pow(2).sum(), pred)
`, plainTorch);
  });

  it('functools.partial of a module function and of a nested def binds its arguments first', () => {
    same(`import torch
import functools
import torch.nn.functional as F
def hinge(x, cap, power):
    return torch.relu(x - cap).pow(power).sum()
def loss(pred, target):
    pen = functools.partial(hinge, cap=1.0)
    return F.mse_loss(pred, target) + 0.5 * pen(pred, power=2)
`, plainTorch);
    same(`import torch
from functools import partial
import torch.nn.functional as F
def loss(pred, target):
    def hinge(cap, x):
        return torch.relu(x - cap).pow(2).sum()
    return F.mse_loss(pred, target) + 0.5 * partial(hinge, 1.0)(pred)
`, plainTorch);
  });

  it('an object of a class of the file called: built in the loss, in place, or a lambda held by self', () => {
    const pen = `import torch
import torch.nn as nn
import torch.nn.functional as F
class Excess(nn.Module):
    def __init__(self, cap=0.0, weight=1.0):
        super().__init__()
        self.cap = cap
        self.weight = weight
    def forward(self, x):
        return self.weight * torch.relu(x - self.cap).pow(2).sum()
`;
    same(`${pen}
def loss(pred, target):
    penalty = Excess(cap=1.0)
    return F.mse_loss(pred, target) + 0.5 * penalty(pred)
`, plainTorch);
    same(`${pen}
def loss(pred, target):
    return F.mse_loss(pred, target) + Excess(1.0, 0.5)(pred)
`, plainTorch);
    same(`import torch
import torch.nn as nn
import torch.nn.functional as F
class Capped(nn.Module):
    def __init__(self, lam=0.5):
        super().__init__()
        self.lam = lam
        self.excess = lambda x: torch.relu(x - 1.0).pow(2).sum()
    def forward(self, pred, target):
        return F.mse_loss(pred, target) + self.lam * self.excess(pred)
`, plainTorch, 'Capped');
  });

  it('an object of a loss class of the file built with positional arguments: its forward runs, nothing refused', () => {
    same(`import torch
import torch.nn as nn
import torch.nn.functional as F
class ScaledFit(nn.Module):
    def __init__(self, scale, offset=0.0):
        super().__init__()
        self.scale = scale
        self.offset = offset
    def forward(self, pred, target):
        return self.scale * F.mse_loss(pred + self.offset, target)
def loss(pred, target):
    criterion = ScaledFit(1.0, 0.0)
    return criterion(pred, target) + 0.5 * torch.relu(pred - 1.0).pow(2).sum()
`, plainTorch);
  });

  it('tf.cond runs the branch its predicate picks (lambdas, or functions passed by name); tf.case the first that holds', () => {
    const plain = `import tensorflow as tf
def loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.5 * tf.reduce_mean(tf.nn.relu(y_pred - 1.0))
`;
    same(`import tensorflow as tf
def loss(y_true, y_pred):
    n = tf.shape(y_pred)[-1]
    pen = tf.cond(tf.equal(n, 1), lambda: tf.reduce_mean(tf.nn.relu(-y_pred)), lambda: tf.reduce_mean(tf.nn.relu(y_pred - 1.0)))
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.5 * pen
`, plain);
    // a tensor predicate from the values: max(pred) = 1.4 > 1, so the excess branch
    same(`import tensorflow as tf
def excess(y):
    return tf.reduce_mean(tf.nn.relu(y - 1.0))
def loss(y_true, y_pred):
    def nothing():
        return tf.constant(0.0)
    pen = tf.cond(tf.reduce_max(y_pred) > 1.0, true_fn=lambda: excess(y_pred), false_fn=nothing)
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.5 * pen
`, plain);
    same(`import tensorflow as tf
def loss(y_true, y_pred):
    m = tf.reduce_max(y_pred)
    pen = tf.case([(m > 5.0, lambda: tf.reduce_mean(y_pred)), (m > 1.0, lambda: tf.reduce_mean(tf.nn.relu(y_pred - 1.0)))], default=lambda: tf.constant(0.0))
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.5 * pen
`, plain);
  });

  it('tf.map_fn / torch.vmap / map apply a callable to each row (a tuple of tensors zipped), stacked', () => {
    const plain = `import tensorflow as tf
def loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.5 * tf.reduce_mean(tf.reduce_sum(tf.square(y_pred), axis=1))
`;
    same(`import tensorflow as tf
def loss(y_true, y_pred):
    per_row = tf.map_fn(lambda r: tf.reduce_sum(tf.square(r)), y_pred)
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.5 * tf.reduce_mean(per_row)
`, plain);
    same(`import tensorflow as tf
def loss(y_true, y_pred):
    se = tf.map_fn(lambda pair: tf.reduce_mean(tf.square(pair[0] - pair[1])), (y_true, y_pred))
    return tf.reduce_mean(se) + 0.5 * tf.reduce_mean(tf.reduce_sum(tf.square(y_pred), axis=1))
`, plain);
    same(`import torch
import torch.nn.functional as F
def loss(pred, target):
    rows = torch.vmap(lambda r, t: ((r - t) ** 2).mean())(pred, target)
    return rows.mean() + 0.5 * sum(map(lambda r: torch.relu(r - 1.0).pow(2).sum(), pred))
`, plainTorch);
  });

  it('a recursive local function is refused by name, not followed forever', () => {
    const a = analyzeSource(`import torch
def loss(pred, target):
    def f(x):
        return f(x) + 1
    return ((pred - target) ** 2).mean() + f(pred).mean()
`, 'python', 'loss.py');
    const m = a.models.find((x) => x.name === 'loss');
    assert.ok(m);
    assert.match(JSON.stringify(findUnsupported(m)), /recursive call of f/);
  });
});

function firstModel(source: string): LossModel {
  const a = analyzeSource(source, 'javascript', 'loss.js');
  const m = a.models[0];
  assert.ok(m, 'no loss found');
  assert.deepEqual(findUnsupported(m), []);
  return m;
}

describe('TF.js functions of the loss in the trainer', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  const plain = `export function loss(yTrue, yPred) {
  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.relu(tf.sub(yPred, 1)).square().sum().mul(0.5));
}
`;

  it('function expressions, arrows and hoisted declarations written in the loss, reading its closure; tf handed in as a parameter', () => {
    const b = valueAndGrad(firstModel(plain), pred);
    for (const written of [
      `export function makeLoss(tf, lam = 0.5) {
  return function (yTrue, yPred) {
    return tf.tidy(function () {
      const cap = 1;
      const excess = function (x) { return tf.relu(tf.sub(x, cap)).square().sum(); };
      return tf.losses.meanSquaredError(yTrue, yPred).add(excess(yPred).mul(lam));
    });
  };
}
`,
      `function applyTo(tf, fn, x) {
  return fn(x);
}
export function loss(yTrue, yPred) {
  const pen = applyTo(tf, (x) => tf.relu(tf.sub(x, 1)).square().sum(), yPred);
  return tf.losses.meanSquaredError(yTrue, yPred).add(excess2(pen));
  function excess2(p) { return p.mul(0.5); }
}
`,
    ]) {
      const a = valueAndGrad(firstModel(written), pred);
      close(a.value, b.value, 1e-5, 'value');
      for (const [i, g] of a.grad.entries()) close(g, b.grad[i] as number, 1e-5, `d/dpred[${i}]`);
    }
  });

  it("JavaScript's Math rounding and Number()/String() of settings", () => {
    const a = valueAndGrad(firstModel(`export function loss(yTrue, yPred) {
  const half = Math.floor(Number('3') / 2);
  const mode = String('sum');
  const p = mode === 'sum' ? tf.relu(tf.sub(yPred, half)).square().sum() : tf.scalar(0);
  return tf.losses.meanSquaredError(yTrue, yPred).add(p.mul(0.5));
}
`), pred);
    const b = valueAndGrad(firstModel(plain), pred);
    close(a.value, b.value, 1e-5, 'value');
  });
});

describe('more callables: static and class methods called on the class, functools.reduce, list(map(…))', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('@staticmethod / @classmethod called on the class or on self; reduce folds with or without a start; list() of a map', () => {
    same(`import torch
import torch.nn as nn
import torch.nn.functional as F
class Capped(nn.Module):
    cap = 1.0
    @staticmethod
    def excess(x, cap):
        return torch.relu(x - cap).pow(2).sum()
    @classmethod
    def half(cls, v):
        return 0.5 * v
    def forward(self, pred, target):
        return F.mse_loss(pred, target) + Capped.half(self.excess(pred, 1.0))
`, plainTorch, 'Capped');
    same(`import torch
import functools
from functools import reduce
import torch.nn.functional as F
def loss(pred, target):
    parts = [torch.relu(pred - 1.0).pow(2).sum(), torch.zeros(())]
    pen = reduce(lambda a, b: a + b, parts)
    rows = torch.stack(list(map(lambda r: torch.relu(r - 1.0).pow(2).sum(), pred)))
    return F.mse_loss(pred, target) + 0.25 * pen + 0.25 * functools.reduce(lambda a, b: a + b, rows, 0.0)
`, plainTorch);
  });
});

describe('a loss module holding a tensor as nn.Parameter', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('self.cap = nn.Parameter(torch.tensor(cap), requires_grad=False) is the tensor it wraps', () => {
    same(`import torch
import torch.nn as nn
import torch.nn.functional as F
class Capped(nn.Module):
    def __init__(self, cap=1.0, lam=0.5):
        super().__init__()
        self.cap = nn.Parameter(torch.tensor(cap), requires_grad=False)
        self.lam = lam
    def forward(self, pred, target):
        return F.mse_loss(pred, target) + self.lam * torch.relu(pred - self.cap).pow(2).sum()
`, plainTorch, 'Capped');
  });
});
