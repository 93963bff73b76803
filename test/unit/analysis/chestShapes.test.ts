// Rules found while reading the chest batch, each in a snippet of our own: a TF.js class whose set-up method declares
// the loss arrow it compiles with, an error of the fit subtracted under a name that says bonus, and a model's loss
// method that takes the batch, runs the model through a method wrapping its forward and returns its total nested in
// a tuple the loop unpacks (`(loss, _), logs = model.step_loss(batch)`); and two no-loss gaps of earlier batches: a
// model whose forward returns its loss beside its output (`return x, loss`), and a Keras model class defined inside
// the function that builds the model, with its own train_step; a loop whose terms are helpers handed the model
// (a PINN's `loss_pde = residual_loss(net, x, t)`), with no forward pass of its own; a trainer's loss method
// called on the object (`loss, logs = self.calc_loss(out, y)`) is the loss `.backward()` is called on, not a loss
// class it holds; a TS loss arrow whose block never returns a value is LL114 and gives no model; a per-sample
// loss reduced where it is differentiated (`l.sum().backward()`) is the loop's loss, not the helper it calls.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss, qualifiedName } from '../../../src/analysis/index';
import { runRules } from '../../../src/analysis/rules/index';
import { checkNoReturn } from '../../../src/analysis/rules/noReturn';
import { analyze, ready, termSummary } from './helpers';

before(() => ready);

const setupMethodArrow = `import * as tf from '@tensorflow/tfjs';

class Forecaster {
  build() {
    this.net = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [5] })] });
    const fitLoss = (yTrue, yPred) => {
      const err = tf.losses.meanSquaredError(yTrue, yPred);
      const spread = tf.mean(tf.square(yPred));
      return tf.add(err, tf.mul(0.2, spread));
    };
    this.net.compile({ optimizer: 'adam', loss: fitLoss });
  }
}
`;

const negatedFit = `import * as tf from '@tensorflow/tfjs';

const lossFn = (yTrue, yPred) => {
  const fit = tf.losses.meanSquaredError(yTrue.slice([0, 0], [-1, 1]), yPred.slice([0, 0], [-1, 1]));
  const gainReward = tf.neg(tf.losses.meanSquaredError(yTrue.slice([0, 1], [-1, 1]), yPred.slice([0, 1], [-1, 1])));
  return tf.add(fit, gainReward);
};
model.compile({ optimizer: 'sgd', loss: lossFn });
`;

const nestedTupleMethod = `import torch
import torch.nn as nn
import torch.nn.functional as F

class Tagger(nn.Module):
    def __init__(self, beta=0.02):
        super().__init__()
        self.emb = nn.Embedding(50, 8)
        self.out = nn.Linear(8, 5)
        self.beta = beta

    def forward(self, tokens):
        return self.out(self.emb(tokens))

    def scores(self, tokens):
        return self.forward(tokens)

    def step_loss(self, batch):
        logits = self.scores(batch["tokens"])
        ce = F.cross_entropy(logits, batch["tags"])
        l2 = self.out.weight.pow(2).sum()
        return (ce + self.beta * l2, l2), {"ce": ce.item()}

model = Tagger()
opt = torch.optim.Adam(model.parameters())
for batch in loader:
    (loss, _), logs = model.step_loss(batch)
    opt.zero_grad()
    loss.backward()
    opt.step()
`;

const forwardReturnsLoss = `import torch
import torch.nn as nn
import torch.nn.functional as F

class Denoiser(nn.Module):
    def __init__(self, smooth_weight=0.05):
        super().__init__()
        self.net = nn.Linear(6, 6)
        self.smooth_weight = smooth_weight

    def forward(self, noisy):
        clean = self.net(noisy)
        fit = F.l1_loss(clean, noisy)
        smooth = (clean[:, 1:] - clean[:, :-1]).abs().mean()
        loss = fit + self.smooth_weight * smooth
        return clean, loss

def fit(model, loader):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    for (x,) in loader:
        _, loss = model(x)
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

const builtModelStep = `import tensorflow as tf
from tensorflow import keras

