// What the analysis resolves reaches the trainer (issue 10 §1): backslash continuations, list and tuple values
// (module constants, constructor defaults, a tuple passed to a factory and unpacked in its closure), a notebook
// cell's constant, a settings class's attribute, TF.js `this.x`, a loop over `net.parameters()`, static loop bounds
// for the trial's data shape, and a literal λ a run replaces. Each loss, read by the real front end, must give the
// value and gradient of the same loss written out by hand (the whole-loss numbers against torch are in
// torchLosses.test.ts, from scripts/golden/torch_losses.py).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel, SourceLanguage } from '../../../src/analysis/ir';
import type { NotebookCell } from '../../../src/analysis/notebook';
import { lossSampleShape } from '../../../src/trainer/data/shape';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { codeLambda } from '../../../src/trial/spec';
import { close, cpu, KERNEL, onWeightPair, tf } from './tf';

function only(source: string, name: string, language: SourceLanguage = 'python', cellsAbove?: NotebookCell[]): LossModel {
  const a = analyzeSource(source, language, language === 'python' ? 'loss.py' : 'loss.ts', cellsAbove ? { cellsAbove } : {});
  const m = a.models.find((x) => x.name === name);
  assert.ok(m, `no model ${name} in [${a.models.map((x) => x.name).join(', ')}] ${JSON.stringify(a.syntaxErrors)}`);
  assert.deepEqual(findUnsupported(m), [], `${name}: the trainer refuses part of it`);
  return m;
}

interface Result {
  value: number;
  grad: number[];
}

/**
 * A decay of 0.01 on a [kernel, bias] pair, filtered to the kernel by the loss: the value is mse + 0.01 · Σ kernel²,
 * the bias gets a zero gradient and the kernel 0.02 · w.
 */
function kernelOnlyDecay(m: LossModel, what: string): void {
  const { value, kernelGrad, biasGrad } = onWeightPair(m, yTrue, yPred);
  const mse = yPred.flat().reduce((s, q, i) => s + (q - yTrue.flat()[i]!) ** 2, 0) / 8;
  close(value, mse + 0.01 * (0.25 + 1 + 4 + 0.0625), 1e-5, `${what}: mse + decay · Σ kernel²`);
  assert.deepEqual(biasGrad, [0, 0], `${what}: the biases are left out`);
  for (const [i, w] of KERNEL.flat().entries()) close(kernelGrad[i]!, 0.02 * w, 1e-6, `${what}: d/dkernel[${i}]`);
}

function evaluate(m: LossModel, yTrue: number[][], yPred: number[][], options: Parameters<typeof compileLoss>[3] = {}, weights?: tf.Tensor[]): Result {
  const f = compileLoss(tf, m, {}, options);
  const t = tf.tensor(yTrue);
  const p = tf.tensor(yPred);
  const g = tf.valueAndGrad((x: tf.Tensor) => f(t, x, weights ? { weights } : undefined).total)(p);
  const out = { value: g.value.dataSync()[0]!, grad: Array.from(g.grad.dataSync()) };
  tf.dispose([t, p, g.value, g.grad]);
  return out;
}

function same(a: Result, b: Result, what: string): void {
  close(a.value, b.value, 1e-5, `${what}: value`);
  assert.equal(a.grad.length, b.grad.length);
  for (const [i, g] of a.grad.entries()) close(g, b.grad[i]!, 1e-5, `${what}: d/dpred[${i}]`);
}

const yTrue = [[0.0, 1.0, 0.5, 0.2], [1.0, 0.0, 0.25, 0.9]];
const yPred = [[0.2, 0.7, 0.9, -0.4], [0.6, -0.3, 0.1, 1.3]];
const kerasHeader = 'import tensorflow as tf\n';
const torchHeader = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';

