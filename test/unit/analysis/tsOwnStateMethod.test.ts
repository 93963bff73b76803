// TF.js: a class whose optimizer minimises a method of its own that takes no arguments and reads the object's state
// (`opt.minimize(() => this.objective().total, false, [this.U, this.V])`), the method returning an object of parts.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const SRC = `const tf = require('@tensorflow/tfjs');

class Factoriser {
  constructor(ratings, rank = 4, decay = 0.2) {
    this.R = tf.tensor2d(ratings);
    this.decay = decay;
    this.U = tf.variable(tf.randomNormal([ratings.length, rank]));
    this.V = tf.variable(tf.randomNormal([ratings[0].length, rank]));
    this.opt = tf.train.sgd(0.01);
  }

  predict() {
    return tf.matMul(this.U, this.V, false, true);
  }

  objective() {
    const scored = this.predict();
    const misfit = tf.mean(tf.square(tf.sub(this.R, scored)));
    const shrink = tf.mul(this.decay, tf.add(tf.sum(tf.square(this.U)), tf.sum(tf.square(this.V))));
    return { misfit, shrink, total: tf.add(misfit, shrink) };
  }

  fit(steps) {
    for (let i = 0; i < steps; i++) this.opt.minimize(() => this.objective().total, false, [this.U, this.V]);
  }
}

new Factoriser([[1, 0], [0, 1]], 4, 0.05).fit(10);
`;

describe('a minimised method of the class reading its own state', () => {
  it("is the loss, named by the method; the field minimised its value, the constructor call's λ", () => {
    const m = model(analyze(SRC, 'javascript'), 'objective');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:misfit', 'penalty:+:shrink*this.decay']);
    assert.equal(m.yPred, 'scored');
    assert.equal(m.params.find((p) => p.name === 'this.decay')?.default, 0.05);
  });

  it('a method that takes arguments is not followed from a closure that passes none', () => {
    const src = SRC.replace('objective() {', 'objective(scale) {');
    assert.throws(() => model(analyze(src, 'javascript'), 'objective'));
  });
});
