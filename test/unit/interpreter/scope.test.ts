// Scope constructs interpreted by the trainer (issue 10 §1): each loss, analysed by the real front end, gives the
// value and gradient of the same loss written plainly (everything inlined by hand), and of a hand computation.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel, SourceLanguage } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, tf } from './tf';

function only(source: string, name: string, language: SourceLanguage = 'python'): LossModel {
  const a = analyzeSource(source, language, language === 'python' ? 'loss.py' : 'loss.ts');
  const m = a.models.find((x) => x.name === name);
  assert.ok(m, `no model ${name} in [${a.models.map((x) => x.name).join(', ')}] ${JSON.stringify(a.syntaxErrors)}`);
  assert.deepEqual(findUnsupported(m), []);
  return m;
}

interface Result {
  value: number;
  grad: number[];
  terms: number[];
}

function evaluate(m: LossModel, yTrue: tf.Tensor, yPred: number[] | number[][] | number[][][][], bindings: Record<string, number> = {}): Result {
  const f = compileLoss(tf, m, bindings);
  const p = tf.tensor(yPred as number[]);
  let terms: number[] = [];
  const g = tf.valueAndGrad((x: tf.Tensor) => {
    const v = f(yTrue, x);
    terms = Object.values(v.terms).map((t) => t.raw.dataSync()[0]);
    return v.total;
  })(p);
  const out = { value: g.value.dataSync()[0], grad: Array.from(g.grad.dataSync()), terms };
  tf.dispose([p, g.value, g.grad]);
  return out;
}

function same(a: Result, b: Result, what: string): void {
  close(a.value, b.value, 1e-5, `${what}: value`);
  assert.equal(a.grad.length, b.grad.length);
  for (const [i, g] of a.grad.entries()) close(g, b.grad[i], 1e-5, `${what}: d/dpred[${i}]`);
}

const pred2 = [[0.2, -0.7, 1.4], [0.9, 0.3, -0.2]];
const true2 = () => tf.tensor([[0, 1, 1], [1, 0, 0]]);

