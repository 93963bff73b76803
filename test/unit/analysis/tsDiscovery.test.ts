// TS/JS (TF.js) losses held by classes: a class field holding an arrow, a method; `this.x` from fields and the
// constructor's defaults becomes a hyper-parameter like `self.x` in Python.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

describe('Discovery: TS/JS class fields and methods', () => {
  it('reads a class field holding an arrow and a method, with this.x from fields and constructor defaults', () => {
    const src = `import * as tf from '@tensorflow/tfjs';
export class ConstrainedLosses {
  upper = 1.0;
  constructor(lam = 0.5) {
    this.lam = lam;
  }
  bounded = (yTrue, yPred) => {
    const mse = tf.losses.meanSquaredError(yTrue, yPred);
    const over = tf.mean(tf.relu(tf.sub(yPred, this.upper)));
    return tf.add(mse, tf.mul(this.lam, over));
  };
  sumToOne(labels, logits) {
    const ce = tf.losses.softmaxCrossEntropy(labels, logits);
    const gap = tf.mean(tf.square(tf.sub(tf.sum(logits, -1), 1)));
    return ce.add(gap.mul(this.lam));
  }
  describe() {
    return 'two losses';
  }
}
`;
    for (const language of ['typescript', 'javascript'] as const) {
      const a = analyze(src, language);
      assert.deepEqual(a.models.map((m) => [m.name, m.kind, m.className]), [
        ['bounded', 'class-field', 'ConstrainedLosses'],
        ['sumToOne', 'method', 'ConstrainedLosses'],
      ], language);
      const f = model(a, 'bounded');
      assert.deepEqual([f.yTrue, f.yPred], ['yTrue', 'yPred']);
      assert.deepEqual(f.params.map((p) => `${p.name}:${p.role}=${p.default ?? ''}`), ['yTrue:yTrue=', 'yPred:yPred=', 'this.upper:hyper=1', 'this.lam:hyper=0.5']);
      assert.equal(f.terms.map(termSummary).join(' + ').includes('penalty'), true, language);
      const m = model(a, 'sumToOne');
      assert.deepEqual([m.yTrue, m.yPred], ['labels', 'logits']);
      assert.equal(m.terms.length, 2);
    }
  });

  it('reads extra tensor arguments of a TS function as tensor params', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
export function sparseLoss(yTrue: tf.Tensor, yPred: tf.Tensor, encoded: tf.Tensor, l1Lambda = 1e-3) {
  return tf.add(tf.losses.meanSquaredError(yTrue, yPred), tf.mul(l1Lambda, tf.mean(tf.abs(encoded))));
}
`, 'typescript');
    assert.deepEqual(a.models[0].params.map((p) => `${p.name}:${p.role}`), ['yTrue:yTrue', 'yPred:yPred', 'encoded:tensor', 'l1Lambda:hyper']);
  });
});
