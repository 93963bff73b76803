// Which loss a command means (chooseLoss): named, at the cursor, else the used one with a penalty; never a helper
// or a metric because it comes first. The reason is said, and the others listed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss, qualifiedName } from '../../../src/analysis/choose';
import { analyze, ready } from './helpers';

before(() => ready);

const chosen = (source: string, options = {}) => {
  const c = chooseLoss(analyze(source), options);
  assert.ok(c.ok, c.ok ? '' : c.message);
  return c;
};

// A metric and a helper come first in the file; the compiled loss comes last.
const keras = `import tensorflow as tf
def mae_metric(y_true, y_pred):
    return tf.reduce_mean(tf.abs(y_true - y_pred)) + 0.0 * tf.reduce_mean(y_pred)
def range_penalty(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.1 * tf.reduce_mean(tf.nn.relu(y_pred - 1.0))
def make_loss(lam=0.5):
    def bounded_loss(y_true, y_pred):
        return tf.keras.losses.mse(y_true, y_pred) + lam * tf.reduce_mean(tf.nn.relu(-y_pred))
    return bounded_loss
model.compile(optimizer="adam", loss=make_loss(0.3), metrics=[mae_metric])
`;

describe('chooseLoss', () => {
  it('picks the compiled loss with a penalty over a metric and a helper that come first, and lists the others', () => {
    const c = chosen(keras);
    assert.equal(c.model.name, 'make_loss');
    assert.equal(c.why, 'compiled');
    assert.match(c.because, /passed to compile and it has a penalty/);
    assert.deepEqual(c.others.map((m) => m.name), ['mae_metric', 'range_penalty']);
  });

  it('a loss module whose result is unpacked before backward (loss, parts = criterion(out, y)) is the loss, not the loop', () => {
    const c = chosen(`import torch
import torch.nn as nn

class PartsLoss(nn.Module):
    def __init__(self, w=0.3):
        super().__init__()
        self.w = w

    def forward(self, pred, target):
        fit = ((pred - target) ** 2).mean()
        spill = torch.relu(pred.sum(dim=1) - 1).mean()
        return fit + self.w * spill, fit, spill

criterion = PartsLoss()
for xb, yb in loader:
    loss, fit_part, spill_part = criterion(model(xb), yb)
    loss.backward()
`);
    assert.equal(c.model.name, 'PartsLoss');
    assert.equal(c.why, 'backward');
  });

  it('takes the one named (name or Class.method) and says which names exist when none matches', () => {
    assert.equal(chosen(keras, { function: 'range_penalty' }).why, 'named');
    const vae = `import torch
import torch.nn as nn
import torch.nn.functional as F
class VAE(nn.Module):
    def loss(self, x, recon, mu, logvar, beta=1.0):
        return F.mse_loss(recon, x) + beta * (-0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp()))
`;
    const c = chosen(vae, { function: 'VAE.loss' });
    assert.equal(qualifiedName(c.model), 'VAE.loss');
    const missing = chooseLoss(analyze(keras), { function: 'nope' });
    assert.deepEqual(missing, { ok: false, message: "no loss function named 'nope' (found: mae_metric, range_penalty, make_loss)" });
  });

  it('takes the loss at the cursor, the innermost when they nest', () => {
    const a = analyze(keras);
    const c = chooseLoss(a, { cursor: { line: 3 } });
    assert.ok(c.ok && c.model.name === 'range_penalty' && c.why === 'cursor');
  });

  it('picks the loss a PyTorch loop differentiates over a helper loss defined before it', () => {
    const c = chosen(`import torch
import torch.nn.functional as F
def smooth_l1(pred, target, lam=0.1):
    return F.smooth_l1_loss(pred, target) + lam * pred.abs().mean()
def train(model, loader, opt, lam=0.01):
    for x, y in loader:
        out = model(x)
        loss = F.mse_loss(out, y) + lam * torch.relu(-out).mean()
        loss.backward()
`);
    assert.equal(c.model.kind, 'inline');
    assert.equal(c.why, 'backward');
  });

  it('picks the loss the loop trains, and says that the total beside it adds a penalty the code never trains (LL115)', () => {
    const c = chosen(`import torch
import torch.nn.functional as F
def train(model, loader, opt, lam=0.01):
    for x, y in loader:
        out = model(x)
        loss = F.mse_loss(out, y)
        total = loss + lam * torch.relu(-out).mean()
        loss.backward()
        print(total.item())
`);
    assert.equal(c.model.name, 'loss');
    assert.match(c.because, /`total` \(line 7\) adds a penalty the code never trains \(LL115\), so the trial trains `loss` as the code does/);
  });

  it('prefers the training step over a loss differentiated elsewhere, and says how many used losses qualified', () => {
    const c = chosen(`import torch
import torch.nn.functional as F
import pytorch_lightning as pl
class Net(pl.LightningModule):
    def training_step(self, batch, batch_idx):
        x, y = batch
        out = self(x)
        return F.mse_loss(out, y) + 0.1 * out.abs().mean()
    def validation_step(self, batch, batch_idx):
        x, y = batch
        out = self(x)
        v = F.mse_loss(out, y) + 0.1 * out.abs().mean()
        v.backward()
`);
    assert.equal(c.why, 'training_step');
    assert.match(c.because, /1 other used loss with a penalty: Net.v$/);
  });

  it('without any use: the only loss with a penalty, not a helper another loss calls', () => {
    const c = chosen(`import tensorflow as tf
def sum_gap(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 1.0 * tf.reduce_mean(tf.abs(y_pred))
def plain_mse(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred))
def full(y_true, y_pred, lam=0.2):
    return plain_mse(y_true, y_pred) + lam * sum_gap(y_true, y_pred)
`);
    assert.equal(c.model.name, 'full');
    assert.equal(c.why, 'only loss with a penalty');
  });
});
