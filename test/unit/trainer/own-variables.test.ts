// A TF.js model class whose loss method reads its own trainable variables (`this.userEmb = tf.variable(…)` in the
// constructor) and a λ the file binds positionally (`new Factorizer(200, 300, 24, 5e-4)`): the variables are the
// model's weights, which the trial gives its own, said for what they are; λ is the number the `new` call passes.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { describeArgs, type TrialModel } from '../../../src/trainer/trialModel';
import { weightValue } from '../realShapes/corpus';

const source = `const tf = require('@tensorflow/tfjs');
class Factorizer {
  constructor(nUsers, nItems, k = 16, reg = 1e-3) {
    this.reg = reg;
    this.userEmb = tf.variable(tf.randomNormal([nUsers, k]));
    this.itemEmb = tf.variable(tf.randomNormal([nItems, k]));
    this.opt = tf.train.adam(0.01);
  }
  lossFn(pred, ratings) {
    const mse = tf.losses.meanSquaredError(ratings, pred);
    const l2 = tf.add(tf.sum(tf.square(this.userEmb)), tf.sum(tf.square(this.itemEmb)));
    return tf.add(mse, tf.mul(this.reg, l2));
  }
}
const model = new Factorizer(200, 300, 24, 5e-4);
`;

let loss: LossModel;
before(async () => {
  await initParsers();
  loss = analyzeSource(source, 'javascript', 'mf.js').models.find((m) => m.name === 'lossFn')!;
});

test("λ is the number the file's `new` call passes in the constructor parameter's place", () => {
  const penalty = loss.terms.find((t) => t.role === 'penalty');
  assert.ok(penalty?.weight);
  assert.equal(weightValue(loss, penalty.weight), 5e-4);
});

test('the class\'s trainable variables are the model\'s weights: nothing refused, said for what they are', () => {
  assert.deepEqual(findUnsupported(loss).map((u) => u.op), []);
  assert.deepEqual(mappedTensorArgs(loss), [{ name: 'this.userEmb', kind: 'weights' }, { name: 'this.itemEmb', kind: 'weights' }]);
  const trial = { layout: { units: 8, framework: 'tfjs' }, model: { sizes: [4, 8, 1] }, hidden: [] } as unknown as TrialModel;
  assert.match(describeArgs(loss, trial) ?? '', /`this\.itemEmb` = the kernel .*, because they are your model's own trainable weights$/);
});
