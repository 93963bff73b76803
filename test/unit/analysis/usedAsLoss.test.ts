// A function is a loss when the file uses it as one, wherever and however it is written (issue 9 §1): nested in the
// method that builds and compiles the model, returned by a factory method, or named in no way a loss is, but passed
// to compile or differentiated. Shapes seen in public Keras and PyTorch code (build_model methods compiling a nested
// loss, `def custom_loss(self): def c_loss(ytrue, ypred): …; return c_loss`, `loss = vae.elbo(…)` under a tape).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss } from '../../../src/analysis/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

describe('Discovery: losses found by their use', () => {
  it('finds a loss nested in a model-building method and compiled there, with the closure value as λ', () => {
    const a = analyze(`from keras import backend as K
class Net:
    def build(self, width, mass_weight=0.3):
        model = make_layers(width)
        def mass_mse(y_true, y_pred):
            fit = K.mean(K.square(y_true - y_pred), axis=-1)
            gap = K.square(K.sum(y_pred, axis=-1) - 1)
            return fit + mass_weight * gap
        model.compile(optimizer="adam", loss=mass_mse)
        return model
`);
    const m = model(a, 'mass_mse');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:gap*mass_weight']);
    assert.equal(m.params.find((p) => p.name === 'mass_weight')?.default, 0.3);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model === m && chosen.why === 'compiled');
  });

  it('finds a nested loss handed to compile inside a plain function', () => {
    const a = analyze(`import tensorflow as tf
def train(x, y):
    model = build()
    def objective(a, b):
        return tf.reduce_mean(tf.abs(a - b)) + 0.1 * tf.reduce_mean(tf.nn.relu(-b))
    model.compile("adam", objective)
    model.fit(x, y)
`);
    const m = model(a, 'objective');
    assert.deepEqual(m.terms.map((t) => t.role), ['base', 'penalty']);
    assert.equal(m.usages[0]?.kind, 'compile');
  });

  it('does not take a nested helper that is only called for a loss', () => {
    const a = analyze(`import tensorflow as tf
def report(y_true, y_pred):
    def per_sample(y_true, y_pred):
        return tf.reduce_mean(tf.abs(y_true - y_pred), axis=-1)
    print(per_sample(y_true, y_pred))
`);
    assert.deepEqual(a.models.map((m) => m.name), []);
  });

  it('reads a factory method whose product is compiled as the loss factory, with its class settings', () => {
    const a = analyze(`from keras import backend as K
from keras.losses import mae
class Centered:
    def __init__(self, weight, center):
        self.weight = weight
        self.center = center
    def custom_loss(self):
        def c_loss(ytrue, ypred):
            return mae(ytrue, ypred) + self.weight * K.square(K.mean(ypred) - self.center)
        return c_loss
crit = Centered(10, 0.5)
m.compile(loss=crit.custom_loss(), optimizer="sgd")
`);
    const m = model(a, 'custom_loss');
    assert.equal(m.kind, 'factory');
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.weight?.text ?? ''}`), ['base:', 'penalty:self.weight']);
    assert.equal(m.params.find((p) => p.name === 'self.weight')?.role, 'hyper');
  });

  it('finds a method with unloss-like arguments that the training step differentiates', () => {
    const a = analyze(`import tensorflow as tf
class VAE(tf.keras.Model):
    def elbo(self, x, x_re, z_mean, z_logvar):
        recon = tf.reduce_mean(tf.square(x - x_re))
        kl = -0.5 * tf.reduce_mean(1 + z_logvar - tf.square(z_mean) - tf.exp(z_logvar))
        return recon + kl
vae = VAE()
def step(x):
    with tf.GradientTape() as tape:
        z_mean, z_logvar, x_re = vae(x)
        loss = vae.elbo(x, x_re, z_mean, z_logvar)
    grads = tape.gradient(loss, vae.trainable_variables)
`);
    const m = model(a, 'elbo');
    assert.equal(m.kind, 'method');
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.label}`), ['base:recon', 'penalty:kl']);
  });

  it('finds a top-level function named and shaped like no loss when compile is given it', () => {
    const a = analyze(`import tensorflow as tf
def blend(u, v):
    return tf.reduce_mean(tf.square(u - v)) + 0.01 * tf.reduce_sum(tf.abs(v))
model.compile(optimizer="adam", loss=blend)
`);
    const m = model(a, 'blend');
    assert.deepEqual(m.terms.map((t) => t.role), ['base', 'penalty']);
  });

  it('reads an nn.Module as the loss when the file differentiates its instance, whatever its forward returns through', () => {
    const a = analyze(`import torch
from torch import nn
def reduce(values, how, shape=None):
    if how == "mean":
        return values.mean()
    if how == "sum":
        return values.sum()
    return values if shape is None else values.view(shape)
class Allocation(nn.Module):
    def __init__(self, weight=0.1, reduction="mean"):
        super().__init__()
        self.weight = weight
        self.reduction = reduction
    def forward(self, allocation, returns):
        gain = torch.sum(returns * allocation, dim=-1)
        spread = torch.sum(allocation ** 2, dim=-1)
        return reduce(-gain + self.weight * spread, self.reduction, (allocation.shape[0],))
def fit(model, xb, rb):
    criterion = Allocation(weight=0.2)
    loss = criterion(model(xb), rb)
    loss.backward()
`);
    const m = model(a, 'Allocation');
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.label}`), ['base:gain', 'penalty:spread']);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model === m && chosen.why === 'backward');
  });

  it('takes the tensor handed to the optimizer as the prediction of a loop with no model (direct optimisation)', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def tv(img):
    return torch.abs(img[:, :, 1:, :] - img[:, :, :-1, :]).mean()
def denoise(noisy: torch.Tensor, weight=0.05, steps=200):
    estimate = noisy.detach().clone()
    estimate.requires_grad_()
    opt = torch.optim.Adam([estimate], lr=0.01)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.mse_loss(estimate, noisy) + weight * tv(estimate)
        loss.backward()
        opt.step()
    return estimate
`);
    const m = model(a, 'loss');
    assert.equal(m.yPred, 'estimate');
    assert.equal(m.yTrue, 'noisy', 'the data it is fitted to is the target');
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.weight?.text ?? ''}`), ['base:', 'penalty:weight']);
    // the estimate is the prediction as it stands, not the frozen copy it started from
    assert.ok(!JSON.stringify(m.body).includes('detach'));
  });

  it('leaves a top-level helper only called before backward to the loop that calls it (it reads the helper there)', () => {
    const a = analyze(`import torch.nn.functional as F
