// Rules found while reading the mint batch, each in a snippet of our own: a model's loss method that takes the batch,
// a step whose helper adds the penalty to the loss it is handed, a loss object picked from a registry by a setting.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss, qualifiedName } from '../../../src/analysis/index';
import { findUnsupported } from '../../../src/trainer/interpreter/index';
import { weightValue } from '../realShapes/corpus';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const ranker = `import torch
import torch.nn as nn
import torch.nn.functional as F

class PairRanker(nn.Module):
    def __init__(self, n, dim=16, decay=1e-4):
        super().__init__()
        self.decay = decay
        self.emb = nn.Embedding(n, dim)
        self.head = nn.Linear(dim, 1)

    def forward(self, items):
        return self.head(self.emb(items)).squeeze(-1)

    def batch_loss(self, batch):
        pos, neg = batch["pos"], batch["neg"]
        ranking = F.softplus(self(neg) - self(pos)).mean()
        decay_term = sum(w.pow(2).sum() for w in self.parameters())
        return ranking + self.decay * decay_term

    def score_scale(self, batch):
        return self(batch["pos"]).std()

model = PairRanker(100, decay=5e-4)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for batch in loader:
    loss = model.batch_loss(batch)
    opt.zero_grad()
    loss.backward()
`;

const stepWithAdder = `import tensorflow as tf

CRITERIA = {"mae": tf.keras.losses.MeanAbsoluteError(), "mse": tf.keras.losses.MeanSquaredError()}

class Fitter:
    def __init__(self, net, criterion="mse", floor_weight=0.2):
        self.net = net
        self.criterion = CRITERIA[criterion]
        self.floor_weight = floor_weight
        self.opt = tf.keras.optimizers.Adam()

    def train_step(self, x, y):
        with tf.GradientTape() as tape:
            pred = self.net(x, training=True)
            loss_value = self.criterion(y, pred)
            loss_value = self._with_floor(loss_value, pred)
        grads = tape.gradient(loss_value, self.net.trainable_variables)
        self.opt.apply_gradients(zip(grads, self.net.trainable_variables))
        return loss_value

    def _with_floor(self, loss_value, pred):
        below = tf.reduce_mean(tf.nn.relu(-pred))
        return loss_value + self.floor_weight * below

Fitter(make_net(), criterion="mae")
`;

const delegated = `import torch
import torch.nn as nn

class OrderedCDFLoss(nn.Module):
    def __init__(self, order_weight=0.2):
        super().__init__()
        self.order_weight = order_weight

    def forward(self, cdf, batch):
        fit = ((cdf - batch["target"]) ** 2).mean()
        order = torch.relu(cdf[:, :-1] - cdf[:, 1:]).mean()
        return fit + self.order_weight * order

class CDFNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(8, 10)
        self.criterion = OrderedCDFLoss()

    def forward(self, batch):
        return torch.sigmoid(self.net(batch["x"])).cumsum(-1)

    def compute_loss(self, cdf, batch):
        return self.criterion(cdf, batch)

model = CDFNet()
for batch in loader:
    cdf = model(batch)
    loss = model.compute_loss(cdf, batch)
    loss.backward()
`;

