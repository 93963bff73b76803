// Issue 9 §2: a library function bound to another name in the same file is that function. In `__init__`
// (`self.loss_fn = F.mse_loss`) as at module level (`kl_divergence = keras.losses.kullback_leibler_divergence`, read
// with the imports), a loss calling the alias calls the library function: its callee is canonical, so LL113 does
// not report it as an op the trial lacks and the base is recognised as the framework loss it is.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr } from '../../../src/analysis/ir';
import { runRules } from '../../../src/analysis/rules/index';
import { nodesOf } from '../../../src/analysis/terms/expr';
import { analyze, model, ready } from './helpers';

before(() => ready);

const moduleAlias = `import tensorflow as tf
from tensorflow import keras

kl_divergence = keras.losses.kullback_leibler_divergence
mse = tf.keras.losses.mean_squared_error


def sparse_loss(y_true, y_pred, beta=0.01):
    rate = tf.reduce_mean(y_pred, axis=0)
    return mse(y_true, y_pred) + beta * kl_divergence(0.05, rate)
`;

const attributeAlias = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, lam=0.1):
        super().__init__()
        self.lam = lam
        self.loss_fn = F.mse_loss

    def compute_loss(self, pred, target):
        return self.loss_fn(pred, target) + self.lam * pred.abs().mean()
`;

const callees = (e: Expr): string[] => [...nodesOf(e)].flatMap((n) => (n.kind === 'call' ? [n.callee] : []));

describe('a library function under another name of the file', () => {
  it('at module level is that function, its callee canonical', () => {
    const m = model(analyze(moduleAlias), 'sparse_loss');
    assert.deepEqual(callees(m.body).filter((c) => c.startsWith('tf.keras.losses.')).sort(), ['tf.keras.losses.kullback_leibler_divergence', 'tf.keras.losses.mean_squared_error']);
    assert.deepEqual(runRules(analyze(moduleAlias), moduleAlias).map((f) => f.code).filter((c) => c === 'LL113'), []);
  });

  it('set in __init__ and called through self is that function too', () => {
    const m = model(analyze(attributeAlias), 'compute_loss');
    assert.ok(callees(m.body).includes('F.mse_loss'), JSON.stringify(callees(m.body)));
    assert.deepEqual(runRules(analyze(attributeAlias), attributeAlias).map((f) => f.code).filter((c) => c === 'LL113'), []);
  });
});
