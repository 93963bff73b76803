// The constraint table (src/analysis/terms/constraints.ts): each shape is recognised in its usual spellings, with
// its numbers, and look-alikes that constrain something else are not.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { RecognisedConstraint } from '../../../src/analysis/ir';
import { analyze, ready } from './helpers';

before(() => ready);

/** The constraint recognised in `lam * (<penalty>)` of a Keras/PyTorch loss with the given extra parameters. */
function recognised(penalty: string, params = ''): RecognisedConstraint | undefined {
  const a = analyze(`import tensorflow as tf
import torch
from tensorflow.keras import backend as K
def l(y_true, y_pred, lam=1.0${params ? `, ${params}` : ''}):
    base = tf.keras.losses.mse(y_true, y_pred)
    return base + lam * (${penalty})
`);
  const m = a.models[0];
  assert.ok(m, `no model for ${penalty}`);
  assert.equal(m.terms.length, 2, penalty);
  return m.terms[1].constraint;
}

describe('constraint shapes', () => {
  it('recognises sum-to-one written many ways, with its target', () => {
    const cases: [string, string, number | undefined][] = [
      ['tf.reduce_mean(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0))', '', 1],
      ['tf.reduce_mean(tf.square(1.0 - tf.reduce_sum(y_pred, axis=1)))', '', 1],
      ['K.mean((K.sum(y_pred, axis=-1) - total) ** 2)', 'total=2.0', 2],
      ['(y_pred.sum(dim=1) - 1).abs().mean()', '', 1],
      ['torch.mean(torch.pow(torch.sum(y_pred, 1) - t, 2))', 't', undefined],
    ];
    for (const [penalty, params, target] of cases) {
      assert.deepEqual(recognised(penalty, params), { kind: 'sum-to-one', params: target === undefined ? {} : { target } }, penalty);
    }
  });

  it('reads through an activation the loss applies to the prediction itself, and says which (on)', () => {
    const cases: [string, RecognisedConstraint | undefined][] = [
      ['torch.mean((torch.sigmoid(y_pred).sum(dim=-1) - 1.0) ** 2)', { kind: 'sum-to-one', params: { target: 1 }, on: 'sigmoid' }],
      ['(y_pred.sigmoid().sum(1) - 1).abs().mean()', { kind: 'sum-to-one', params: { target: 1 }, on: 'sigmoid' }],
      ['tf.reduce_mean(tf.nn.relu(tf.nn.softmax(y_pred) - 0.9))', { kind: 'bounds', params: { upper: 0.9 }, on: 'softmax' }],
      ['torch.relu(torch.tanh(y_pred) - 0.5).mean()', { kind: 'bounds', params: { upper: 0.5 }, on: 'tanh' }],
      // a softmax over the batch axis is not the per-sample activation; raw and activated predictions mixed: neither
      ['torch.mean((torch.softmax(y_pred, dim=0).sum(dim=-1) - 1.0) ** 2)', undefined],
      ['torch.mean((torch.sigmoid(y_pred).sum(dim=-1) - y_pred.sum(dim=-1)) ** 2)', undefined],
    ];
    for (const [penalty, want] of cases) assert.deepEqual(recognised(penalty), want, penalty);
    // the raw prediction still wins when there is no activation
    assert.equal(recognised('tf.reduce_mean(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0))')?.on, undefined);
  });

  it('recognises bounds from hinges on either side, merging lower and upper', () => {
    assert.deepEqual(recognised('tf.reduce_mean(tf.nn.relu(y_pred - hi))', 'hi=3.0'), { kind: 'bounds', params: { upper: 3 } });
    assert.deepEqual(recognised('torch.clamp(lo - y_pred, min=0).pow(2).mean()', 'lo=-1.0'), { kind: 'bounds', params: { lower: -1 } });
    assert.deepEqual(
      recognised('tf.reduce_mean(tf.maximum(0.0, 0.2 - y_pred)) + tf.reduce_mean(tf.maximum(y_pred - 0.8, 0.0))'),
      { kind: 'bounds', params: { lower: 0.2, upper: 0.8 } },
    );
  });

  it('tells non-negativity, monotone and output sparsity apart', () => {
    assert.deepEqual(recognised('tf.reduce_mean(tf.nn.relu(-y_pred))'), { kind: 'non-negativity', params: {} });
    assert.deepEqual(recognised('tf.reduce_mean(tf.square(tf.maximum(-y_pred, 0.0)))'), { kind: 'non-negativity', params: {} });
    assert.deepEqual(recognised('tf.reduce_mean(tf.nn.relu(y_pred[:, :-1] - y_pred[:, 1:]))'), { kind: 'monotone', params: {} });
    // later minus earlier under the hinge penalises increases: the constraint is non-increasing
    assert.deepEqual(recognised('tf.reduce_mean(tf.nn.relu(y_pred[:, 1:] - y_pred[:, :-1]))'), { kind: 'monotone', params: { decreasing: 1 } });
    assert.deepEqual(recognised('tf.reduce_mean(tf.nn.relu(y_pred[:, 2] - y_pred[:, 1] + 0.1))'), { kind: 'monotone', params: { decreasing: 1 } });
    assert.deepEqual(recognised('tf.reduce_mean(tf.nn.relu(y_pred[:, 0] - y_pred[:, 1]))'), { kind: 'monotone', params: {} });
    // a sequence's time axis (`[:, 1:, :]`): the order runs along axis 1, and later minus earlier still penalises increases
    assert.deepEqual(recognised('tf.reduce_mean(tf.nn.relu(y_pred[:, 1:, :] - y_pred[:, :-1, :]))'), { kind: 'monotone', params: { decreasing: 1, axis: 1 } });
    assert.deepEqual(recognised('tf.reduce_mean(tf.nn.relu(y_pred[:, :-1, :] - y_pred[:, 1:, :]))'), { kind: 'monotone', params: { axis: 1 } });
    assert.deepEqual(recognised('tf.reduce_sum(tf.abs(y_pred), axis=-1)'), { kind: 'output-sparsity', params: {} });
    // constant scales inside or outside the reduction do not change the shape
    assert.deepEqual(recognised('2.0 * tf.reduce_mean(0.5 * tf.square(tf.nn.relu(-y_pred)))'), { kind: 'non-negativity', params: {} });
  });

  it('recognises penalties over the model weights, not over a losses module', () => {
    assert.deepEqual(recognised('tf.add_n(model.losses)'), { kind: 'weight-sparsity', params: {} });
    assert.deepEqual(recognised('tf.add_n([tf.reduce_sum(tf.abs(w)) for w in model.trainable_weights])'), { kind: 'weight-sparsity', params: {} });
    // an L2 over the weights shrinks them but zeroes none: weight decay, measured by its own value, not sparsity
    assert.equal(recognised('sum((p * p).sum() for p in model.parameters())'), undefined);
    assert.equal(recognised('tf.add_n([tf.reduce_sum(tf.square(w)) for w in model.trainable_weights])'), undefined);
    assert.deepEqual(recognised('sum(p.abs().sum() + (p ** 2).sum() for p in model.parameters())'), { kind: 'weight-sparsity', params: {} });
    assert.equal(recognised('tf.keras.losses.mae(y_true, tf.zeros_like(y_true))'), undefined);
  });

  it('does not take look-alikes on the target, on a residual, or mixed shapes', () => {
    const none = [
      'tf.reduce_mean(tf.abs(y_true - y_pred))', // MAE, not sparsity
      'tf.reduce_mean(tf.abs(tf.reduce_sum(y_true, axis=-1) - 1.0))', // the target's sums
      'tf.reduce_mean(tf.nn.relu(y_true - 1.0))', // bounds on the target
      'tf.reduce_mean(y_pred)', // a plain mean: no shape
      'tf.reduce_mean(tf.square(y_pred))', // L2 on outputs: not one of the catalog's shapes
      'tf.reduce_mean(tf.nn.relu(-y_pred)) + tf.reduce_mean(tf.abs(y_pred))', // two different kinds
      'tf.reduce_mean(tf.nn.relu(y_pred[:, 1:] + y_pred[:, :-1]))', // a sum of neighbours, not a drop
    ];
    for (const penalty of none) assert.equal(recognised(penalty), undefined, penalty);
  });
});
