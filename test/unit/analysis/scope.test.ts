// Scope resolution (issue 9 §2, CONVENTIONS §1/§4): what the IR holds for values a loss uses but does not define.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, DocumentAnalyzer } from '../../../src/analysis/index';
import type { Expr, LossModel, LossParam } from '../../../src/analysis/ir';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { some } from '../../../src/analysis/terms/expr';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { makeLookup } from '../../../src/trainer/interpreter/scope';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready, termSummary } from './helpers';

const param = (m: LossModel, name: string): LossParam => {
  const p = m.params.find((x) => x.name === name);
  if (!p) throw new Error(`no param ${name} in [${m.params.map((x) => x.name).join(', ')}]`);
  return p;
};
const has = (e: Expr, pred: (n: Expr) => boolean): boolean => some(e, pred);
const lineOf = (source: string, needle: string): number => source.split('\n').findIndex((l) => l.includes(needle));

describe('scope: values a loss reads from outside its parameters', () => {
  before(() => ready);

  it('module constants become parameters with their literal, where it is written, and origin', () => {
    const src = `import tensorflow as tf
TV_WEIGHT = 0.1
EPS: float = 1e-7
UNUSED = 3

def loss(y_true, y_pred):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    tv = tf.reduce_mean(tf.abs(y_pred[:, 1:] - y_pred[:, :-1]))
    return mse + TV_WEIGHT * tv + tf.reduce_mean(tf.math.log(y_pred + EPS))
`;
    const m = model(analyze(src), 'loss');
    const tv = param(m, 'TV_WEIGHT');
    assert.deepEqual([tv.role, tv.default, tv.origin], ['hyper', 0.1, 'module-constant']);
    assert.deepEqual(tv.defaultRange, { startLine: 1, startCol: 12, endLine: 1, endCol: 15 });
    assert.equal(param(m, 'EPS').default, 1e-7);
    assert.ok(!m.params.some((p) => p.name === 'UNUSED'), 'a constant the loss does not read is not its parameter');
    assert.equal(m.terms.find((t) => t.label === 'tv')?.weightParam, 'TV_WEIGHT');
    assert.deepEqual(findUnsupported(m), []);
  });

  it('TS/JS: `const LAMBDA = 0.1` at module level is a parameter of the loss', () => {
    const src = `import * as tf from '@tensorflow/tfjs';
const LAMBDA = 0.1;
export function loss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.relu(yPred.neg()).mean().mul(LAMBDA));
}
`;
    const m = model(analyze(src, 'typescript'), 'loss');
    const p = param(m, 'LAMBDA');
    assert.deepEqual([p.default, p.origin, p.defaultRange?.startLine, p.defaultRange?.startCol], [0.1, 'module-constant', 1, 15]);
    assert.deepEqual(findUnsupported(m), []);
  });

  it('nn.Module: class attributes, constructor defaults and a constructor expression with .to(device)', () => {
    const src = `import torch
import torch.nn as nn
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

class CappedMSE(nn.Module):
    margin = 0.05

    def __init__(self, cap=1.0, lam=0.3):
        super().__init__()
        self.cap = torch.tensor(cap).to(device)
        self.lam = lam
        self.mse = nn.MSELoss()

    def forward(self, pred, target):
        over = torch.relu(pred - self.cap - self.margin)
        return self.mse(pred, target) + self.lam * over.pow(2).mean()
`;
    const m = model(analyze(src), 'CappedMSE');
    assert.deepEqual([param(m, 'self.margin').origin, param(m, 'self.margin').default], ['class-attribute', 0.05]);
    assert.deepEqual([param(m, 'self.lam').origin, param(m, 'self.lam').default], ['constructor', 0.3]);
    // torch.tensor(cap) holds the number cap: self.cap stays a parameter with cap's default (λ write-back edits it)
    const cap = param(m, 'self.cap');
    assert.deepEqual([cap.origin, cap.default, cap.defaultRange?.startLine], ['constructor', 1, lineOf(src, 'def __init__')]);
    assert.ok(!has(m.body, (n) => n.kind === 'method' && n.method === 'to'), '.to(device) changes nothing and is dropped');
    const shifted = model(analyze(src.replace('torch.tensor(cap).to(device)', 'torch.tensor([cap, 2 * cap]).to(device)')), 'CappedMSE');
    assert.ok(has(shifted.body, (n) => n.kind === 'call' && n.callee === 'torch.tensor'), 'another constructor expression is read in place of self.cap');
    assert.equal(param(shifted, 'cap').origin, 'constructor');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse', 'penalty:+:over*self.lam']);
    assert.deepEqual(findUnsupported(m), []);
  });

  it('factory closures: `scale, lam = cfg` with a tuple default, and `w = 0.5` before the inner def', () => {
    const src = `import tensorflow as tf

def make_loss(cfg=(2.0, 0.01)):
    scale, lam = cfg
    w = 0.5
    def loss(y_true, y_pred):
        return scale * tf.reduce_mean(tf.square(y_true - y_pred)) + lam * tf.reduce_mean(tf.nn.relu(-y_pred)) + w * tf.reduce_mean(y_pred)
    return loss
`;
    const m = model(analyze(src), 'make_loss');
    assert.deepEqual(['scale', 'lam', 'w'].map((n) => [param(m, n).origin, param(m, n).default]), [['closure', 2], ['closure', 0.01], ['closure', 0.5]]);
    assert.equal(param(m, 'lam').defaultRange?.startLine, 2);
    assert.ok(m.terms.some((t) => t.weightParam === 'lam'));
    assert.deepEqual(findUnsupported(m), []);
  });

  it('a loop over tf.unstack(y_pred) accumulating into total is one loop node; its variable depends on the prediction', () => {
    const src = `import tensorflow as tf

def loss(y_true, y_pred, lam=0.1):
    base = tf.reduce_mean(tf.square(y_true - y_pred))
    total = 0.0
    for p in tf.unstack(y_pred, axis=1):
        total += tf.reduce_mean(tf.nn.relu(-p))
    return base + lam * total
`;
    const m = model(analyze(src), 'loss');
    const pen = m.terms.find((t) => t.role === 'penalty');
    assert.ok(pen && pen.expr.kind === 'loop', JSON.stringify(pen?.expr.kind));
    if (pen.expr.kind !== 'loop') return;
    assert.deepEqual([pen.expr.variables, pen.expr.accumulator, pen.label], [['p'], 'total', 'total']);
    assert.ok(has(pen.expr.iterable, (n) => n.kind === 'name' && n.ref === 'yPred'));
    assert.ok(has(pen.expr.body, (n) => n.kind === 'name' && n.ref === 'loop' && n.name === 'p'));
    assert.deepEqual(findUnsupported(m), []);
  });

  it('an accumulator that starts from the base loss keeps the base and the λ outside the loop', () => {
    const src = `import torch
import torch.nn.functional as F

def loss(pred, target, lam=0.5):
    loss = F.mse_loss(pred, target)
    for i in range(pred.shape[1]):
        loss = loss + lam * torch.relu(pred[:, i] - 1).mean()
    return loss
`;
    const m = model(analyze(src), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:loss', 'penalty:+:loss*lam']);
    const pen = m.terms[1].expr;
    assert.equal(pen.kind, 'loop');
  });

  it('list append then torch.stack, comprehensions, zip and enumerate are loop nodes', () => {
    const src = `import torch

def loss(pred, target):
    errs = []
    for p, t in zip(pred, target):
        errs.append(((p - t) ** 2).sum())
    smooth = sum((pred[:, k + 1] - pred[:, k]).abs().mean() for k in range(3))
    return torch.stack(errs).mean() + 0.1 * smooth
`;
    const m = model(analyze(src), 'loss');
    const loops: Expr[] = [];
    some(m.body, (n) => {
      if (n.kind === 'loop') loops.push(n);
      return false;
    });
    assert.deepEqual(loops.map((l) => (l.kind === 'loop' ? l.variables.join(',') : '')), ['p,t', 'k']);
    assert.deepEqual(findUnsupported(m), []);
  });

  it('`bs, c, h, w = img.size()` and `n, k = y_pred.shape` unpack to indexed reads', () => {
    const src = `import torch

def loss(pred, target):
    bs, c, h, w = pred.size()
    tv = (pred[:, :, 1:, :] - pred[:, :, :-1, :]).abs().sum() / (bs * c * h * w)
    return ((pred - target) ** 2).mean() + 0.1 * tv
`;
    const m = model(analyze(src), 'loss');
    assert.ok(has(m.body, (n) => n.kind === 'subscript' && n.object.kind === 'method' && n.object.method === 'size'));
    assert.ok(!has(m.body, (n) => n.kind === 'unsupported'));
  });

  it('same-file helpers are followed into their bodies with their arguments; recursion is refused by name', () => {
    const src = `import torch
import torch.nn.functional as F

def tv(img, power=2):
    return (img[:, 1:] - img[:, :-1]).abs().pow(power).mean()

def loss(pred, target, lam=0.1):
    return F.mse_loss(pred, target) + lam * tv(pred)

def forever(x):
    return forever(x) + 1

def loss2(pred, target):
    return F.mse_loss(pred, target) + forever(pred)
`;
    const a = analyze(src);
    const m = model(a, 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse_loss', 'penalty:+:tv*lam']);
    assert.ok(has(m.terms[1].expr, (n) => n.kind === 'method' && n.method === 'pow' && n.args[0]?.kind === 'number' && n.args[0].value === 2), 'the default power=2 is bound');
    const bad = findUnsupported(model(a, 'loss2'));
    assert.equal(bad.length, 1);
    assert.match(bad[0].message, /recursive call of forever/);
  });

  it('a function picked from a module dict of the file\'s functions is followed: by a literal key, or any key when all hold one function', () => {
    const src = `import torch
import torch.nn.functional as F

def parity(p, y):
    return (p.mean() - 0.5) ** 2

def spread(p, y):
    return p.var()

TERMS = {"parity": parity, "spread": spread}
ONLY = {"demographic_parity": parity}

def by_literal(pred, target, lam=0.1):
    return F.mse_loss(pred, target) + lam * TERMS["spread"](pred, target)

def by_argument(pred, target, kind, lam=0.1):
    fair_fn = ONLY[kind]
    fair = fair_fn(pred, target)
    return F.mse_loss(pred, target) + lam * fair

def ambiguous(pred, target, kind, lam=0.1):
    return F.mse_loss(pred, target) + lam * TERMS[kind](pred, target)
`;
    const a = analyze(src);
    assert.deepEqual(model(a, 'by_literal').terms.map(termSummary), ['base:+:mse_loss', 'penalty:+:spread*lam']);
    assert.deepEqual(findUnsupported(model(a, 'by_literal')), []);
    assert.deepEqual(model(a, 'by_argument').terms.map(termSummary), ['base:+:mse_loss', 'penalty:+:fair*lam']);
    assert.deepEqual(findUnsupported(model(a, 'by_argument')), []);
    assert.equal(findUnsupported(model(a, 'ambiguous')).length, 1, 'two functions under a key known only at run time: not guessed');
  });

  it('a loop that backprops the first value of a file\'s loss function returning (loss, logs) is that loss\'s use, not a loss of its own', () => {
    const src = `import torch
import torch.nn.functional as F

def objective(logits, labels_matrix, weight):
    ce = F.cross_entropy(logits, labels_matrix[:, 0])
    total = ce + weight * logits.softmax(1).var()
    return total, {"ce": ce.item()}

for x, y in loader:
    loss, parts = objective(model(x), y, 0.8)
    loss.backward()
`;
    const a = analyze(src);
    assert.deepEqual(a.models.map((m) => m.name), ['objective']);
  });

  it('a helper reading the global model\'s hidden activations (vae.mean, vae.logvar) gives them as tensors of the loss', () => {
    const src = `import tensorflow as tf

def latent_kl(y_true, y_pred):
    return -0.5 * tf.reduce_mean(1 + vae.logvar - tf.square(vae.mean) - tf.exp(vae.logvar))

def vae_loss(y_true, y_pred):
    kl = latent_kl(y_true, y_pred)
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.01 * kl

vae = build_vae()
vae.compile(optimizer="adam", loss=vae_loss)
`;
    const m = model(analyze(src), 'vae_loss');
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor').map((p) => p.name).sort(), ['vae.logvar', 'vae.mean']);
  });

  it('backslash continuations and static branches on module constants', () => {
    const src = `import torch
REDUCTION = 'sum'

def loss(pred, target, lam=0.1):
    if REDUCTION == 'mean':
        pen = torch.relu(-pred).mean()
    else:
        pen = torch.relu(-pred).sum()
    return ((pred - target) ** 2).mean() + \\
        lam * pen
`;
    const m = model(analyze(src), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:(pred - target) ** 2', 'penalty:+:pen*lam']);
    const pen = m.terms[1].expr;
    assert.ok(pen.kind === 'method' && pen.method === 'sum', 'only the branch taken (REDUCTION is sum) is read');
  });

  it('.detach(), .item() and tf.stop_gradient stay in the IR (the trainer cuts the gradient there)', () => {
    const src = `import torch

def loss(pred, target):
    ref = pred.detach()
    k = pred.mean().item()
    return ((pred - target) ** 2).mean() + 0.1 * ((pred - ref) ** 2).mean() + k
`;
    const m = model(analyze(src), 'loss');
    assert.ok(has(m.body, (n) => n.kind === 'method' && n.method === 'detach'));
    assert.ok(has(m.body, (n) => n.kind === 'method' && n.method === 'item'));
  });
});

describe('scope: a notebook is one module', () => {
  before(() => ready);

  it('a constant from a cell above is a parameter of the loss, with its cell and where it is written there', () => {
    const cells = [
      { number: 1, source: 'import torch\nimport torch.nn.functional as F\n' },
      { number: 2, source: '# hyper-parameters\nLAMBDA = 0.3\nEPS = 1e-6\n' },
      { number: 4, source: 'LAMBDA = 0.5\n' },
    ];
    const loss = 'def loss(pred, target):\n    return F.mse_loss(pred, target) + LAMBDA * torch.relu(-pred).mean() + torch.log(pred.abs() + EPS).mean()\n';
    const m = model(analyzeSource(loss, 'python', 'nb.ipynb', { cellsAbove: cells }), 'loss');
    const lam = param(m, 'LAMBDA');
    assert.deepEqual([lam.origin, lam.cell, lam.default, lam.defaultRange?.startLine, lam.defaultRange?.startCol], ['notebook-cell', 4, 0.5, 0, 9]);
    assert.deepEqual([param(m, 'EPS').cell, param(m, 'EPS').default], [2, 1e-6]);
    assert.deepEqual(findUnsupported(m), []);
    const alone = model(analyzeSource(loss, 'python', 'nb.ipynb'), 'loss');
    assert.ok(!alone.params.some((p) => p.name === 'LAMBDA'), 'without the notebook, LAMBDA is unknown');
  });

  it('the editor’s incremental analyzer reads a cell with the cells above it, and follows them when they change', () => {
    const loss = 'def loss(pred, target):\n    return F.mse_loss(pred, target) + LAMBDA * torch.relu(-pred).mean()\n';
    const analyzer = new DocumentAnalyzer('python', { fileName: 'nb.ipynb' });
    const first = model(analyzer.update(loss, undefined, { cellsAbove: [{ number: 1, source: 'import torch\nLAMBDA = 0.3\n' }] }), 'loss');
    assert.deepEqual([param(first, 'LAMBDA').default, param(first, 'LAMBDA').cell, param(first, 'LAMBDA').defaultRange?.startLine], [0.3, 1, 1]);
    // the cell above gains a line and a new value: the same loss text, read again, has both
    const above = [{ number: 1, source: 'import torch\n# weight of the penalty\nLAMBDA = 0.7\n' }];
    const second = model(analyzer.update(loss, [], { cellsAbove: above }), 'loss');
    assert.deepEqual([param(second, 'LAMBDA').default, param(second, 'LAMBDA').defaultRange?.startLine], [0.7, 2]);
    // moved to another cell with the same value: the cached model points at the new place
    const moved = [{ number: 1, source: 'import torch\n' }, { number: 3, source: 'LAMBDA = 0.7\n' }];
    const third = model(analyzer.update(loss, [], { cellsAbove: moved }), 'loss');
    assert.deepEqual([param(third, 'LAMBDA').cell, param(third, 'LAMBDA').defaultRange?.startLine], [3, 0]);
    const alone = model(analyzer.update(loss, []), 'loss');
    assert.ok(!alone.params.some((p) => p.name === 'LAMBDA'), 'without the cells above, LAMBDA is unknown');
    analyzer.dispose();
  });
});

describe('scope: a loss class built with arguments', () => {
  before(() => ready);

  const KERAS = `import tensorflow as tf

class NonNeg(tf.keras.losses.Loss):
    def __init__(self, neg_weight=1.0, **kwargs):
        super().__init__(**kwargs)
        self.neg_weight = tf.convert_to_tensor(neg_weight, dtype=tf.float32)

    def call(self, y_true, y_pred):
        mse = tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)
        return mse + self.neg_weight * tf.reduce_mean(tf.nn.relu(-y_pred), axis=-1)

model.compile(optimizer="adam", loss=NonNeg(neg_weight=4.0))
`;

  it('a constructor call passing arithmetic of numbers (`NonNeg(neg_weight=1 / 2048)`) binds the number Python computes', () => {
    const m = model(analyze(KERAS.replace('NonNeg(neg_weight=4.0)', 'NonNeg(neg_weight=1 / 2048)')), 'NonNeg');
    assert.equal(codeLambda(m), 1 / 2048);
    assert.equal(makeLookup(m, {})('self.neg_weight'), 1 / 2048);
  });

  it('self.x copies an __init__ argument (through tf.convert_to_tensor): the constructor call binds it; the code λ, the trainer and "Use λ" read it there', () => {
    const m = model(analyze(KERAS), 'NonNeg');
    assert.equal(param(m, 'self.neg_weight').initArgument, 'neg_weight');
    assert.equal(m.lambdaParam, 'self.neg_weight');
    assert.equal(codeLambda(m), 4);
    const lookup = makeLookup(m, {});
    assert.equal(lookup('self.neg_weight'), 4);
    const out = writeLambda(m, KERAS, 0.5);
    assert.ok(out.ok);
    assert.match(out.text, /loss=NonNeg\(neg_weight=0\.5\)/);
    assert.match(out.text, /def __init__\(self, neg_weight=1\.0/);
  });

  it('a Regularizer subclass built with its factor (DecorrelateKernel(5e-4)): the factor is its λ, bound there; a regularizer function weighted by a constant has that constant as λ', () => {
    const src = `import tensorflow as tf
from tensorflow import keras

RATE_BETA = 3.0


class Decorrelate(keras.regularizers.Regularizer):
    def __init__(self, factor=1e-3):
        self.factor = factor

    def __call__(self, kernel):
        gram = tf.matmul(kernel, kernel, transpose_a=True)
        return self.factor * tf.reduce_sum(tf.square(gram - tf.eye(4)))


def rate_penalty(acts):
    return RATE_BETA * tf.reduce_sum(tf.square(tf.reduce_mean(acts, axis=0) - 0.1))


net = keras.Sequential([keras.layers.Dense(4, kernel_regularizer=Decorrelate(5e-4), activity_regularizer=rate_penalty)])
`;
    const a = analyze(src);
    const reg = model(a, 'Decorrelate');
    assert.equal(reg.lambdaParam, 'self.factor');
    assert.equal(codeLambda(reg), 5e-4);
    assert.equal(model(a, 'rate_penalty').lambdaParam, 'RATE_BETA');
  });

  it("Lightning: self.save_hyperparameters() makes self.hparams.x the __init__ argument x (only the ones the loss reads)", () => {
    const src = `import pytorch_lightning as pl
import torch.nn.functional as F

class Smooth(pl.LightningModule):
    def __init__(self, lr=1e-3, lam_smooth=0.1):
        super().__init__()
        self.save_hyperparameters()

    def training_step(self, batch, batch_idx):
        x, y = batch
        y_hat = self(x)
        fit = F.mse_loss(y_hat, y)
        roughness = (y_hat[:, 1:] - y_hat[:, :-1]).pow(2).mean()
        return fit + self.hparams.lam_smooth * roughness
`;
    const m = model(analyze(src), 'training_step');
    const lam = param(m, 'self.hparams.lam_smooth');
    assert.deepEqual([lam.role, lam.default, lam.initArgument, lam.origin, lam.defaultRange?.startLine], ['hyper', 0.1, 'lam_smooth', 'constructor', lineOf(src, 'lam_smooth=0.1')]);
    assert.ok(!m.params.some((p) => p.name === 'self.hparams.lr'), 'lr is not read by the loss');
    assert.equal(codeLambda(m), 0.1);
  });
});
