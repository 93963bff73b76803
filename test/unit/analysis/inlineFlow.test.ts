// Losses written where training happens, found by data flow (issue 9 §1): the model is whatever callable takes
// the batch, however its variable is called; the prediction is what it returns, the target what the batch holds
// beside the input (or the input itself when the loss compares the output with it). Shapes seen in public training
// loops, Lightning steps and Keras train_steps, written in our own words.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const roles = (m: LossModel): string[] => m.params.map((p) => `${p.name}:${p.role}`);

describe('Inline losses: the model by data flow, not by its name', () => {
  it('finds a loop whose model is called anything: the callable given the batch input is the model', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
SHARP = 0.05
def confidence(logits):
    p = F.softmax(logits, dim=1)
    return -(p * torch.log(p + 1e-6)).sum(1).mean()
for images, labels in loader:
    opt.zero_grad()
    scores = tagger(images)
    ce = F.cross_entropy(scores, labels)
    conf = confidence(scores)
    loss = ce + SHARP * conf
    loss.backward()
`);
    const m = model(a, 'loss');
    assert.equal(m.kind, 'inline');
    assert.deepEqual([m.yTrue, m.yPred], ['labels', 'scores']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:ce', 'penalty:+:conf*SHARP']);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model === m && chosen.why === 'backward');
    assert.equal(m.outputActivation, undefined, "the helper's softmax is the penalty's, not the model's last layer");
  });

  it('reads a model call written inside the criterion (`F.cross_entropy(clf(xb.cuda()), yb.cuda())`) as the prediction', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
for xb, yb in train_dl:
    base = F.cross_entropy(clf(xb.cuda()), yb.cuda())
    spread = clf(xb.cuda()).softmax(1).var(0).mean()
    loss = base + 0.3 * spread
    loss.backward()
`);
    const m = model(a, 'loss');
    assert.deepEqual([m.yTrue, m.yPred], ['yb', 'clf(xb.cuda())']);
    assert.deepEqual(roles(m), ['clf(xb.cuda()):yPred', 'yb:yTrue']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:base', 'penalty:+:spread*0.3']);
    assert.ok(!JSON.stringify(m.body).includes('"callee":"clf"'), 'the model call is the prediction, not an unknown call');
  });

  it("reads a main block's full-batch loop: the model built there is left out, the tensor compared with its call is the target, a member's parameters are a method on it", () => {
    const a = analyze(`import torch
import torch.nn as nn
class Scorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(5, 8)
        self.head = nn.Linear(8, 1)
    def forward(self, x):
        return self.head(torch.relu(self.body(x)))
def main():
    feats = torch.randn(128, 5)
    target = feats.sum(dim=1, keepdim=True)
    net = Scorer()
    mse = nn.MSELoss()
    for it in range(100):
        fit = mse(net(feats), target)
        decay = 1e-3 * sum([w.abs().sum() for w in net.head.parameters()])
        total = fit + decay
        total.backward()
`);
    const m = model(a, 'total');
    assert.deepEqual(roles(m), ['net(feats):yPred', 'target:yTrue']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:decay*1e-3']);
    const body = JSON.stringify(m.body);
    assert.ok(!body.includes('"callee":"Scorer"'), 'the model built in the block is the trial model, not an op');
    assert.ok(!body.includes('torch.randn'), "the script's own target data is the trial's target");
    assert.ok(body.includes('"method":"parameters"') && !body.includes('"callee":"net.head.parameters"'), 'the head\'s parameters are a method of the member');
  });

  it('leaves out the model built above a script loop, so a helper given the model reads its weights', () => {
    const a = analyze(`import torch
import torch.nn as nn
clf = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
criterion = nn.CrossEntropyLoss()
for xb, yb in loader:
    loss = criterion(clf(xb), yb)
    loss = loss + 1e-3 * sum(w.abs().sum() for w in clf.parameters())
    loss.backward()
`);
    const m = model(a, 'loss');
    assert.equal(m.yPred, 'clf(xb)');
    assert.ok(!JSON.stringify(m.body).includes('nn.Sequential'), 'the model object is not inlined as its constructor');
    assert.ok(JSON.stringify(m.body).includes('overWeights'));
    assert.deepEqual(m.terms.map((t) => t.role), ['base', 'penalty']);
  });

  it('does not take helpers, criteria or tensor methods for the model', () => {
    const a = analyze(`import torch
import torch.nn as nn
ce = nn.CrossEntropyLoss()
def spread(p):
    return p.var(0).mean()
for x, y in loader:
    x = x.view(x.size(0), -1)
    logits = body(x)
    logits = logits.squeeze(1)
    s = spread(logits)
    loss = ce(logits, y) + 0.2 * s
    loss.backward()
`);
    const m = model(a, 'loss');
    assert.deepEqual([m.yTrue, m.yPred], ['y', 'logits']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:ce', 'penalty:+:s*0.2']);
  });
  it('finds no loss of its own in a loop that hands the batch to a loss function (of the file, or written elsewhere)', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def bounded_loss(pred, target, lam=1.0):
    return F.mse_loss(pred, target) + lam * torch.relu(pred - 1).mean()
for xb, yb in loader:
    loss = bounded_loss(regressor(xb), yb, lam=0.5)
    loss.backward()
for xb, yb in loader:
    other = imported_loss(regressor(xb), yb)
    other.backward()
`);
    assert.deepEqual(a.models.map((m) => m.name), ['bounded_loss']);
    assert.ok(a.models[0].usages.some((u) => u.kind === 'backward'), 'the function is the loss .backward() differentiates');
  });

  it('with no batch, the forward pass compared with observed data is the prediction and that data the target (a PINN loop)', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def train(model, optimizer, colloc, x_obs, u_obs, epochs):
    for epoch in range(epochs):
        optimizer.zero_grad()
        u_fit = model(x_obs)
        data_term = F.mse_loss(u_fit, u_obs)
        u_col = model(colloc)
        smooth_term = torch.mean(u_col ** 2)
        loss = data_term + 0.1 * smooth_term
        loss.backward()
        optimizer.step()
`);
    const m = model(a, 'loss');
    assert.deepEqual([m.yTrue, m.yPred], ['u_obs', 'u_fit']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:data_term', 'penalty:+:smooth_term*0.1']);
    assert.ok(roles(m).includes('u_col:other') || roles(m).includes('u_col:tensor'), roles(m).join(' '));
  });

  it('a criterion the training function is given keeps what it compares: the data fit is the base', () => {
    const a = analyze(`import torch
def train(model, optimizer, criterion, colloc, x_obs, u_obs, epochs):
    for epoch in range(epochs):
        optimizer.zero_grad()
        u_col = model(colloc)
        physics_term = criterion(u_col[:, 1:], u_col[:, :-1])
        u_fit = model(x_obs)
        data_term = criterion(u_obs, u_fit)
        loss = physics_term + data_term
        loss.backward()
        optimizer.step()
`);
    const m = model(a, 'loss');
    assert.deepEqual([m.yTrue, m.yPred], ['u_obs', 'u_fit']);
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:physics_term', 'base:+:data_term']);
  });
});

