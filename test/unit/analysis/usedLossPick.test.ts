// The loss a command means is the one training optimises (issue 9 §1), followed back from what is differentiated,
// whatever the batch, the helpers or the framework look like. Shapes seen in public training code, in our own words.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss, qualifiedName } from '../../../src/analysis/index';
import { check } from '../rules/corpus';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

describe('The used loss, followed back from what is optimised', () => {
  it('finds a loop whose model takes every column of the batch (no label column) and unpacks a helper’s (loss, reg)', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
DECAY = 1e-3
def pair_terms(pos, neg, rows):
    ranking = F.relu(1.0 + pos - neg).mean()
    reg = rows.pow(2).sum(dim=1).mean()
    return ranking, reg
def fit(model, triples, opt):
    for heads, relations, tails in triples:
        pos, neg, rows = model(heads, relations, tails)
        ranking, reg = pair_terms(pos, neg, rows)
        loss = ranking + DECAY * reg
        opt.zero_grad()
        loss.backward()
`);
    const m = model(a, 'loss');
    assert.equal(m.kind, 'inline');
    assert.equal(m.yPred, 'pos', 'the model is called with the last batch column too: that column is an input, not the target');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:ranking', 'penalty:+:reg*DECAY']);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model === m && chosen.why === 'backward');
  });

  it('follows a dict entry stepped by backward (`out["total_loss"].backward()`) into the helper that returns the dict', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
W = 0.2
def parts(logits, labels, weight=1.0):
    ce = F.cross_entropy(logits, labels)
    spread = logits.softmax(1).var(0).mean()
    return {"total_loss": ce + weight * spread, "ce": ce.item()}
def train(net, features, labels, opt):
    for step in range(100):
        logits = net(features)
        out = parts(logits, labels, weight=W)
        out["total_loss"].backward()
        opt.step()
`);
    const m = model(a, 'total_loss');
    assert.equal(m.kind, 'inline');
    assert.deepEqual([m.yPred, m.yTrue], ['logits', 'labels'], 'the name compared with the output is the target, the keyword a setting');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:ce', 'penalty:+:spread*W']);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model === m && chosen.why === 'backward');
  });

  it('reads a helper’s returned {"loss": …} through the entry the caller steps, and the own return of such a dict through "loss"', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def objective(recon, x, code, beta=0.1):
    rec = F.mse_loss(recon, x)
    sparse = code.abs().mean()
    return {"loss": rec + beta * sparse, "rec": rec.detach()}
for x, _ in loader:
    recon, code = ae(x)
    losses = objective(recon, x, code, beta=0.05)
    losses["loss"].backward()
`);
    const m = model(a, 'loss');
    assert.equal(m.kind, 'inline');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:sparse*0.05']);
    assert.deepEqual(model(a, 'objective').terms.map(termSummary), ['base:+:rec', 'penalty:+:sparse*beta']);
  });

  it('reads a second module of the file that takes the batch and the model’s output as a stage of the model, not as the loss', () => {
    const a = analyze(`import torch
import torch.nn as nn
import torch.nn.functional as F
class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(8, 4)
    def forward(self, x):
        return torch.sigmoid(self.net(x))
class Gated(nn.Module):
    def __init__(self):
        super().__init__()
        self.out = nn.Linear(8, 3)
    def forward(self, x, gates):
        return self.out(x) * gates.mean(1, keepdim=True)
gate = Gate()
head = Gated()
for x, y in loader:
    gates = gate(x)
    logits = head(x, gates)
    loss = F.cross_entropy(logits, y) + 0.01 * gates.mean()
    loss.backward()
`);
    const m = model(a, 'loss');
    assert.equal(m.yPred, 'logits');
    assert.ok(m.params.some((p) => p.name === 'gates' && p.modelOutput !== undefined), 'the gates are a tensor of the model');
    assert.ok(!JSON.stringify(m.body).includes('nn.Linear'), "the second module's layers are not read into the loss");
  });

  it('picks the loss a custom step optimises over layer regularisers it never adds (Keras adds them only in its own fit), and says so', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow.keras import layers, regularizers
inp = tf.keras.Input(shape=(8,))
h = layers.Dense(16, activation="relu", kernel_regularizer=regularizers.l2(1e-4))(inp)
out = layers.Dense(1)(h)
model = tf.keras.Model(inp, out)
for xb, yb in dataset:
    with tf.GradientTape() as tape:
        pred = model(xb, training=True)
        step_loss = tf.reduce_mean(tf.square(yb - pred))
    grads = tape.gradient(step_loss, model.trainable_weights)
`);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.equal(chosen.model.name, 'step_loss');
    assert.match(chosen.because, /layer penalties l2 are not added by the file's own step/);
    assert.ok(chosen.others.some((m) => m.kind === 'regularizer'), 'the regularisers are listed among the others');
  });

  it('keeps a layer regulariser the loss of compile gets (Keras fit adds it) when the file has no step of its own', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow.keras import layers, regularizers
model = tf.keras.Sequential([layers.Dense(16, kernel_regularizer=regularizers.l2(1e-4)), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y)
`);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model.kind === 'regularizer');
  });

  it('names the loss of a function that runs the whole fit where it is assigned, and reads its data parameters as the batch', () => {
    const a = analyze(`import tensorflow as tf
def train(model, X, y, optimizer, epochs, lam=1e-3):
    for i in range(epochs):
        with tf.GradientTape() as tape:
            y_hat = model(X, training=True)
            error = tf.reduce_mean(tf.square(y - y_hat))
            l2 = tf.add_n([tf.nn.l2_loss(w) for w in model.trainable_weights])
            total = error + lam * l2
        grads = tape.gradient(total, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
`);
    const m = model(a, 'total');
    assert.equal(m.kind, 'training-step');
    assert.deepEqual([m.yPred, m.yTrue], ['y_hat', 'y'], 'X and y are the data: model is called, optimizer stepped');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:error', 'penalty:+:l2*lam']);
  });

  it('picks what the file’s own step differentiates over a penalised loss class it builds but never calls, and says it has no penalty', () => {
    const src = `import torch
from torch import nn
class SparseCodeLoss(nn.Module):
    def __init__(self, lam):
        super().__init__()
        self.lam = lam
    def forward(self, recon, x, codes):
        return nn.functional.mse_loss(recon, x) + self.lam * codes.abs().sum()
sparse_criterion = SparseCodeLoss(0.01)
ce = nn.CrossEntropyLoss()
def fit(model, loader, opt):
    for xb, yb in loader:
        recon, logits = model(xb)
        rec = nn.functional.mse_loss(recon, xb)
        total = rec + ce(logits, yb)
        opt.zero_grad()
        total.backward()
`;
    const c = chooseLoss(analyze(src));
    assert.ok(c.ok);
    assert.equal(c.model.name, 'total', 'the loss the loop steps, not the criterion built and never called');
    assert.equal(c.why, 'backward');
    assert.match(c.because, /it has no penalty/);
    // a step that calls a criterion it is handed may be calling that class: the penalised class is still the pick
    const handed = src.replace('def fit(model, loader, opt):', 'def fit(model, loader, opt, crit):').replace('total = rec + ce(logits, yb)', 'total = crit(recon, xb, logits)');
    const h = chooseLoss(analyze(handed));
    assert.ok(h.ok);
    assert.equal(qualifiedName(h.model), 'SparseCodeLoss');
  });

  it('keeps a step whose loss is a parameter the script hands a loss function (`loss(preds, x)` with `train(…, mse_loss)`) as the loss, over a layer regulariser', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow import keras
enc = keras.layers.Dense(16, activity_regularizer=keras.regularizers.l1(1e-4))
def mse_loss(preds, real):
    return tf.reduce_mean(tf.square(preds - real))
def step(loss, model, opt, batch):
    with tf.GradientTape() as tape:
        preds = model(batch)
        err = loss(preds, batch)
    grads = tape.gradient(err, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
def fit(model, opt, loss, data):
    for b in data:
        step(loss, model, opt, b)
if __name__ == "__main__":
    fit(keras.Sequential([enc]), keras.optimizers.Adam(), mse_loss, [])
`);
    const c = chooseLoss(a);
    assert.ok(c.ok);
    assert.equal(c.model.kind, 'training-step', qualifiedName(c.model));
  });

  it('reports a file whose only training is compile with a framework loss as that loss, used and penalty-free, not "no loss found"', () => {
    const py = analyze(`import tensorflow as tf
from tensorflow import keras
def rmse(y_true, y_pred):
    return tf.sqrt(tf.reduce_mean(tf.square(y_pred - y_true)))
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(optimizer="adam", loss=keras.losses.Huber(delta=2.0), metrics=[rmse])
`);
    const c = chooseLoss(py);
    assert.ok(c.ok);
    assert.equal(c.model.name, 'Huber', 'the compiled loss, not the metric that comes first');
    assert.equal(c.why, 'compiled');
    assert.match(c.because, /no loss the file optimises has a penalty/);
    assert.deepEqual(c.model.terms.map(termSummary), ['base:+:Huber']);
    const js = analyze(`const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [4] }));
model.compile({ optimizer: tf.train.sgd(0.01), loss: tf.losses.meanSquaredError });
`, 'javascript');
    const cj = chooseLoss(js);
    assert.ok(cj.ok && cj.model.name === 'meanSquaredError' && cj.why === 'compiled');
  });

  it('adds no compiled-loss model where the compiled loss is the file’s own, gets add_loss/regularizer terms, or a custom step runs', () => {
    const own = analyze(`import tensorflow as tf
def bounded(y_true, y_pred, lam=0.1):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * tf.reduce_mean(tf.nn.relu(-y_pred))
model.compile(optimizer="adam", loss=bounded)
`);
    assert.deepEqual(own.models.map((m) => m.name), ['bounded']);
    const step = analyze(`import tensorflow as tf
class Net(tf.keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            pred = self(x, training=True)
            loss = tf.reduce_mean(tf.square(y - pred))
        grads = tape.gradient(loss, self.trainable_variables)
        return {"loss": loss}
net = Net()
net.compile(optimizer="adam", loss="mse")
`);
    assert.deepEqual(step.models.map((m) => m.name), ['train_step']);
  });

  it('reads a TF.js closure with no model that optimises a tf.variable directly: the variable is the prediction, a penalty on it no output-sparsity mistake', () => {
    const { analysis, findings } = check(`const tf = require('@tensorflow/tfjs');
const image = tf.variable(tf.randomUniform([32, 32, 3]));
const opt = tf.train.adam(0.05);
function score(img) { return tf.mean(tf.sigmoid(img.mul(3))); }
for (let i = 0; i < 100; i++) {
  const { value, grads } = tf.variableGrads(() => {
    const act = score(image);
    const l2 = tf.mean(tf.square(image)).mul(0.02);
    return act.sub(l2).neg();
  });
  opt.applyGradients(grads);
}
`, 'javascript', 'vis.js');
    const m = model(analysis, 'variableGrads');
    assert.deepEqual([m.yPred, m.yTrue, m.optimisedDirectly], ['image', '', true]);
    assert.deepEqual(m.terms.map((t) => [t.role, t.label]), [['base', 'act'], ['penalty', 'l2']]);
    assert.deepEqual(findings.map((f) => f.code).filter((c) => c === 'LL110'), [], 'the penalty is on the parameters being fitted');
  });

  it('follows a TF.js minimize closure to the class method it calls (`this.objective(ys, pred)`): that method is the loss, over the layer regularisers the closure never adds', () => {
    const a = analyze(`class Net {
  objective(yTrue, yPred) {
    const fit = tf.losses.meanSquaredError(yTrue, yPred);
    return fit.add(tf.mean(tf.relu(yPred)).mul(0.3));
  }
  train(xs, ys) {
    this.model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3], kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }) })] });
    this.optimizer.minimize(() => { const pred = this.model.predict(xs); return this.objective(ys, pred); });
  }
}
`, 'javascript');
    const c = chooseLoss(a);
    assert.ok(c.ok);
    assert.equal(qualifiedName(c.model), 'Net.objective');
    assert.equal(c.why, 'training_step');
    assert.match(c.because, /not added by the file's own step/);
  });
});