def add_weight_penalty(net, base_loss, coef=5e-4):
    penalty = 0.0
    for p in net.parameters():
        penalty += p.pow(2).sum()
    return base_loss + coef * penalty
def train_epoch(net, loader, opt):
    for xb, yb in loader:
        out = net(xb)
        loss = add_weight_penalty(net, F.cross_entropy(out, yb))
        loss.backward()
`);
    assert.deepEqual(a.models.map((m) => m.name), ['loss']);
  });

  it('an nn.Module whose one-tensor forward the file differentiates, built after the loop function that calls it', () => {
    const a = analyze(`import torch
import torch.nn as nn


class EnergyGap(nn.Module):
    def __init__(self, eta=0.1):
        super().__init__()
        self.eta = eta

    def forward(self, energy):
        reg = self.eta * (energy ** 2).mean()
        gap = energy.mean() - energy.flip(0).mean()
        return gap + reg


def train(batches, model, opt, loss_fn):
    for x in batches:
        loss = loss_fn(model(x))
        opt.zero_grad()
        loss.backward()
        opt.step()


loss_fn = EnergyGap()
`);
    const m = model(a, 'EnergyGap');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:gap', 'penalty:+:reg*self.eta']);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model === m && chosen.why === 'backward', chosen.ok ? chosen.because : chosen.message);
  });
});
