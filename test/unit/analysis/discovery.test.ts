// Finding the loss whatever its shape (issue 9 §1): argument names and counts, methods, losses written inline where
// training happens, add_loss, regularizers. Each test is a shape seen in public projects, written in our own words.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LossModel } from '../../../src/analysis/ir';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const roles = (m: LossModel): string[] => m.params.map((p) => `${p.name}:${p.role}`);
const byKind = (models: LossModel[], kind: LossModel['kind']): LossModel[] => models.filter((m) => m.kind === kind);

describe('Discovery: argument names and counts', () => {
  it('tells prediction from target by name in every order: (y_true, y_pred), (pred, target), (input, target), (outputs, labels)', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def a_loss(y_true, y_pred, lam=0.1):
    return F.mse_loss(y_pred, y_true) + lam * torch.relu(-y_pred).mean()
def b_loss(pred, target, lam=0.1):
    return F.mse_loss(pred, target) + lam * torch.relu(-pred).mean()
def c_loss(input, target, lam=0.1):
    return F.mse_loss(input, target) + lam * torch.relu(-input).mean()
def d_loss(outputs, labels, lam=0.1):
    return F.cross_entropy(outputs, labels) + lam * outputs.pow(2).mean()
def e_loss(labels, outputs, lam=0.1):
    return F.cross_entropy(outputs, labels) + lam * outputs.pow(2).mean()
`);
    assert.deepEqual(a.models.map((m) => `${m.name}:${m.yTrue}->${m.yPred}`), [
      'a_loss:y_true->y_pred', 'b_loss:target->pred', 'c_loss:target->input', 'd_loss:labels->outputs', 'e_loss:labels->outputs',
    ]);
  });

  it('falls back on the framework order when names say nothing: Keras (a, b) = (target, pred), PyTorch (a, b) = (pred, target)', () => {
    const keras = analyze(`import tensorflow as tf
def my_loss(a, b):
    return tf.reduce_mean(tf.square(a - b)) + 0.1 * tf.reduce_mean(tf.nn.relu(-b))
`);
    assert.deepEqual([keras.models[0].yTrue, keras.models[0].yPred], ['a', 'b']);
    const torch = analyze(`import torch
def my_loss(a, b):
    return torch.mean((a - b) ** 2) + 0.1 * torch.relu(-a).mean()
`);
    assert.deepEqual([torch.models[0].yTrue, torch.models[0].yPred], ['b', 'a']);
  });

  it('reads extra tensors beside the prediction as tensor params and defaults as hyper-parameters', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def vae_objective(recon_x, x, mu, logvar, beta=1.0):
    rec = F.binary_cross_entropy(recon_x, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return rec + beta * kld
def sparse_ae_loss(outputs, labels, encoded, l1_lambda=1e-3):
    return F.mse_loss(outputs, labels) + l1_lambda * encoded.abs().mean()
def center_loss(logits, targets, features, weights, lam=0.01):
    return F.cross_entropy(logits, targets) + lam * (features.pow(2).sum(1).mean() + weights.pow(2).sum())
`);
    const vae = model(a, 'vae_objective');
    assert.deepEqual([vae.yTrue, vae.yPred], ['x', 'recon_x']);
    assert.deepEqual(roles(vae), ['recon_x:yPred', 'x:yTrue', 'mu:tensor', 'logvar:tensor', 'beta:hyper']);
    assert.deepEqual(roles(model(a, 'sparse_ae_loss')), ['outputs:yPred', 'labels:yTrue', 'encoded:tensor', 'l1_lambda:hyper']);
    assert.equal(model(a, 'sparse_ae_loss').params[3].default, 1e-3);
    assert.deepEqual(roles(model(a, 'center_loss')), ['logits:yPred', 'targets:yTrue', 'features:tensor', 'weights:tensor', 'lam:hyper']);
  });
});