describe('Inline losses: steps and their batch', () => {
  it("reads a Keras train_step's encoder → decoder chain: the reconstruction is the prediction, the batch its target, the codes extra tensors", () => {
    const a = analyze(`import tensorflow as tf
from tensorflow import keras
class Vae(keras.Model):
    def __init__(self, enc, dec, beta=0.5, **kw):
        super().__init__(**kw)
        self.enc = enc
        self.dec = dec
        self.beta = beta
    def train_step(self, data):
        with tf.GradientTape() as tape:
            mean, log_var, z = self.enc(data)
            rebuilt = self.dec(z)
            rec = tf.reduce_mean(tf.square(data - rebuilt))
            kl = -0.5 * tf.reduce_mean(1 + log_var - tf.square(mean) - tf.exp(log_var))
            total = rec + self.beta * kl
        grads = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return {"loss": total}
`);
    const m = model(a, 'train_step');
    assert.equal(m.kind, 'training-step');
    assert.deepEqual([m.yTrue, m.yPred], ['data', 'rebuilt']);
    assert.deepEqual(roles(m).slice(0, 4), ['rebuilt:yPred', 'mean:tensor', 'log_var:tensor', 'data:yTrue']);
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.label}`), ['base:rec', 'penalty:kl']);
  });

  it('reads a Lightning step comparing the output with its batch (an autoencoder): the batch is the target', () => {
    for (const [unpack, input] of [['', 'batch'], ['x, _ = batch', 'x']] as const) {
      const a = analyze(`import torch
import torch.nn.functional as F
import lightning as L
class LitAE(L.LightningModule):
    def training_step(self, batch, batch_idx):
        ${unpack}
        x_hat, mu, log_var = self.vae(${input})
        recon = F.mse_loss(x_hat, ${input})
        kl = torch.mean(-0.5 * torch.sum(1 + log_var - mu ** 2 - log_var.exp(), dim=1))
        return recon + kl
`);
      const m = model(a, 'training_step');
      assert.deepEqual([m.yTrue, m.yPred], [input, 'x_hat'], unpack);
      assert.deepEqual(roles(m), ['x_hat:yPred', 'mu:tensor', 'log_var:tensor', `${input}:yTrue`], unpack);
      assert.ok(!m.params.some((p) => p.name === 'batch' && p.role !== 'yTrue'), 'the batch is not a value from outside the loss');
    }
  });
});

describe('Inline losses: a script with no loop', () => {
  it("reads a module-level `loss.backward()`: the statements above are its body, the script's data its input and target, a constant its λ", () => {
    const a = analyze(`import torch
import torch.nn as nn
reg = nn.Linear(10, 1)
criterion = nn.MSELoss()
x = torch.randn(8, 10)
y = torch.randn(8, 1)
y_pred = reg(x)
loss = criterion(y_pred, y)
l1_lambda = 1e-5
l1_norm = sum(p.abs().sum() for p in reg.parameters())
loss = loss + l1_lambda * l1_norm
loss.backward()
`);
    const m = model(a, 'loss');
    assert.equal(m.kind, 'inline');
    assert.deepEqual([m.yTrue, m.yPred], ['y', 'y_pred']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:criterion', 'penalty:+:l1_norm*l1_lambda']);
    assert.equal(m.params.find((p) => p.name === 'l1_lambda')?.origin, 'module-constant');
    assert.ok(!JSON.stringify(m.body).includes('torch.randn'), 'the data is the batch, not a constant tensor');
  });
});

describe('Inline losses: a Keras functional model with model.add_loss', () => {
  it('reads the layers applied to the Input as the model: the penalty is on their output, no layer is inlined', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
inp = keras.Input(shape=(6,))
h = layers.Dense(16, activation="relu")(inp)
shares = layers.Dense(3, activation="softmax")(h)
net = keras.Model(inp, shares)
spread = tf.reduce_mean(tf.square(shares - 1.0 / 3.0))
net.add_loss(0.5 * spread)
`);
    // named by the model it is added to (kerasGraph.ts), as a reviewer names it
    const m = model(a, 'net');
    assert.equal(m.kind, 'add-loss');
    assert.equal(m.yPred, 'shares');
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:spread*0.5']);
    assert.ok(!JSON.stringify(m.body).includes('Dense'), 'the layers are the model, not ops of the penalty');
  });
});

describe('Inline losses: names', () => {
  it("names a layer's self.add_loss by the method it is written in (Class.call), a module-level one add_loss", () => {
    const a = analyze(`import tensorflow as tf
from tensorflow import keras
class Sparse(keras.layers.Layer):
    def call(self, inputs):
        self.add_loss(1e-3 * tf.reduce_sum(tf.abs(inputs)))
        return inputs
`);
    assert.deepEqual(a.models.map((m) => [m.className, m.name, m.kind]), [['Sparse', 'call', 'add-loss']]);
  });
});