def build_model(width=16):
    inputs = keras.Input(shape=(4,))
    outputs = keras.layers.Dense(1)(keras.layers.Dense(width, activation="relu")(inputs))

    class Bounded(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                pred = self(x, training=True)
                fit_loss = tf.reduce_mean(tf.square(y - pred))
                bound = tf.reduce_mean(tf.nn.relu(pred - 1.0))
                total = fit_loss + 3.0 * bound
            grads = tape.gradient(total, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            return {"loss": total}

    model = Bounded(inputs, outputs)
    model.compile(optimizer="adam")
    return model
`;

const helpersHandedModel = `import torch
import torch.nn as nn

def fit_term(net, xs, us):
    return torch.mean((net(xs) - us) ** 2)

def decay_term(net, xs):
    return torch.mean(net(xs + 3.0) ** 2)

W_DECAY = 0.3
net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
xs, us = torch.rand(64, 2), torch.rand(64, 1)
for it in range(500):
    opt.zero_grad()
    loss_fit = fit_term(net, xs, us)
    loss_decay = decay_term(net, xs)
    loss = loss_fit + W_DECAY * loss_decay
    loss.backward()
    opt.step()
`;

const trainerLossMethod = `import torch
import torch.nn as nn
import torch.nn.functional as F

class PairCost(nn.Module):
    def forward(self, a, b):
        return (a @ b.t()).abs().mean()

class Runner:
    def __init__(self, lam=0.01):
        self.net = nn.Linear(8, 8)
        self.pair = PairCost()
        self.lam = lam

    def calc_loss(self, out, y):
        fit = F.mse_loss(out, y)
        pair = self.pair(out, self.net.weight)
        return fit + self.lam * pair, {"fit": fit.item()}

    def run(self, loader):
        opt = torch.optim.SGD(self.net.parameters(), lr=0.1)
        for x, y in loader:
            out = self.net(x)
            loss, logs = self.calc_loss(out, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
`;

const blockNeverReturns = `import * as tf from '@tensorflow/tfjs';

const boundedLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => {
  const fit = tf.mean(tf.square(tf.sub(yPred, yTrue)));
  const over = tf.mean(tf.relu(tf.sub(yPred, 1)));
  tf.add(fit, tf.mul(0.5, over));
};
model.compile({ optimizer: 'adam', loss: boundedLoss });
`;

const reducedAtBackward = `import torch

def sq_err(y_hat, y):
    return (y_hat - y) ** 2 / 2

def ridge(w):
    return torch.sum(w ** 2) / 2

def run(lambd):
    w = torch.zeros(4, 1, requires_grad=True)
    net = lambda X: X @ w
    for X, y in batches:
        l = sq_err(net(X), y) + lambd * ridge(w)
        l.sum().backward()

run(lambd=2)
`;

describe('chest shapes', () => {
  it('a TS class method that is not a loss declares the arrow it compiles with: that arrow is the loss', () => {
    const a = analyze(setupMethodArrow, 'typescript');
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.equal(qualifiedName(chosen.model), 'fitLoss');
    assert.deepEqual(chosen.model.terms.map(termSummary), ['base:+:err', 'penalty:+:spread*0.2']);
  });

  it('an error of the fit subtracted is a negated penalty, and LL104 fires whatever its name says (reward)', () => {
    const a = analyze(negatedFit, 'typescript');
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.deepEqual(chosen.model.terms.map(termSummary), ['base:+:fit', 'penalty:-:gainReward']);
    assert.ok(runRules(a, negatedFit).some((f) => f.code === 'LL104'));
  });

  it('a loss method on the batch, through a forward wrapper, returning its total nested in a tuple, is the loss', () => {
    const a = analyze(nestedTupleMethod);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.equal(qualifiedName(chosen.model), 'Tagger.step_loss');
    assert.deepEqual(chosen.model.terms.map(termSummary), ['base:+:ce', 'penalty:+:l2*self.beta']);
    assert.deepEqual(runRules(a, nestedTupleMethod).map((f) => f.code), []);
  });

  it('a model whose forward returns its loss beside its output is the loss the loop differentiates', () => {
    const a = analyze(forwardReturnsLoss);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.equal(qualifiedName(chosen.model), 'Denoiser');
    assert.deepEqual(chosen.model.terms.map(termSummary), ['base:+:fit', 'penalty:+:smooth*self.smooth_weight']);
  });

  it('a Keras model class defined in the function that builds the model: its train_step is the loss', () => {
    const a = analyze(builtModelStep);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.match(qualifiedName(chosen.model), /train_step$/);
    assert.deepEqual(chosen.model.terms.map(termSummary), ['base:+:fit_loss', 'penalty:+:bound*3.0']);
  });

  it('a loop with no forward pass, its terms helpers handed the model, is the loss (the model stands for the prediction)', () => {
    const a = analyze(helpersHandedModel);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.equal(qualifiedName(chosen.model), 'loss');
    assert.deepEqual(chosen.model.terms.map(termSummary), ['base:+:loss_fit', 'penalty:+:loss_decay*W_DECAY']);
  });

  it("a trainer's loss method called on its object and unpacked is the loss .backward() is called on", () => {
    const a = analyze(trainerLossMethod);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.equal(qualifiedName(chosen.model), 'Runner.calc_loss');
    assert.equal(chosen.why, 'backward');
  });

  it('a TS loss arrow whose block never returns a value is LL114 and gives no model', () => {
    const a = analyze(blockNeverReturns, 'typescript');
    assert.deepEqual(a.noValue?.map((d) => d.name), ['boundedLoss']);
    assert.ok(!a.models.some((m) => m.name === 'boundedLoss'));
    assert.match(checkNoReturn(a)[0]?.message ?? '', /gets undefined/);
  });

  it('a per-sample loss reduced at its backward (`l.sum().backward()`) is the loop loss, not its helper', () => {
    const chosen = chooseLoss(analyze(reducedAtBackward));
    assert.ok(chosen.ok);
    assert.equal(qualifiedName(chosen.model), 'l');
  });
});