describe('the trainer interprets what the analysis resolves', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('backslash continuations inside a call and a return read as the one line Python reads', () => {
    const continued = only(`${kerasHeader}W = 3.0
def loss(y_true, y_pred):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    wrong = tf.reduce_mean(tf.where(tf.less(y_true * y_pred, 0.0), \\
                                    tf.square(y_true - y_pred), \\
                                    tf.zeros_like(y_pred)))
    return mse + \\
        W * wrong
`, 'loss');
    const plain = only(`${kerasHeader}def loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 3.0 * tf.reduce_mean(tf.where(tf.less(y_true * y_pred, 0.0), tf.square(y_true - y_pred), tf.zeros_like(y_pred)))
`, 'loss');
    assert.deepEqual(continued.terms.map((t) => t.label), ['mse', 'wrong']);
    same(evaluate(continued, yTrue, yPred), evaluate(plain, yTrue, yPred), 'continuations');
  });

  it('a list constant iterated with enumerate and a range over a module constant are the unrolled loss', () => {
    const looped = only(`${torchHeader}QUANTILES = [0.1, 0.5, 0.9]
N_OUT = 4
def loss(pred, target):
    pinball = 0.0
    for i, q in enumerate(QUANTILES):
        err = target[:, i] - pred[:, i]
        pinball = pinball + torch.mean(torch.max(q * err, (q - 1) * err))
    drops = 0.0
    for i in range(N_OUT - 1):
        drops = drops + torch.relu(pred[:, i] - pred[:, i + 1]).mean()
    return pinball + 0.5 * drops
`, 'loss');
    const plain = only(`${torchHeader}def loss(pred, target):
    e0 = target[:, 0] - pred[:, 0]
    e1 = target[:, 1] - pred[:, 1]
    e2 = target[:, 2] - pred[:, 2]
    pinball = torch.mean(torch.max(0.1 * e0, -0.9 * e0)) + torch.mean(torch.max(0.5 * e1, -0.5 * e1)) + torch.mean(torch.max(0.9 * e2, -0.1 * e2))
    drops = torch.relu(pred[:, 0] - pred[:, 1]).mean() + torch.relu(pred[:, 1] - pred[:, 2]).mean() + torch.relu(pred[:, 2] - pred[:, 3]).mean()
    return pinball + 0.5 * drops
`, 'loss');
    assert.deepEqual(looped.params.find((p) => p.name === 'QUANTILES')?.items, [0.1, 0.5, 0.9]);
    same(evaluate(looped, yTrue, yPred), evaluate(plain, yTrue, yPred), 'static loops');
  });

  it('a factory closure unpacked from a tuple passed where the factory is called takes those values', () => {
    const factory = only(`${kerasHeader}def make_loss(settings):
    tol, lam = settings
    def simplex(y_true, y_pred):
        ce = tf.reduce_mean(tf.square(y_true - y_pred))
        excess = tf.nn.relu(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0) - tol)
        return ce + lam * excess
    return simplex

model.compile(optimizer="adam", loss=make_loss((0.05, 0.7)))
`, 'make_loss');
    const plain = only(`${kerasHeader}def simplex(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.7 * tf.nn.relu(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0) - 0.05)
`, 'simplex');
    assert.deepEqual(factory.params.find((p) => p.name === 'tol')?.unpacks, { from: 'settings', index: 0 });
    same(evaluate(factory, yTrue, yPred), evaluate(plain, yTrue, yPred), 'tuple unpacking');
  });

  it("a Loss subclass's tuple constructor default is a list the loss reads (`tf.constant(self.quantiles)`), never a λ", () => {
    const cls = only(`${kerasHeader}from tensorflow import keras
class Pinball(keras.losses.Loss):
    def __init__(self, quantiles=(0.1, 0.5, 0.9, 0.95), weight=2.0):
        super().__init__()
        self.quantiles = quantiles
        self.weight = weight
    def call(self, y_true, y_pred):
        err = y_true - y_pred
        q = tf.constant(self.quantiles)
        pinball = tf.reduce_mean(tf.maximum(q * err, (q - 1.0) * err), axis=-1)
        return pinball + self.weight * tf.reduce_mean(tf.nn.relu(-y_pred), axis=-1)
`, 'Pinball');
    const plain = only(`${kerasHeader}def loss(y_true, y_pred):
    err = y_true - y_pred
    q = tf.constant([0.1, 0.5, 0.9, 0.95])
    return tf.reduce_mean(tf.maximum(q * err, (q - 1.0) * err), axis=-1) + 2.0 * tf.reduce_mean(tf.nn.relu(-y_pred), axis=-1)
`, 'loss');
    same(evaluate(cls, yTrue, yPred), evaluate(plain, yTrue, yPred), 'constructor tuple');
    // four per-output quantiles: the trial's data has four outputs
    assert.deepEqual(lossSampleShape(cls, 2).shape, [4]);
  });

  it('per-output weights from a tuple multiply inside their term: the split keeps them out of the λ', () => {
    const m = only(`${torchHeader}class WeightedL1(nn.Module):
    def __init__(self, weights=(0.5, 1.0, 2.0, 4.0), lam=0.3):
        super().__init__()
        self.weights = weights
        self.lam = lam
    def forward(self, pred, target):
        w = torch.tensor(self.weights)
        return (w * (pred - target).abs()).mean() + self.lam * torch.relu(-pred).mean()
`, 'WeightedL1');
    assert.deepEqual(m.terms.map((t) => [t.role, t.weight?.text]), [['base', undefined], ['penalty', 'self.lam']]);
    const plain = only(`${torchHeader}def loss(pred, target):
    return (torch.tensor([0.5, 1.0, 2.0, 4.0]) * (pred - target).abs()).mean() + 0.3 * torch.relu(-pred).mean()
`, 'loss');
    same(evaluate(m, yTrue, yPred), evaluate(plain, yTrue, yPred), 'per-output weights');
  });

  it("a notebook cell's constant and a settings class's attribute are the values the loss reads", () => {
    const cells: NotebookCell[] = [{ number: 1, source: 'import tensorflow as tf\nNEG_WEIGHT = 2.5\n' }];
    const nb = only(`def nonneg(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + NEG_WEIGHT * tf.reduce_mean(tf.nn.relu(-y_pred))
`, 'nonneg', 'python', cells);
    assert.equal(nb.params.find((p) => p.name === 'NEG_WEIGHT')?.origin, 'notebook-cell');
    const cfg = only(`${torchHeader}class Weights:
    neg = 2.5
def nonneg(pred, target):
    return ((pred - target) ** 2).mean() + Weights.neg * torch.relu(-pred).mean()
`, 'nonneg');
    const plain = only(`${kerasHeader}def nonneg(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 2.5 * tf.reduce_mean(tf.nn.relu(-y_pred))
`, 'nonneg');
    same(evaluate(nb, yTrue, yPred), evaluate(plain, yTrue, yPred), 'notebook constant');
    same(evaluate(cfg, yTrue, yPred), evaluate(plain, yTrue, yPred), 'class attribute');
    assert.equal(cfg.lambdaParam, 'Weights.neg');
  });

  it('TF.js `this.x` reads a class field and a constructor default', () => {
    const field = only(`import * as tf from '@tensorflow/tfjs';
export class Model {
  private readonly weight = 2.5;
  readonly lossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) =>
    tf.add(tf.losses.meanSquaredError(yTrue, yPred), tf.mul(this.weight, tf.mean(tf.relu(tf.neg(yPred)))));
}
`, 'lossFn', 'typescript');
    const method = only(`import * as tf from '@tensorflow/tfjs';
export class Model {
  private readonly weight: number;
  constructor(weight = 2.5) { this.weight = weight; }
  computeLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.losses.meanSquaredError(yTrue, yPred).add(tf.scalar(this.weight).mul(tf.mean(tf.relu(tf.neg(yPred)))));
  }
}
`, 'computeLoss', 'typescript');
    const plain = only(`import * as tf from '@tensorflow/tfjs';
export function loss(yTrue: tf.Tensor, yPred: tf.Tensor) {
  return tf.add(tf.losses.meanSquaredError(yTrue, yPred), tf.mul(2.5, tf.mean(tf.relu(tf.neg(yPred)))));
}
`, 'loss', 'typescript');
    same(evaluate(field, yTrue, yPred), evaluate(plain, yTrue, yPred), 'class field');
    same(evaluate(method, yTrue, yPred), evaluate(plain, yTrue, yPred), 'constructor default');
  });

  it("`for p in net.parameters(): penalty += …` in a same-file helper is the sum over the run's weights", () => {
    const helper = only(`${torchHeader}def add_penalty(net, base_loss, coef=0.01):
    penalty = 0.0
    for p in net.parameters():
        penalty += p.pow(2).sum()
    return base_loss + coef * penalty

def train(net, loader, opt):
    for xb, yb in loader:
        out = net(xb)
        loss = add_penalty(net, F.mse_loss(out, yb))
        loss.backward()
`, 'loss');
    const penalty = helper.terms.find((t) => t.role === 'penalty');
    assert.equal(penalty?.expr.kind, 'overWeights');
    const weights = [tf.tensor([[0.5, -1.0], [2.0, 0.25]]), tf.tensor([0.3, -0.2])];
    const mse = yPred.flat().reduce((s, p, i) => s + (p - yTrue.flat()[i]!) ** 2, 0) / 8;
    const squares = [0.5, -1.0, 2.0, 0.25, 0.3, -0.2].reduce((s, w) => s + w * w, 0);
    close(evaluate(helper, yTrue, yPred, {}, weights).value, mse + 0.01 * squares, 1e-5, 'mse + coef · Σ w²');
    tf.dispose(weights);
  });

  it('`for name, w in net.named_parameters(): if name.endswith("weight"): …` sums over the kernels only; biases get a zero gradient', () => {
    const m = only(`${torchHeader}class Ridge(nn.Module):
    def __init__(self, decay=0.01):
        super().__init__()
        self.decay = decay
    def norm(self, net):
        total = 0.0
        for pname, w in net.named_parameters():
            if pname.endswith("weight"):
                total = total + (w ** 2).sum()
        return total
    def forward(self, prediction, target, net):
        return F.mse_loss(prediction, target) + self.decay * self.norm(net)
`, 'Ridge');
    const penalty = m.terms.find((t) => t.role === 'penalty');
    assert.equal(penalty?.expr.kind === 'overWeights' && penalty.expr.nameVariable, 'pname');
    kernelOnlyDecay(m, 'endswith');
  });

  it('`if "bias" not in pname` (and `"weight" in pname`) filters a weight penalty by parameter name, as Python\'s membership test', () => {
    const source = (test: string) => `${torchHeader}class Decay(nn.Module):
    def __init__(self, decay=0.01):
        super().__init__()
        self.decay = decay
    def energy(self, net):
        total = 0
        for pname, w in net.named_parameters():
            if ${test}:
                total = total + torch.sum(w * w)
        return total
    def forward(self, prediction, target, net):
        return F.mse_loss(prediction, target) + self.decay * self.energy(net)
`;
    for (const test of ['"bias" not in pname', '"weight" in pname']) kernelOnlyDecay(only(source(test), 'Decay'), test);
  });

  it('`sum(… for p in net.parameters() if p.dim() > 1)` sums over the kernels only, as the filtered generator does', () => {
    for (const test of ['p.dim() > 1', 'p.ndim >= 2', 'len(p.shape) == 2']) {
      const m = only(`${torchHeader}class Decay(nn.Module):
    def __init__(self, decay=0.01):
        super().__init__()
        self.decay = decay
    def forward(self, prediction, target, net):
        return F.mse_loss(prediction, target) + self.decay * sum((p ** 2).sum() for p in net.parameters() if ${test})
`, 'Decay');
      kernelOnlyDecay(m, test);
    }
  });

  it('a static loop bound sets the trial data: `y_pred[:, i + 1]` for i in range(N_OUT - 1) needs N_OUT outputs', () => {
    const m = only(`from tensorflow.keras import backend as K
N_OUT = 7
def monotone(y_true, y_pred, lam=0.4):
    drops = 0.0
    for i in range(N_OUT - 1):
        drops = drops + K.mean(K.relu(y_pred[:, i] - y_pred[:, i + 1]))
    return K.mean(K.square(y_true - y_pred)) + lam * drops
`, 'monotone');
    assert.deepEqual(lossSampleShape(m, 4).shape, [7]);
  });

  it('`self.compiled_loss(y, y_pred)` in a Keras train_step is the loss compile(loss="…") names, reduced as Keras does', () => {
    const step = only(`${kerasHeader}from tensorflow import keras
W = 0.3
class M(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            base = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            gap = tf.reduce_mean(tf.square(tf.reduce_sum(y_pred, axis=1) - 1.0))
            loss = base + W * gap
        self.optimizer.minimize(loss, self.trainable_variables, tape=tape)
        return {}

model = M(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
`, 'train_step');
    const plain = only(`${kerasHeader}def loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.3 * tf.reduce_mean(tf.square(tf.reduce_sum(y_pred, axis=1) - 1.0))
`, 'loss');
    assert.deepEqual(step.terms.map((t) => t.label), ['base', 'gap']);
    same(evaluate(step, yTrue, yPred), evaluate(plain, yTrue, yPred), 'compiled loss');
  });

  it("a run's λ stands in for the one literal every penalty is weighted by, and for each penalty's own literal", () => {
    const literal = only(`${kerasHeader}def loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 4.0 * tf.reduce_mean(tf.nn.relu(-y_pred))
`, 'loss');
    const asLambda = (lam: number) =>
      only(`${kerasHeader}def loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + ${lam} * tf.reduce_mean(tf.nn.relu(-y_pred))
`, 'loss');
    assert.equal(codeLambda(literal), 4);
    same(evaluate(literal, yTrue, yPred), evaluate(asLambda(4), yTrue, yPred), 'no run λ: the code');
    same(evaluate(literal, yTrue, yPred, { literalLambda: 10 }), evaluate(asLambda(10), yTrue, yPred), 'run λ = 10');
    // two penalties with different literals: a run's λ replaces each (else "λ = 0" would train the code's weights)
    const two = (a: number, b: number) =>
      only(`${kerasHeader}def loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + ${a} * tf.reduce_mean(tf.nn.relu(-y_pred)) + ${b} * tf.reduce_mean(tf.nn.relu(y_pred - 1.0))
`, 'loss');
    same(evaluate(two(4.0, 0.5), yTrue, yPred, { literalLambda: 10 }), evaluate(two(10, 10), yTrue, yPred), 'distinct literals, run λ = 10');
    same(evaluate(two(4.0, 0.5), yTrue, yPred, { literalLambda: 0 }), evaluate(two(0, 0), yTrue, yPred), 'distinct literals, run λ = 0: the base alone');
  });
});
