// Rules found while reading the chest batch, each in a snippet of our own: a TF.js class whose set-up method declares
// the loss arrow it compiles with, an error of the fit subtracted under a name that says bonus, and a model's loss
// method that takes the batch, runs the model through a method wrapping its forward and returns its total nested in
// a tuple the loop unpacks (`(loss, _), logs = model.step_loss(batch)`).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss, qualifiedName } from '../../../src/analysis/index';
import { runRules } from '../../../src/analysis/rules/index';
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
});