describe('scope constructs in the trainer (front end → interpreter)', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('module constants (Keras) and `const LAMBDA` (TF.js) take their module values; a binding overrides them', () => {
    const scoped = only(`import tensorflow as tf
LAM = 0.25
EPS = 1e-3
def loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + LAM * tf.reduce_mean(tf.math.log(tf.abs(y_pred) + EPS))
`, 'loss');
    const plain = only(`import tensorflow as tf
def loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.25 * tf.reduce_mean(tf.math.log(tf.abs(y_pred) + 1e-3))
`, 'loss');
    same(evaluate(scoped, true2(), pred2), evaluate(plain, true2(), pred2), 'module constants');
    const mse = pred2.flat().reduce((s, p, i) => s + (p - [0, 1, 1, 1, 0, 0][i]) ** 2, 0) / 6;
    const logs = pred2.flat().reduce((s, p) => s + Math.log(Math.abs(p) + 1e-3), 0) / 6;
    close(evaluate(scoped, true2(), pred2, { LAM: 2 }).value, mse + 2 * logs, 1e-5, 'LAM bound to 2');

    const ts = only(`import * as tf from '@tensorflow/tfjs';
const LAMBDA = 0.5;
export function loss(yTrue: tf.Tensor, yPred: tf.Tensor) {
  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.relu(yPred.neg()).mean().mul(LAMBDA));
}
`, 'loss', 'typescript');
    const neg = pred2.flat().reduce((s, p) => s + Math.max(-p, 0), 0) / 6;
    close(evaluate(ts, true2(), pred2).value, mse + 0.5 * neg, 1e-5, 'TF.js const LAMBDA');
  });

  it('nn.Module: class attribute, constructor default and `torch.tensor(cap).to(device)`; a static branch on self.reduction', () => {
    const scoped = only(`import torch
import torch.nn as nn
import torch.nn.functional as F
device = torch.device("cpu")

class CappedMSE(nn.Module):
    margin = 0.1

    def __init__(self, cap=1.0, lam=0.3, reduction='sum'):
        super().__init__()
        self.cap = torch.tensor(cap).to(device)
        self.lam = lam
        self.reduction = reduction

    def excess(self, x):
        return torch.relu(x - self.cap - self.margin).pow(2)

    def forward(self, pred, target):
        pen = self.excess(pred)
        if self.reduction == 'mean':
            pen = pen.mean()
        else:
            pen = pen.sum()
        return F.mse_loss(pred.cuda(), target) + self.lam * pen
`, 'CappedMSE');
    const plain = only(`import torch
import torch.nn.functional as F
def loss(pred, target):
    return F.mse_loss(pred, target) + 0.3 * torch.relu(pred - 1.0 - 0.1).pow(2).sum()
`, 'loss');
    same(evaluate(scoped, true2(), pred2), evaluate(plain, true2(), pred2), 'module');
    close(evaluate(scoped, true2(), pred2).terms[1], (1.4 - 1.1) ** 2, 1e-5, 'penalty by hand: only 1.4 exceeds cap + margin');
  });

  it('factory closure `scale, lam = cfg` (tuple default) and a loop over torch.unbind(pred, dim=1) with total +=', () => {
    const scoped = only(`import torch
import torch.nn.functional as F
def make_loss(cfg=(2.0, 0.5)):
    scale, lam = cfg
    def loss(pred, target):
        total = 0
        for col in torch.unbind(pred, dim=1):
            total += torch.relu(-col).mean()
        return scale * F.mse_loss(pred, target) + lam * total
    return loss
`, 'make_loss');
    const plain = only(`import torch
import torch.nn.functional as F
def loss(pred, target):
    t = torch.relu(-pred[:, 0]).mean() + torch.relu(-pred[:, 1]).mean() + torch.relu(-pred[:, 2]).mean()
    return 2.0 * F.mse_loss(pred, target) + 0.5 * t
`, 'loss');
    same(evaluate(scoped, true2(), pred2), evaluate(plain, true2(), pred2), 'closure + unbind loop');
    close(evaluate(scoped, true2(), pred2).terms[1], 0.7 / 2 + 0.2 / 2, 1e-6, 'Σ_columns mean relu(-col) by hand');
  });

  it('Keras: for p in tf.unstack(y_pred, axis=1) with total = total + …, and for i in range(k) with a list then tf.stack', () => {
    const scoped = only(`import tensorflow as tf
K_OUT = 3
def loss(y_true, y_pred, lam=0.1):
    total = 0.0
    for p in tf.unstack(y_pred, axis=1):
        total = total + tf.reduce_mean(tf.square(tf.nn.relu(p - 1.0)))
    gaps = []
    for i in range(K_OUT - 1):
        gaps.append(tf.reduce_mean(tf.nn.relu(y_pred[:, i] - y_pred[:, i + 1])))
    return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * total + 0.2 * tf.reduce_sum(tf.stack(gaps))
`, 'loss');
    const plain = only(`import tensorflow as tf
def loss(y_true, y_pred):
    total = tf.reduce_mean(tf.square(tf.nn.relu(y_pred - 1.0))) * 3
    order = tf.reduce_mean(tf.nn.relu(y_pred[:, 0] - y_pred[:, 1])) + tf.reduce_mean(tf.nn.relu(y_pred[:, 1] - y_pred[:, 2]))
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.1 * total + 0.2 * order
`, 'loss');
    same(evaluate(scoped, true2(), pred2), evaluate(plain, true2(), pred2), 'unstack + range loops');
  });

  it('bs, c, h, w = img.size() and a same-file helper with a default argument (total variation on images)', () => {
    const img = [[[[0.1, 0.5, 0.2], [0.9, -0.3, 0.4]]], [[[0.0, 0.2, 0.8], [0.3, 0.3, -0.6]]]]; // [2, 1, 2, 3]
    const scoped = only(`import torch
import torch.nn.functional as F
TV_WEIGHT = 0.05

def total_variation(x, power=2):
    bs, c, h, w = x.size()
    dh = (x[:, :, 1:, :] - x[:, :, :-1, :]).abs().pow(power).sum()
    dw = (x[:, :, :, 1:] - x[:, :, :, :-1]).abs().pow(power).sum()
    return (dh + dw) / (bs * c * h * w)

def loss(pred, target):
    return F.mse_loss(pred, target) + TV_WEIGHT * total_variation(pred)
`, 'loss');
    const plain = only(`import torch
import torch.nn.functional as F
def loss(pred, target):
    dh = (pred[:, :, 1:, :] - pred[:, :, :-1, :]).abs().pow(2).sum()
    dw = (pred[:, :, :, 1:] - pred[:, :, :, :-1]).abs().pow(2).sum()
    return F.mse_loss(pred, target) + 0.05 * (dh + dw) / 12
`, 'loss');
    const target = () => tf.zeros([2, 1, 2, 3]);
    same(evaluate(scoped, target(), img), evaluate(plain, target(), img), 'tv helper');
    const x = img.map((s) => s[0]);
    let tv = 0;
    for (const m of x) {
      for (let j = 0; j < 3; j++) tv += (m[1][j] - m[0][j]) ** 2;
      for (const row of m) for (let j = 0; j < 2; j++) tv += (row[j + 1] - row[j]) ** 2;
    }
    close(evaluate(scoped, target(), img).terms[1], tv / 12, 1e-5, 'TV by hand');
  });

  it('.detach() and .item() cut the gradient as torch does; .cpu()/.cuda() change nothing', () => {
    const m = only(`import torch
def loss(pred, target):
    ref = pred.detach().cpu()
    k = pred.mean().item()
    return ((pred - target) ** 2).mean() + ((pred - ref) ** 2).mean() + k * pred.cuda().sum()
`, 'loss');
    const r = evaluate(m, true2(), pred2);
    // d/dp: 2(p - t)/6 from the MSE, 0 from (p - ref)² since ref is cut (value 0 at ref = p), k from k·Σp with k cut
    const k = pred2.flat().reduce((s, p) => s + p, 0) / 6;
    const want = pred2.flat().map((p, i) => (2 * (p - [0, 1, 1, 1, 0, 0][i])) / 6 + k);
    for (const [i, g] of r.grad.entries()) close(g, want[i], 1e-5, `d/dpred[${i}]`);
  });
  it('a pass a loop skips adds nothing to its list: `if k > 0: outs.append(…)`, `if k == 0: continue`, `[… for k in … if k > 0]`', () => {
    // Each reads only the neighbours (1, 0) and (2, 1); without the condition the first pass would add pred[:, 0] − pred[:, -1].
    const plain = only(`import torch
def loss(pred, target):
    d = torch.stack([(pred[:, 1] - pred[:, 0]).mean(), (pred[:, 2] - pred[:, 1]).mean()])
    return ((pred - target) ** 2).mean() + 0.5 * torch.relu(0.1 - d).sum()
`, 'loss');
    const spellings = {
      guarded: `    gaps = []
    for k in range(3):
        if k > 0:
            gaps.append((pred[:, k] - pred[:, k - 1]).mean())`,
      skipped: `    gaps = []
    for k in range(3):
        if k == 0:
            continue
        gaps.append((pred[:, k] - pred[:, k - 1]).mean())`,
      filtered: '    gaps = [(pred[:, k] - pred[:, k - 1]).mean() for k in range(3) if k > 0]',
    };
    const want = evaluate(plain, true2(), pred2);
    for (const [what, lines] of Object.entries(spellings)) {
      const m = only(`import torch
def loss(pred, target):
${lines}
    return ((pred - target) ** 2).mean() + 0.5 * torch.relu(0.1 - torch.stack(gaps)).sum()
`, 'loss');
      same(evaluate(m, true2(), pred2), want, what);
    }
    // by hand: d = [mean(-0.9, -0.6), mean(2.1, -0.5)] = [-0.75, 0.8]; relu(0.1 - d) = [0.85, 0]
    close(want.terms[1], 0.85, 1e-6, 'Σ relu(0.1 − d) by hand');
  });
});