describe('Discovery: methods', () => {
  it("reads a model's own loss method, recon and x from the names, self.x from __init__", () => {
    const a = analyze(`import torch
import torch.nn as nn
import torch.nn.functional as F
class SparseAutoencoder(nn.Module):
    def __init__(self, rho=0.05):
        super().__init__()
        self.rho = rho
        self.enc = nn.Linear(32, 8)
    def forward(self, x):
        return self.enc(x)
    def loss(self, x, recon, encoded, lam=1e-3):
        return F.mse_loss(recon, x) + lam * torch.mean(torch.abs(encoded))
`);
    const m = model(a, 'loss');
    assert.equal(m.kind, 'method');
    assert.equal(m.className, 'SparseAutoencoder');
    assert.deepEqual([m.yTrue, m.yPred], ['x', 'recon']);
    assert.deepEqual(roles(m), ['x:yTrue', 'recon:yPred', 'encoded:tensor', 'lam:hyper', 'self.rho:hyper']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse_loss', 'penalty:+:abs(encoded)*lam']);
    assert.equal(a.models.length, 1, 'forward(self, x) of the model is not a loss');
  });

  it('reads keras.losses.Loss.call and nn.Module.forward with their __init__ arguments', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow import keras
class BoundedMSE(keras.losses.Loss):
    def __init__(self, upper=1.0, weight=0.5, name="bounded_mse"):
        super().__init__(name=name)
        self.upper = upper
        self.weight = weight
    def call(self, y_true, y_pred):
        over = tf.reduce_mean(tf.nn.relu(y_pred - self.upper))
        return tf.reduce_mean(tf.square(y_true - y_pred)) + self.weight * over
model.compile(optimizer="adam", loss=BoundedMSE(weight=2.0))
`);
    const m = model(a, 'BoundedMSE');
    assert.equal(m.kind, 'module-forward');
    assert.deepEqual(roles(m), ['y_true:yTrue', 'y_pred:yPred', 'self.upper:hyper', 'self.weight:hyper']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:square(y_true - y_pred)', 'penalty:+:over*self.weight']);
    assert.ok(m.usages.some((u) => u.kind === 'compile'));
  });
});

describe('Discovery: losses written where training happens', () => {
  it('reads a PyTorch loop: the loss before .backward(), out = model(x) as the prediction, the loop target, the λ argument', () => {
    const a = analyze(`import torch
import torch.nn as nn
def fit(model, loader, opt, lam=1e-4, epochs=3):
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for batch_x, batch_y in loader:
            opt.zero_grad()
            out = model(batch_x)
            reg = sum(p.pow(2).sum() for p in model.parameters())
            loss = criterion(out, batch_y) + lam * reg
            loss.backward()
            opt.step()
`);
    const m = model(a, 'loss');
    assert.equal(m.kind, 'inline');
    assert.equal(m.className, undefined);
    assert.deepEqual([m.yTrue, m.yPred], ['batch_y', 'out']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:criterion', 'penalty:+:reg*lam']);
    assert.equal(m.params.find((p) => p.name === 'lam')?.default, 1e-4);
    assert.equal(m.terms[1].weightParam, 'lam');
    assert.deepEqual(m.usages.map((u) => u.kind), ['backward']);
    assert.equal(m.nameRange.startLine, 9, 'named where the loss is assigned');
  });

  it("reads a script's module-level loop with the criterion built above it and a module constant λ", () => {
    const a = analyze(`import torch
import torch.nn as nn
net = Net()
crit = nn.MSELoss()
MONO = 0.5
for step in range(1000):
    xb, yb = next(batches)
    pred = net(xb)
    drops = torch.relu(pred[:, :-1] - pred[:, 1:]).mean()
    total = crit(pred, yb) + MONO * drops
    total.backward()
`);
    const m = model(a, 'total');
    assert.equal(m.kind, 'inline');
    assert.deepEqual([m.yTrue, m.yPred], ['yb', 'pred']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:crit', 'penalty:+:drops*MONO']);
    assert.deepEqual(m.terms[1].constraint?.kind, 'monotone');
  });

  it('reads a Lightning training_step returning the loss, or a dict with "loss"', () => {
    for (const ret of ['return loss', 'return {"loss": loss, "log": {"ce": ce}}']) {
      const a = analyze(`import torch
import torch.nn.functional as F
import pytorch_lightning as pl
class Classifier(pl.LightningModule):
    def __init__(self, spread=0.01):
        super().__init__()
        self.spread = spread
    def training_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        ce = F.cross_entropy(logits, y)
        sums = torch.mean((logits.softmax(-1).sum(-1) - 1.0) ** 2)
        loss = ce + self.spread * sums
        self.log("train_loss", loss)
        ${ret}
`);
      const m = model(a, 'training_step');
      assert.equal(m.kind, 'training-step', ret);
      assert.equal(m.className, 'Classifier');
      assert.deepEqual([m.yTrue, m.yPred], ['y', 'logits']);
      assert.deepEqual(m.terms.map(termSummary), ['base:+:ce', 'penalty:+:sums*self.spread'], ret);
      assert.deepEqual(m.usages.map((u) => u.kind), ['training-step']);
    }
  });

  it('reads a training_step whose terms come from another object\'s loss method: the step still returns the loss', () => {
    const a = analyze(`import pytorch_lightning as pl
class Lit(pl.LightningModule):
    def __init__(self, net):
        super().__init__()
        self.net = net
    def training_step(self, batch, batch_idx):
        x, y = batch
        rec, kl = self.net.compute_loss(x, y)
        loss = rec
        loss += 0.1 * kl
        return {"loss": loss}
`);
    const m = model(a, 'training_step');
    assert.equal(m.kind, 'training-step');
    assert.equal(m.yPred, 'batch'); // no forward pass in sight: the batch stands for what the net is given
    assert.deepEqual(m.terms.map((t) => [t.role, t.label]), [['base', 'rec'], ['penalty', 'kl']]);
  });

  it('reads a Keras train_step: the loss GradientTape differentiates, y_pred = self(x)', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow import keras
class NonNegModel(keras.Model):
    def __init__(self, lam=0.1, **kwargs):
        super().__init__(**kwargs)
        self.lam = lam
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            fit_term = tf.reduce_mean(tf.square(y - y_pred))
            negative = tf.reduce_mean(tf.nn.relu(-y_pred))
            loss = fit_term + self.lam * negative
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss}
`);
    const m = model(a, 'train_step');
    assert.equal(m.kind, 'training-step');
    assert.deepEqual([m.yTrue, m.yPred], ['y', 'y_pred']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit_term', 'penalty:+:negative*self.lam']);
    assert.equal(m.terms[1].constraint?.kind, 'non-negativity');
  });

  it('reads self.add_loss in a layer and model.add_loss at module level as penalties on what they read', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow import keras
class ActivityL2(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate
    def call(self, inputs):
        self.add_loss(self.rate * tf.reduce_mean(tf.square(inputs)))
        return inputs
inp = keras.Input((8,))
code = keras.layers.Dense(4)(inp)
model = keras.Model(inp, code)
model.add_loss(0.01 * tf.reduce_mean(tf.abs(code)))
`);
    const adds = byKind(a.models, 'add-loss');
    assert.deepEqual(adds.map((m) => [m.className ?? null, m.yPred, m.terms.map(termSummary)]), [
      ['ActivityL2', 'inputs', ['penalty:+:square(inputs)*self.rate']],
      [null, 'code', ['penalty:+:abs(code)*0.01']],
    ]);
    assert.deepEqual(adds.map((m) => m.usages.map((u) => u.kind)), [['add-loss'], ['add-loss']]);
  });
});

describe('Discovery: regularizers', () => {
  it('reads a Regularizer subclass passed as kernel_regularizer as a penalty on that layer\'s weights', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow import keras
class Orthogonality(keras.regularizers.Regularizer):
    def __init__(self, factor=0.01):
        self.factor = factor
    def __call__(self, w):
        gram = tf.matmul(w, w, transpose_a=True)
        return self.factor * tf.reduce_sum(tf.square(gram - tf.eye(tf.shape(w)[1])))
layer = keras.layers.Dense(16, kernel_regularizer=Orthogonality(0.05))
`);
    const m = model(a, 'Orthogonality');
    assert.equal(m.kind, 'regularizer');
    assert.deepEqual(m.regularizes, { on: 'kernel', layer: 'Dense', units: 16 });
    assert.equal(m.yPred, 'w');
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:Orthogonality*self.factor']);
    assert.deepEqual(roles(m), ['w:yPred', 'self.factor:hyper']);
  });

  it("reads a function passed as activity_regularizer as a penalty on the layer's outputs; an unused one-argument helper is not", () => {
    const a = analyze(`import tensorflow as tf
def l1_outputs(act):
    return 1e-3 * tf.reduce_sum(tf.abs(act))
def unused_helper(t):
    return tf.reduce_sum(tf.abs(t))
hidden = tf.keras.layers.Dense(32, activity_regularizer=l1_outputs)
`);
    assert.deepEqual(a.models.map((m) => [m.name, m.kind, m.regularizes?.on]), [['l1_outputs', 'regularizer', 'activity']]);
  });

  it('reads what a Regularizer returns as ONE penalty, weighted by its outer factor, not split by linearity', () => {
    const a = analyze(`from tensorflow.keras import backend as K
from tensorflow.keras.layers import Dense
from tensorflow.keras.regularizers import Regularizer
class KLSparsity(Regularizer):
    def __init__(self, rho=0.05, beta=3.0):
        self.rho = rho
        self.beta = beta
    def __call__(self, x):
        rho_hat = K.mean(x, axis=0)
        kl = self.rho * K.log(self.rho / rho_hat) + (1 - self.rho) * K.log((1 - self.rho) / (1 - rho_hat))
        return self.beta * K.sum(kl)
code = Dense(32, activation='sigmoid', activity_regularizer=KLSparsity(0.05, 3.0))
`);
    const m = model(a, 'KLSparsity');
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:KLSparsity*self.beta']);
    assert.equal(m.lambdaParam, 'self.beta');
  });

  it('names a regularizer\'s one penalty by its class even when it returns a local of its own (r = W^T W - I)', () => {
    const a = analyze(`import tensorflow as tf
class Orthogonal(tf.keras.regularizers.Regularizer):
    def __init__(self, l2=0.01):
        self.l2 = l2
    def __call__(self, w):
        r = tf.matmul(w, w, transpose_a=True)
        r = r - tf.eye(w.shape[-1])
        return self.l2 * tf.reduce_mean(r ** 2)
layer = tf.keras.layers.Dense(16, kernel_regularizer=Orthogonal(l2=0.005))
`);
    assert.deepEqual(model(a, 'Orthogonal').terms.map(termSummary), ['penalty:+:Orthogonal*self.l2']);
  });
});

