// A per-sample total averaged over the batch after (`K.mean(mse + alpha * penalty, axis=0)`) is split by linearity
// when its pieces have one shape. Two shapes the coarse rank estimate did not know: a mean over several axes that
// skips the batch axis (`axis=[1, 2]` of a sequence) leaves one value per sample, not one number; and a tf.cond whose
// one branch is known has that branch's shape (TF requires both branches to agree).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { rankOf } from '../../../src/analysis/rules/shape';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const factory = `import tensorflow as tf
from tensorflow.keras import backend as K


def make_loss(alpha=0.5):
    def traj_loss(y_true, y_pred):
        mse = K.mean(K.square(y_pred - y_true), axis=[1, 2])
        pen = tf.cond(tf.equal(tf.shape(y_pred)[-1], 1), lambda: K.mean(K.relu(-y_pred), axis=[1, 2]), lambda: K.mean(K.relu(y_pred[..., 0]), axis=1))
        total = mse + alpha * pen
        return K.mean(total, axis=0)
    return traj_loss
`;

describe('per-sample totals over sequences', () => {
  it('splits the total into the MSE and the weighted penalty', () => {
    const m = model(analyze(factory), 'make_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse', 'penalty:+:pen*alpha']);
  });

  it('reads a mean over axes that skip the batch as per sample, over the batch axis too as one number', () => {
    const m = model(analyze(factory), 'make_loss');
    const base = m.terms[0]!.expr;
    const inner = base.kind === 'call' ? base.args[0]! : base;
    assert.equal(rankOf(inner, 'keras'), 'sample');
    const overAll = model(analyze('from tensorflow.keras import backend as K\n\ndef f(y_true, y_pred):\n    return K.mean(K.square(y_pred - y_true), axis=[0, 1])\n'), 'f');
    assert.equal(rankOf(overAll.body, 'keras'), 'scalar');
  });
});
