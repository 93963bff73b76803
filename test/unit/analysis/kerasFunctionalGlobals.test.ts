// Keras 1-era losses: `objectives.*` is the deprecated alias of `keras.losses`, read as the loss it is (no LL113,
// a base the trainer runs); and a loss reading its model's latent head as module globals (`z_mu = Dense(3)(h)` at
// module level, read by `vae_loss(x, x_decoded_mean)`) takes those tensors as its extra tensor arguments, by name,
// as a VAE loss taking `mu, logvar` does, while a global assigned anything else is not one.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const script = `from keras import backend as K
from keras import objectives
from keras.layers import Dense, Input

inputs = Input(shape=(8,))
h = Dense(16)(inputs)
z_mean = Dense(2)(h)
z_log_var = Dense(2)(h)
scale = 3


def vae_loss(x, x_decoded_mean):
    xent = objectives.binary_crossentropy(x, x_decoded_mean)
    kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
    return xent + 0.1 * kl
`;

describe('keras objectives alias and functional globals', () => {
  it('`objectives.binary_crossentropy` is keras.losses.binary_crossentropy: the base, and nothing to report', () => {
    const a = analyze(script);
    const m = model(a, 'vae_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:xent', 'penalty:+:kl*0.1']);
    const base = m.terms[0]!.expr;
    assert.equal(base.kind === 'call' ? base.callee : base.kind, 'tf.keras.losses.binary_crossentropy');
    assert.deepEqual(runRules(a, script).map((f) => f.code), []);
  });

  it('the latent head assigned a layer output at module level is an extra tensor of the loss', () => {
    const m = model(analyze(script), 'vae_loss');
    const tensors = m.params.filter((p) => p.role === 'tensor').map((p) => p.name).sort();
    assert.deepEqual(tensors, ['z_log_var', 'z_mean']);
  });

  it('a global reassigned to something else after the layer call is not a layer output', () => {
    const reassigned = script.replace('scale = 3', 'z_mean = load_means()');
    const m = model(analyze(reassigned), 'vae_loss');
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor').map((p) => p.name), ['z_log_var']);
  });

  it('the Keras 2 spelling `tensorflow.keras.objectives` canonicalises the same way', () => {
    const tf2 = script.replace('from keras import objectives', 'from tensorflow.keras import objectives');
    const base = model(analyze(tf2), 'vae_loss').terms[0]!.expr;
    assert.equal(base.kind === 'call' ? base.callee : base.kind, 'tf.keras.losses.binary_crossentropy');
  });
});
