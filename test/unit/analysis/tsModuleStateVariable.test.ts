// TF.js: a training closure that fits module state set up by another function (`let coef: tf.Variable | null =
// null` at the top, `coef = tf.variable(…)` in `init()`), and an `else if` chain whose fall-through returns the
// plain loss after it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

const SRC = `import * as tf from '@tensorflow/tfjs';

let coef: tf.Variable | null = null;
const opt = tf.train.sgd(0.1);

export function init(n: number): void {
  coef = tf.variable(tf.zeros([n, 1]));
}

export function fit(xs: tf.Tensor2D, ys: tf.Tensor2D, kind: string): void {
  opt.minimize(() => {
    const fitted = tf.matMul(xs, coef!);
    const err = tf.losses.absoluteDifference(ys, fitted) as tf.Scalar;
    if (kind === 'ridge') {
      const ridge = tf.mul(0.2, tf.sum(tf.square(coef!)));
      return tf.add(err, ridge) as tf.Scalar;
    } else if (kind === 'lasso') {
      const lasso = tf.mul(0.2, tf.sum(tf.abs(coef!)));
      return tf.add(err, lasso) as tf.Scalar;
    }
    return err;
  });
}
`;

describe('a minimize closure over module state made a variable elsewhere', () => {
  before(() => ready);

  it('is the loss, the module variable optimised directly', () => {
    const m = model(analyze(SRC, 'typescript'), 'minimize');
    assert.equal(m.yPred, 'coef');
    assert.equal(m.optimisedDirectly, true);
    assert.equal(m.terms[0] && termSummary(m.terms[0]), 'base:+:err');
  });

  it('a name the module only declares, never made a variable, is no loss', () => {
    const src = SRC.replace('coef = tf.variable(tf.zeros([n, 1]));', 'coef = null;');
    assert.throws(() => model(analyze(src, 'typescript'), 'minimize'));
  });

  it('the else-if chain falls through to the return after it: the loss is err when neither kind is set', () => {
    const body = model(analyze(SRC, 'typescript'), 'minimize').body;
    assert.equal(body.kind, 'conditional');
    const rest = body.kind === 'conditional' ? body.else : body;
    assert.equal(rest.kind, 'conditional');
    assert.match(rest.kind === 'conditional' ? rest.else.text : '', /^tf\.losses\.absoluteDifference\(/);
  });
});