const heads = `import torch
import torch.nn.functional as F

def fit(net, x, y_main, y_heads, steps=100, lam=0.3):
    opt = torch.optim.Adam(net.parameters())
    for _ in range(steps):
        main_logits, head_logits, gates = net(x)
        loss = F.cross_entropy(main_logits, y_main)
        for k, logits in enumerate(head_logits):
            loss = loss + F.cross_entropy(logits, y_heads[:, k])
        loss = loss + lam * gates.mean(0).pow(2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

describe('Mint batch rules', () => {
  it("reads the base's loss function summed over the model's heads in a loop as base, not as a penalty without λ", () => {
    const a = analyze(heads);
    const m = model(a, 'loss');
    assert.deepEqual(m.terms.map((t) => t.role), ['base', 'base', 'penalty']);
    assert.equal(m.terms[2]?.weight?.text, 'lam');
    assert.ok(!a.models.some((x) => x.terms.some((t) => t.role === 'penalty' && !t.weight)));
  });

  it('means the loss class a training loop reaches through one-call methods, saying the chain', () => {
    const chosen = chooseLoss(analyze(delegated));
    assert.ok(chosen.ok);
    assert.equal(qualifiedName(chosen.model), 'OrderedCDFLoss');
    assert.equal(chosen.why, 'backward');
    // (`loss = model.compute_loss(…)` gives the method itself the backward use: the chain starts there)
    assert.match(chosen.because, /OrderedCDFLoss, which CDFNet\.compute_loss only calls: CDFNet\.compute_loss: \.backward\(\) is called on it/);
    // a loop that adds its own term to the call is its own loss
    const added = chooseLoss(analyze(delegated.replace('loss = model.compute_loss(cdf, batch)', 'loss = model.compute_loss(cdf, batch) + 0.01 * cdf.abs().mean()')));
    assert.ok(added.ok);
    assert.equal(qualifiedName(added.model), 'loss');
  });

  it('finds a loss method that takes the batch and runs its own model (loss = model.batch_loss(batch); loss.backward())', () => {
    const a = analyze(ranker);
    const m = model(a, 'batch_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:ranking', 'penalty:+:decay_term*self.decay']);
    const weight = m.terms[1]?.weight;
    assert.ok(weight);
    assert.equal(weightValue(m, weight), 5e-4, 'λ is the value the script builds the model with');
    // a method that runs the model but is not differentiated is no loss
    assert.ok(!a.models.some((x) => x.name === 'score_scale'));
  });

  it("reads a step whose helper adds the penalty to the loss it is handed as the step's loss, not the helper's", () => {
    const a = analyze(stepWithAdder);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.equal(qualifiedName(chosen.model), 'Fitter.train_step');
    assert.deepEqual(chosen.model.terms.map(termSummary), ['base:+:criterion', 'penalty:+:below*self.floor_weight']);
  });

  it('resolves a loss object picked from a module registry by the setting the class is built with', () => {
    const step = chooseLoss(analyze(stepWithAdder));
    assert.ok(step.ok);
    // the registry's entry for "mae" is a framework loss the trainer has: nothing stops the trial
    assert.deepEqual(findUnsupported(step.model), []);
    assert.match(step.model.body.text, /criterion|loss_value|floor/);
    const unknownKey = stepWithAdder.replace('criterion="mae"', 'criterion=pick()');
    const refused = chooseLoss(analyze(unknownKey));
    assert.ok(refused.ok);
    assert.notDeepEqual(findUnsupported(refused.model), [], 'a key only known at run time picks no entry');
  });
});

describe('TF.js handed in as a parameter', () => {
  it('reads tf.addN of a loss given `tf` as its first argument as the sum of its items', () => {
    const a = analyze(`export function stepLoss(tf, model, target, canvas) {
  const pred = model.apply(canvas);
  const logitL2 = tf.mean(tf.square(pred));
  const fine = tf.losses.meanSquaredError(target, pred);
  return tf.addN([fine, tf.mul(0.003, logitL2)]);
}
`, 'javascript');
    assert.deepEqual(model(a, 'stepLoss').terms.map(termSummary), ['base:+:fine', 'penalty:+:logitL2*0.003']);
  });
});

describe("a loss function's λ passed by every call", () => {
  const source = (withEval: boolean) => `import torch
import torch.nn.functional as F
RIDGE = 5e-4

def recon_loss(x, logits, model, lam=0.0):
    return F.mse_loss(logits, x) + lam * sum(p.pow(2).sum() for p in model.parameters())

for xb in loader:
    loss = recon_loss(xb, net(xb), net, lam=RIDGE)
    loss.backward()
${withEval ? 'score = recon_loss(xv, net(xv), net)\n' : ''}`;
  it('is the value the calls pass when every call passes the same one, else the default', () => {
    const only = model(analyze(source(false)), 'recon_loss');
    assert.equal(weightValue(only, only.terms[1]!.weight!), 5e-4);
    const withEval = model(analyze(source(true)), 'recon_loss');
    assert.equal(weightValue(withEval, withEval.terms[1]!.weight!), 0);
  });
});

describe('a weighted helper the file reads as a loss', () => {
  it("does not outrank the code's own unweighted fit as the base (mse + lam * (1 - pearson(pred, target)))", () => {
    const a = analyze(`import torch

def row_pearson(pred, target, eps=1e-8):
    pc = pred - pred.mean(dim=1, keepdim=True)
    tc = target - target.mean(dim=1, keepdim=True)
    return (pc * tc).sum(dim=1) / torch.sqrt((pc * pc).sum(dim=1) * (tc * tc).sum(dim=1) + eps)

def make_loss(lambda_corr=0.3):
    def loss_fn(pred, target):
        mse = ((pred - target) ** 2).mean()
        corr_gap = 1.0 - row_pearson(pred, target).mean()
        return mse + lambda_corr * corr_gap
    return loss_fn

for x, y in loader:
    loss = make_loss()(net(x), y)
    loss.backward()
`);
    for (const m of a.models.filter((x) => x.name !== 'row_pearson')) {
      assert.deepEqual(m.terms.map((t) => `${t.role}:${t.label}`), ['base:mse', 'penalty:corr_gap'], m.name);
    }
  });
});