describe('Discovery: loss classes and training steps with unusual names', () => {
  it("reads the forward of a class named like a loss whatever its arguments are called (restored, clean; hidden, output, images)", () => {
    const a = analyze(`import torch
import torch.nn as nn
import torch.nn.functional as F
class DeblurLoss(nn.Module):
    def __init__(self, edge_weight=0.05):
        super().__init__()
        self.edge_weight = edge_weight
    def forward(self, restored, clean):
        edges = (restored[:, :, 1:] - restored[:, :, :-1]).abs().mean()
        return F.l1_loss(restored, clean) + self.edge_weight * edges
class CodeSparsityLoss(nn.Module):
    def __init__(self, rho=1e-3):
        super().__init__()
        self.rho = rho
        self.rec = nn.MSELoss()
    def forward(self, hidden, output, images):
        return self.rec(output, images) + self.rho * torch.mean(torch.abs(hidden))
`);
    const deblur = model(a, 'DeblurLoss');
    assert.deepEqual([deblur.yTrue, deblur.yPred], ['clean', 'restored']);
    const sparse = model(a, 'CodeSparsityLoss');
    assert.deepEqual([sparse.yTrue, sparse.yPred], ['images', 'output']);
    assert.equal(sparse.params.find((p) => p.name === 'hidden')?.role, 'tensor');
  });

  it('reads a Keras train_step that hands the loss to optimizer.minimize(loss, …, tape=tape)', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow import keras
ROW_W = 0.2
class RowSumModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            probs = self(x, training=True)
            fit = self.compiled_loss(y, probs)
            gap = tf.reduce_mean(tf.square(tf.reduce_sum(probs, axis=1) - 1.0))
            total = fit + ROW_W * gap
        self.optimizer.minimize(total, self.trainable_variables, tape=tape)
        return {"loss": total}
`);
    const m = model(a, 'train_step');
    assert.equal(m.kind, 'training-step');
    assert.deepEqual([m.yTrue, m.yPred], ['y', 'probs']);
    assert.equal(m.terms.at(-1)?.weight?.text, 'ROW_W');
  });
});
