// LL101 on a Gaussian likelihood with a predicted precision: `w * err + log(1 / w)` or `w * err - 0.5 * log(w)`.
// The log term is the likelihood's normaliser (what keeps w from running to zero), part of the fit: no λ is wanted,
// as for the variance forms (`exp(-log_var) * err + log_var`, terms/normaliser.ts). A log of something the fit is
// not weighted by is still a penalty added without λ.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const keras = (normaliser: string, weight = 'w') => `import tensorflow as tf

def precision_nll(y_true, y_pred):
    mu, w = y_pred[:, 0], y_pred[:, 1]
    fit = ${weight} * tf.square(y_true[:, 0] - mu)
    norm = ${normaliser}
    return tf.reduce_mean(fit + norm)
`;

const ll101 = (src: string): string[] => check(src, 'python', 'loss.py').findings.filter((f) => f.code === 'LL101').map((f) => f.message);

describe('LL101 and a precision-weighted likelihood', () => {
  before(async () => {
    await initParsers();
  });

  it('is silent on log(1 / clip(w)) beside w * err', () => {
    assert.deepEqual(ll101(keras('tf.math.log(1.0 / tf.maximum(tf.minimum(w, 1e6), 1e-6))')), []);
  });

  it('is silent on -0.5 * log(w) and on -log(w) beside w * err', () => {
    assert.deepEqual(ll101(keras('-0.5 * tf.math.log(w)')), []);
    assert.deepEqual(ll101(keras('-tf.math.log(w)')), []);
  });

  it('still fires on +log(w) (it rewards a small precision: no likelihood has it) and when the fit is not weighted by w', () => {
    assert.equal(ll101(keras('tf.math.log(w)')).length, 1);
    assert.equal(ll101(keras('tf.math.log(1.0 / w)', '1.0')).length, 1);
  });
});
