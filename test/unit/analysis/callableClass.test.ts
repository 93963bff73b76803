// A loss written as a plain callable class (no Loss or Module base): `__call__(self, y_true, y_pred)` with its
// settings from `__init__`, the instance passed to compile (issue 9 §1). A shape seen in public Keras code.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss } from '../../../src/analysis/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

describe('Discovery: plain callable loss classes', () => {
  it('reads __call__ of a class with no base as its loss, with the __init__ settings and the compile use', () => {
    const a = analyze(`import tensorflow as tf
class SmoothSeq:
    def __init__(self, weight=1.0):
        self.weight = weight
    def __call__(self, y_true, y_pred):
        fit = tf.reduce_mean(tf.abs(y_true - y_pred))
        jump = tf.reduce_mean(tf.square(y_pred[:, 1:] - y_pred[:, :-1]))
        return fit + self.weight * jump
model.compile(optimizer="adam", loss=SmoothSeq(weight=0.2))
`);
    const m = model(a, 'SmoothSeq');
    assert.equal(m.kind, 'module-forward');
    assert.equal(m.framework, 'keras');
    assert.deepEqual([m.yTrue, m.yPred], ['y_true', 'y_pred']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:jump*self.weight']);
    assert.deepEqual(m.usages.find((u) => u.kind === 'factory-call')?.boundArgs, { weight: 0.2 });
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model === m && chosen.why === 'compiled');
  });

  it('does not read a callable class that is not a loss (a transform, a scheduler) as one', () => {
    const a = analyze(`import tensorflow as tf
class Scale:
    def __init__(self, factor=2.0):
        self.factor = factor
    def __call__(self, images):
        return images * self.factor
class Warmup:
    def __call__(self, step, total):
        return tf.minimum(1.0, step / total)
`);
    assert.deepEqual(a.models.map((m) => m.name), []);
  });
});
