// Rules found while reading the lock batch, each in a snippet of our own: a negated objective named by its variable,
// a class's trainable variable that is no λ, a TF.js closure named by the method it steps in, a tuple led by its
// total, a critic's two scores as one objective.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss, qualifiedName } from '../../../src/analysis/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const agent = `import * as tf from '@tensorflow/tfjs';
const BONUS = 0.01;
export class Agent {
  constructor() {
    this.logStd = tf.variable(tf.fill([2], -0.5));
    this.opt = tf.train.adam(1e-3);
  }
  update(states, adv) {
    this.opt.minimize(() => {
      const mean = this.actor.predict(states);
      const surrogate = tf.neg(tf.mean(tf.minimum(mean, adv)));
      const spread = tf.add(tf.scalar(1.4), this.logStd);
      return tf.sub(surrogate, tf.mul(tf.scalar(BONUS), spread));
    });
  }
}
`;

describe('Lock batch rules', () => {
  it('names a negated objective by its variable (policy = -mean(…)), in Python and TF.js', () => {
    const py = analyze(`import torch
def my_loss(y_true, y_pred):
    fit = -torch.mean(torch.min(y_true, y_pred))
    entropy = 0.5 + y_pred
    return fit - 0.01 * entropy
`);
    assert.deepEqual(model(py, 'my_loss').terms.map(termSummary), ['base:-:fit', 'penalty:-:entropy*0.01']);
    const m = analyze(agent, 'javascript').models[0];
    assert.equal(m?.terms[0]?.label, 'surrogate');
  });

  it('reads a field the class makes a tf.variable as a tensor, so the bonus weight beside it is the λ', () => {
    const m = analyze(agent, 'javascript').models[0];
    assert.deepEqual(m?.terms.map(termSummary), ['base:-:surrogate', 'penalty:-:spread*tf.scalar(BONUS)']);
  });

  it('names an anonymous minimize closure in a class method by the class and method', () => {
    const c = chooseLoss(analyze(agent, 'javascript'));
    assert.ok(c.ok);
    assert.equal(qualifiedName(c.model), 'Agent.update');
  });

  it('reads a returned tuple led by its total (total, recon, kl) through the total, and (out, loss) through loss', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def vae_loss(recon_x, x, mu, logvar):
    recon_loss = F.mse_loss(recon_x, x, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return recon_loss + kl, recon_loss, kl
`);
    assert.deepEqual(model(a, 'vae_loss').terms.map((t) => t.label), ['recon_loss', 'kl']);
  });

  it('reads a critic’s scores on two batches (d_fake - d_real) as one objective, its gradient penalty weighted', () => {
    const a = analyze(`import torch
import torch.nn as nn
class Critic(nn.Module):
    def forward(self, x):
        return self.body(x)
class Gen(nn.Module):
    def forward(self, z):
        return self.body(z)
G, D = Gen(), Critic()
for step in range(100):
    z = torch.rand(16, 8)
    real = torch.rand(16, 3)
    fake = G(z)
    d_fake = D(fake.detach()).mean()
    d_real = D(real).mean()
    d_loss = d_fake - d_real + 10 * (fake.detach() - real).pow(2).mean()
    d_loss.backward()
`);
    assert.deepEqual(model(a, 'd_loss').terms.map(termSummary).slice(0, 2), ['base:+:d_fake', 'base:-:d_real']);
  });
});
