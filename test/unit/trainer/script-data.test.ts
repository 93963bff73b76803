// Losses that read the script's data (issue 10 §2): the batches of the script's own loop are the trial's batches,
// and each name the trial maps is said in its header. Losses come from source through the analysis front end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { chooseLoss } from '../../../src/analysis/choose';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

async function picked(source: string): Promise<LossModel> {
  await initParsers();
  const choice = chooseLoss({ models: analyzeSource(source, 'python', 'script.py').models });
  assert.ok(choice.ok, choice.ok ? '' : choice.message);
  return choice.model;
}

/** Trains `loss` for λ = 0 and 10; the started message and each run's last raw value of the penalty `label`. */
async function trained(loss: LossModel, label: string, steps = 60) {
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  const id = loss.terms.find((t) => t.label === label)?.id;
  assert.ok(id, `a penalty named ${label} among ${loss.terms.map((t) => t.label).join(', ')}`);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const last = (run: string) => points.filter((p) => p.runId === run).at(-1)!.terms[id]!.raw;
  return { started, last };
}

test("a loss function called in the loop with the loop's target batch keeps that argument its target, and trains", async () => {
  const source = `import torch
import torch.nn.functional as F

def fit_loss(pred, target, w=0.5):
    value = target[:, 0]
    weight = target[:, 1]
    return (weight * (pred[:, 0] - value) ** 2).mean() + w * torch.relu(-pred).mean()

def train(model, loader, opt):
    for xb, yb in loader:
        opt.zero_grad()
        loss = fit_loss(model(xb), yb)
        loss.backward()
        opt.step()
`;
  const loss = await picked(source);
  assert.equal(loss.name, 'fit_loss');
  // the loop's `yb` is a batch, not a settings object whose entries (`target[:, 0]`) the loss would read
  assert.ok(loss.params.some((p) => p.name === 'target' && p.role === 'yTrue'));
  assert.doesNotMatch(JSON.stringify(loss.body), /"name":"yb"/);
  const { last } = await trained(loss, 'relu(-pred)');
  assert.ok(Number.isFinite(last('l0')) && Number.isFinite(last('l10')));
});

test("minibatches cut by a loop's index (`yb = Y[i:i + bs]`) are the trial's batches: the target stays the loss's target", async () => {
  const source = `import torch
import torch.nn as nn

def run(model, X, Y, opt, bs=32):
    criterion = nn.MSELoss()
    for epoch in range(5):
        for i in range(0, X.shape[0], bs):
            xb = X[i:i + bs]
            yb = Y[i:i + bs].float()
            out = model(xb)
            loss = criterion(out, yb) + 0.1 * out.abs().mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
`;
  const loss = await picked(source);
  assert.equal(loss.yTrue, 'yb');
  assert.equal(loss.yPred, 'out');
  const { last } = await trained(loss, 'out.abs()');
  assert.ok(last('l10') < last('l0'), `|out| ${last('l10')} at λ = 10 against ${last('l0')} at λ = 0`);
});

test("both halves of a batch cut in one tuple assignment (`xb, yb = X[i:i + bs], Y[i:i + bs]`) are the trial's batches", async () => {
  const source = `import torch
import torch.nn as nn

def run(model, X, Y, opt, bs=32):
    criterion = nn.MSELoss()
    for i in range(0, len(X), bs):
        xb, yb = X[i:i + bs], Y[i:i + bs]
        out = model(xb)
        loss = criterion(out, yb) + 0.1 * out.abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
`;
  const loss = await picked(source);
  assert.equal(loss.yTrue, 'yb');
  assert.doesNotMatch(JSON.stringify(loss.body), /"name":"(Y|i)"/, 'the whole tensor sliced by the index is not read');
  const { last } = await trained(loss, 'out.abs()');
  assert.ok(last('l10') < last('l0'), `|out| ${last('l10')} at λ = 10 against ${last('l0')} at λ = 0`);
});

test("targets cut in place by the loop's index (`criterion(pred, maps[i:i + 40])`) are the batch's target, named after the data", async () => {
  const source = `import torch
import torch.nn as nn

MONO = 0.5
model = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Linear(32, 8))
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
params = torch.rand(800, 6)
maps = torch.cumsum(torch.rand(800, 8), dim=1)

for epoch in range(20):
    for i in range(0, 800, 40):
        pred = model(params[i:i + 40])
        loss = criterion(pred, maps[i:i + 40].float()) + MONO * torch.relu(pred[:, :-1] - pred[:, 1:]).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`;
  const loss = await picked(source);
  assert.equal(loss.yTrue, 'maps');
  assert.doesNotMatch(JSON.stringify(loss.body), /"name":"i"/, 'the index is not read: the cut is the batch');
  const { last } = await trained(loss, 'relu(pred[:, :-1] - pred[:, 1:])', 200);
  assert.ok(last('l10') < last('l0'), `rises ${last('l10')} at λ = 10 against ${last('l0')} at λ = 0`);
});

