// Losses written in shapes discovery used to miss or misname (task "find"): a class field whose arrow a call wraps,
// a loss class defined inside a builder function, a model method returning (out, loss), a loop's loss that is one
// call of a function of the file. Snippets in our own words, in the shapes public training code uses.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss, qualifiedName } from '../../../src/analysis/index';
import { runRules } from '../../../src/analysis/rules';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const picked = (src: string, language: 'python' | 'typescript' | 'javascript' = 'python'): string => {
  const c = chooseLoss(analyze(src, language));
  return c.ok ? qualifiedName(c.model) : c.message;
};

describe('Discovery: shapes found and named', () => {
  it('finds a TS class field whose arrow is wrapped in a call (wrap(…), tf.customGrad(…))', () => {
    const src = `import * as tf from '@tensorflow/tfjs';
class Trainer {
  private lam = 0.1;
  private lossFn = wrap((yTrue: tf.Tensor, yPred: tf.Tensor) => {
    const mse = tf.losses.meanSquaredError(yTrue, yPred);
    const pen = tf.relu(yPred.neg()).mean();
    return mse.add(pen.mul(this.lam));
  });
}
class Custom {
  loss = tf.customGrad((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.meanSquaredError(yTrue, yPred).add(tf.abs(yPred).mean().mul(0.2)));
}
`;
    const a = analyze(src, 'typescript');
    assert.deepEqual(a.models.map(qualifiedName), ['Trainer.lossFn', 'Custom.loss']);
    assert.deepEqual(model(a, 'lossFn').terms.map(termSummary), ['base:+:mse', 'penalty:+:pen*this.lam']);
    assert.equal(model(a, 'loss').kind, 'class-field');
  });

  it('finds a Loss class defined inside a builder that returns an instance of it, named and bound as a factory', () => {
    const src = `import tensorflow as tf
from tensorflow import keras
def build_loss(lam=0.1):
    scale = 2.0
    class SumLoss(keras.losses.Loss):
        def call(self, y_true, y_pred):
            mse = tf.reduce_mean(tf.square(y_true - y_pred))
            pen = tf.reduce_mean(tf.square(tf.reduce_sum(y_pred, axis=-1) - 1.0))
            return mse + lam * scale * pen
    return SumLoss()
model.compile(optimizer="adam", loss=build_loss(0.5))
`;
    const a = analyze(src);
    const m = model(a, 'build_loss');
    assert.equal(m.kind, 'module-forward');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse', 'penalty:+:pen*lam * scale']);
    assert.ok(m.usages.some((u) => u.kind === 'compile'), 'the file compiles what the builder returns');
    assert.equal(picked(src), 'build_loss');
  });

  it('reads a model forward returning (out, loss) through its loss item, and a Keras compute_loss returning a dict of terms', () => {
    const src = `import torch
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)
    def forward(self, x, y):
        out = self.fc(x)
        loss = F.mse_loss(out, y) + 0.1 * out.abs().mean()
        return out, loss
net = Net()
for x, y in loader:
    out, loss = net(x, y)
    opt.zero_grad()
    loss.backward()
`;
    const m = model(analyze(src), 'Net');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse_loss', 'penalty:+:out*0.1'], 'the second item is the loss, not the output');
    assert.equal(picked(src), 'Net');
    const keras = `import tensorflow as tf
from tensorflow import keras
class Plain(keras.Model):
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        return tf.reduce_mean(tf.square(y - y_pred))
class Penalised(keras.Model):
    def compute_loss(self, x, y, y_pred, sample_weight):
        mse = tf.reduce_mean(tf.square(y - y_pred))
        pen = tf.reduce_mean(tf.nn.relu(-y_pred))
        return {"loss": mse + 0.3 * pen, "mse": mse}
`;
    assert.equal(picked(keras), 'Penalised.compute_loss', 'two classes share the method name: each is read on its own');
  });

  it("reads a method returning a list led by one part (`return [recon_loss, total]`) through the item named as the total", () => {
    const src = `import torch
import torch.nn as nn
import torch.nn.functional as F
SPARSITY_WEIGHT = 0.01
class CodedAE(nn.Module):
    def compute_loss(self, recon, x, code):
        recon_loss = F.binary_cross_entropy(recon, x)
        sparsity = SPARSITY_WEIGHT * torch.mean(torch.abs(code.mean(dim=0) - 0.05))
        total = recon_loss + sparsity
        return [recon_loss, total]
`;
    assert.deepEqual(model(analyze(src), 'compute_loss').terms.map(termSummary), ['base:+:recon_loss', 'penalty:+:sparsity*SPARSITY_WEIGHT']);
  });

  it('splits tf.addN([base, λ·p, μ·q]) of a written array into its terms, so the loss with penalties is the one picked', () => {
    const src = `const tf = require('@tensorflow/tfjs');
const W_SMOOTH = 0.05;
function plainLoss(yTrue, yPred) {
  return tf.losses.meanSquaredError(yTrue, yPred);
}
function shapedLoss(yTrue, yPred) {
  const fit = tf.losses.meanSquaredError(yTrue, yPred);
  const rough = tf.mean(tf.abs(tf.sub(yPred.slice([0, 1]), yPred.slice([0, 0], [-1, 3]))));
  const neg = tf.mean(tf.relu(tf.neg(yPred)));
  return tf.addN([fit, tf.mul(W_SMOOTH, rough), tf.mul(0.2, neg)]);
}
function step(a, b, x, y) {
  tf.variableGrads(() => plainLoss(y, a.apply(x)));
  tf.variableGrads(() => shapedLoss(y, b.apply(x)));
}
`;
    const a = analyze(src, 'javascript');
    assert.deepEqual(model(a, 'shapedLoss').terms.map(termSummary), ['base:+:fit', 'penalty:+:rough*W_SMOOTH', 'penalty:+:neg*0.2']);
    assert.equal(picked(src, 'javascript'), 'shapedLoss');
  });

  it('names a loop loss that is one call of a function of the file by that function, whatever its name', () => {
    const src = `import torch.nn.functional as F
def step_terms(a, b, c):
    fit = F.l1_loss(a, b)
    spread = c.pow(2).mean()
    return fit + 0.5 * spread
def run(model, data, opt):
    for inp, tgt in data:
        pred, hidden = model(inp)
        total = step_terms(pred, tgt, hidden)
        opt.zero_grad()
        total.backward()
        opt.step()
`;
    const a = analyze(src);
    const m = model(a, 'step_terms');
    assert.equal(m.kind, 'inline');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:spread*0.5']);
    assert.equal(picked(src), 'step_terms');
  });

  it('finds a loss whose arguments say their role by suffix (temp_pred, temp_obs), and picks it where the loop calls it before backward', () => {
    const src = `import torch
import torch.nn.functional as F

def physics_guided_loss(temp_pred, temp_obs, lam=0.3):
    fit = F.mse_loss(temp_pred, temp_obs)
    warm_above = torch.relu(temp_pred[:, 1:] - temp_pred[:, :-1]).mean()
    return fit + lam * warm_above

for i in range(0, 2048, 128):
    loss = physics_guided_loss(model(drivers[i:i + 128]), profiles[i:i + 128])
    loss.backward()
`;
    const m = model(analyze(src), 'physics_guided_loss');
    assert.deepEqual(
      m.params.filter((p) => p.role === 'yPred' || p.role === 'yTrue').map((p) => `${p.role} ${p.name}`),
      ['yPred temp_pred', 'yTrue temp_obs'],
    );
    assert.equal(picked(src), 'physics_guided_loss');
  });

  it('finds a closure that optimises factor tables kept in module `let`s set in the training function, with no batch-sum or no-gradient alarm', () => {
    const src = `import * as tf from '@tensorflow/tfjs';
const REG = 0.02;
let users: tf.Variable | null = null;
let items: tf.Variable | null = null;
export function fitFactors(u: tf.Tensor1D, i: tf.Tensor1D, ratings: tf.Tensor1D) {
  users = tf.variable(tf.randomNormal([50, 6]));
  items = tf.variable(tf.randomNormal([80, 6]));
  const opt = tf.train.adam(0.05);
  const objective = () => {
    const scores = tf.sum(tf.mul(tf.gather(users!, u), tf.gather(items!, i)), 1);
    const fit = tf.mean(tf.square(tf.sub(scores, ratings)));
    const usersL2 = tf.mul(tf.sum(tf.square(users!)), REG);
    const itemsL2 = tf.mul(tf.sum(tf.square(items!)), REG);
    return tf.add(fit, tf.add(usersL2, itemsL2)) as tf.Scalar;
  };
  for (let e = 0; e < 20; e++) opt.minimize(objective);
}
`;
    const a = analyze(src, 'typescript');
    assert.equal(picked(src, 'typescript'), 'objective');
    assert.deepEqual(model(a, 'objective').terms.map(termSummary), ['base:+:fit', 'penalty:+:usersL2*REG', 'penalty:+:itemsL2*REG']);
    assert.deepEqual(runRules(a, src).map((f) => f.code), []);
  });

  it("of a model's several outputs, the prediction is the one the framework criterion compares with the target, not the first", () => {
    const src = `import torch
from torch import nn
criterion = nn.CrossEntropyLoss()
spread = SpreadLoss()
weight_spread = 0.01
def train(model, loader, opt):
    for data, labels in loader:
        features, logits = model(data)
        loss_ce = criterion(logits, labels)
        loss_spread = spread(features, labels)
        loss = loss_ce + weight_spread * loss_spread
        opt.zero_grad()
        loss.backward()
        opt.step()
`;
    const a = analyze(src);
    const loss = model(a, 'loss');
    assert.equal(loss.params.find((p) => p.role === 'yPred')?.name, 'logits');
    assert.deepEqual(loss.terms.map((t) => `${t.role} ${t.label}`), ['base loss_ce', 'penalty loss_spread']);
    assert.ok(!runRules(a, src).some((f) => f.code === 'LL101'));
  });

  it("in a Keras train_step that runs the model and then its encoder, the prediction is what compiled_loss compares with the target", () => {
    const src = `import tensorflow as tf
from tensorflow import keras
class AE(keras.Model):
    def __init__(self, alpha=0.1):
        super().__init__()
        self.alpha = alpha
        self.encoder = keras.Sequential([keras.layers.Dense(4)])
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            z = self.encoder(x, training=True)
            loss = self.compiled_loss(y, y_pred) + self.alpha * tf.reduce_mean(tf.square(z))
        grads = tape.gradient(loss, self.trainable_variables)
        return {"loss": loss}
model = AE()
model.compile(optimizer="adam", loss="mse")
`;
    const loss = model(analyze(src), 'train_step');
    assert.equal(loss.params.find((p) => p.role === 'yPred')?.name, 'y_pred');
    assert.equal(loss.params.find((p) => p.name === 'z')?.role, 'tensor');
  });
});
