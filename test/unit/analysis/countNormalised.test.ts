// A term divided by a count read from a shape (`kl / x.size(0)`, `kl / len(x)`, `kl.div(x.shape[0])`) is normalised
// per sample: it keeps its variable's name, its λ is what weights the numerator, and the count stays in the term.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

const vae = (ret: string, extra = '') => `import torch
import torch.nn.functional as F

def vae_loss(recon_x, x, mu, logvar, beta=4.0):
    rec = F.mse_loss(recon_x, x)
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
${extra}    return ${ret}
`;

describe('a term normalised by a count', () => {
  before(() => ready);

  for (const count of ['x.size(0)', 'len(x)', 'x.shape[0]', 'float(x.size(0))', 'x.numel()', '(x.size(1) * x.size(2))']) {
    it(`kld / ${count} is named kld, with no λ`, () => {
      const m = model(analyze(vae(`rec + kld / ${count}`)), 'vae_loss');
      assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:kld']);
      assert.match(m.terms[1]!.expr.text, /\/ /, 'the division stays in the term');
    });
  }

  it('a local bound to the count (batch_size = x.size(0)) is a count too', () => {
    const m = model(analyze(vae('rec + kld / batch_size', '    batch_size = x.size(0)\n')), 'vae_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:kld']);
  });

  it('beta * kld / x.shape[0]: λ = beta, the term is kld / x.shape[0]', () => {
    const m = model(analyze(vae('rec + beta * kld / x.shape[0]')), 'vae_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:kld*beta']);
    assert.equal(m.terms[1]!.weightParam, 'beta');
    assert.match(m.terms[1]!.expr.text, /\) \/ x\.shape\[0\]$/, 'the count stays in the term, the weight does not');
  });

  it('(rec + beta * kld) / x.size(0): two terms, each divided, λ = beta', () => {
    const m = model(analyze(vae('(rec + beta * kld) / x.size(0)')), 'vae_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:kld*beta']);
    assert.equal(m.lambdaParam, 'beta');
  });

  it('TF.js: kl.div(yTrue.shape[0]) is named kl', () => {
    const src = `import * as tf from '@tensorflow/tfjs';
export function vaeLoss(yTrue: tf.Tensor, yPred: tf.Tensor, mu: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  const rec = tf.losses.meanSquaredError(yTrue, yPred);
  const kl = tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mu), tf.exp(logVar)))).mul(-0.5);
  return rec.add(kl.div(yTrue.shape[0]));
}
`;
    const m = model(analyze(src, 'typescript'), 'vaeLoss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:kl']);
  });

  it('a division by a tensor value is not a normalisation: kld / mu.sum() is not named kld', () => {
    const m = model(analyze(vae('rec + kld / mu.sum()')), 'vae_loss');
    assert.notEqual(m.terms[1]!.label, 'kld');
  });

  it('a name that holds a count by convention (batch_size argument, BATCH_SIZE constant) normalises too; a temperature weights', () => {
    const arg = vae('rec + kld / batch_size').replace('beta=4.0)', 'beta=4.0, batch_size=None)');
    assert.deepEqual(model(analyze(arg), 'vae_loss').terms.map(termSummary), ['base:+:rec', 'penalty:+:kld']);
    const constant = `BATCH_SIZE = 64\n${vae('rec + beta * kld / BATCH_SIZE')}`;
    assert.deepEqual(model(analyze(constant), 'vae_loss').terms.map(termSummary), ['base:+:rec', 'penalty:+:kld*beta']);
    const tempered = vae('rec + kld / temperature').replace('beta=4.0)', 'temperature=2.0)');
    assert.equal(model(analyze(tempered), 'vae_loss').terms[1]?.weight?.text, '1 / temperature');
  });

  it('a mean of a per-sample variable keeps its name and its own numbers (ops.mean(kl), kl.mean())', () => {
    const keras3 = `import keras
from keras import ops

def vae_loss(x, x_hat, mean, log_var):
    kl = -0.5 * ops.sum(1 + log_var - mean ** 2 - ops.exp(log_var), axis=-1)
    recon = ops.sum((x - x_hat) ** 2, axis=-1)
    return ops.mean(recon) + ops.mean(kl)
`;
    assert.deepEqual(model(analyze(keras3), 'vae_loss').terms.map(termSummary), ['base:+:recon', 'penalty:+:kl']);
    const torch = vae('rec + kld.mean()').replace('torch.sum(1 + logvar - mu.pow(2) - logvar.exp())', 'torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)');
    assert.deepEqual(model(analyze(torch), 'vae_loss').terms.map(termSummary), ['base:+:rec', 'penalty:+:kld']);
  });
});