/** The trial's failure message for `loss` (it must fail before training). */
async function refused(loss: LossModel): Promise<string> {
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5 }), { send: (m) => messages.push(m), shouldStop: () => false });
  const error = messages.find((m) => m.type === 'error');
  assert.ok(error?.type === 'error', 'refused');
  return error.message;
}

const kerasStep = (width: string) => `import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

class Fitter(tf.keras.Model):
    def __init__(self, width, beta=0.01, **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.beta = beta
        self.net = tf.keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(4)])

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            pred = self.net(x)
            fit = tf.reduce_mean(tf.square(y - pred)) * self.width
            loss = fit + self.beta * tf.reduce_mean(tf.abs(pred))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss}

x_train = np.load("x.npy")
y_train = np.load("y.npy")
model = Fitter(width=${width})
model.compile(optimizer="adam")
model.fit(x_train, y_train, epochs=3)
`;

test("a setting passed as the data's width (`y_train.shape[1]`) is the trial's target width, said in the header, and trains", async () => {
  const loss = await picked(kerasStep('y_train.shape[1]'));
  const { started, last } = await trained(loss, 'abs(pred)');
  assert.match(started.trial!.model, /`self\.width` = 4, the trial's target width \(your code: `y_train\.shape\[1\]`, line 24\)/);
  assert.ok(Number.isFinite(last('l10')));
});

test("an axis the trial's flat data has not got (`x_train.shape[2]`) is refused by name, with its line and what to do", async () => {
  const message = await refused(await picked(kerasStep('x_train.shape[2]')));
  assert.match(message, /`self\.width` is `x_train\.shape\[2\]` \(line 24\), axis 2 of the script's data, which the trial's flat inputs \[\d+, 8\] have not got: pass a number for it where the loss is built/);
});

test("a statistic of the script's data passed where the loss is built (`float(np.var(y_all))`) is that statistic of the trial's data", async () => {
  const source = `import numpy as np
import torch
import torch.nn as nn

class ScaledFit(nn.Module):
    def __init__(self, variance, lam=0.1):
        super().__init__()
        self.variance = variance
        self.lam = lam

    def forward(self, pred, target):
        return ((pred - target) ** 2).mean() / self.variance + self.lam * pred.abs().mean()

y_all = np.load("targets.npy")
target_var = float(np.var(y_all))
criterion = ScaledFit(target_var)

def train(model, loader, opt):
    for xb, yb in loader:
        opt.zero_grad()
        criterion(model(xb), yb).backward()
        opt.step()
`;
  const loss = await picked(source);
  const { started, last } = await trained(loss, 'pred.abs()');
  const said = /`self\.variance` = ([\d.e-]+), the variance of the trial's training targets \(your code: `np\.var\(y_all\)`, line 15\)/.exec(started.trial!.model);
  assert.ok(said, started.trial!.model);
  assert.ok(Number(said[1]) > 0);
  assert.ok(last('l10') < last('l0'), `|pred| ${last('l10')} at λ = 10 against ${last('l0')} at λ = 0`);
});

test("a factory's `input_shape` given to `Input(shape=input_shape)` is the trial's input shape, said in the header", async () => {
  const source = `import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

def build(input_shape, lam=0.05):
    inp = layers.Input(shape=input_shape)
    out = layers.Dense(4)(layers.Dense(16, activation="relu")(inp))
    model = tf.keras.Model(inp, out)

    def loss(y_true, y_pred):
        per_value = tf.reduce_mean(tf.square(y_true - y_pred)) * np.prod(input_shape)
        return per_value + lam * tf.reduce_mean(tf.abs(y_pred))

    model.compile(optimizer="adam", loss=loss)
    return model
`;
  const loss = await picked(source);
  const { started } = await trained(loss, 'abs(y_pred)', 20);
  assert.match(started.trial!.model, /`input_shape` = \[8\], the trial's input shape \(one sample\) \(your code: `layers\.Input\(shape=input_shape\)`, line 6\)/);
});
