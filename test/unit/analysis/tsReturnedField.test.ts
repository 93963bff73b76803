// TF.js: a loss that returns an object of parts (`return { fit, smooth, total }`, PPO's `{ lossPi, lossV, total }`)
// is the field its caller trains (`opt.minimize(() => this.loss(ys, pred).total)`, `const { total } = …` then
// `return total`), split into its terms and trained by the interpreter; with no caller that picks a field, the
// object stays what it is (refused by name): which part is the loss is not said anywhere.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, tf } from '../interpreter/tf';
import { analyze, model, ready, termSummary } from './helpers';

before(async () => {
  await ready;
  await cpu();
});

const parts = (returned: string, use: string) => `import * as tf from '@tensorflow/tfjs';
const SMOOTH_WEIGHT = 0.05;
class ToneModel {
  loss(ys, pred) {
    const fit = tf.losses.meanSquaredError(ys, pred);
    const smooth = pred.slice([0, 1], [-1, 3]).sub(pred.slice([0, 0], [-1, 3])).square().mean();
    const total = fit.add(smooth.mul(SMOOTH_WEIGHT));
${returned}
  }
  train(xs, ys, optimizer) {
    optimizer.minimize(() => {
      const pred = this.model.predict(xs);
${use}
    });
  }
}
`;

const SHORTHAND = '    return { fit, smooth, total };';
const PAIR = "    return { fit, smooth, 'total': fit.add(smooth.mul(SMOOTH_WEIGHT)) };";

describe('TF.js: the returned field a caller trains', () => {
  for (const [returned, how] of [[SHORTHAND, 'shorthand'], [PAIR, 'a keyed expression']]) {
    it(`\`.total\` of the call (${how}): the total is the loss, split into fit + λ·smooth`, () => {
      const m = model(analyze(parts(returned!, '      return this.loss(ys, pred).total;'), 'typescript', 'tone.ts'), 'loss');
      assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:smooth*SMOOTH_WEIGHT']);
      assert.deepEqual(findUnsupported(m), []);
      // ŷ = [1, 2, 4, 7], y = 0: fit = mean ŷ² = 17.5, smooth = mean [1, 2, 3]² = 14/3, total = fit + 0.05 · smooth
      const out = compileLoss(tf, m, {})(tf.tensor([[0, 0, 0, 0]]), tf.tensor([[1, 2, 4, 7]]));
      close(out.total.dataSync()[0]!, 17.5 + 0.05 * (14 / 3), 1e-5, 'the total field');
    });
  }

  it('destructured (`const { total } = …; return total as tf.Scalar`): the field the closure returns', () => {
    const m = model(analyze(parts(SHORTHAND, '      const { fit, total } = this.loss(ys, pred);\n      return total as tf.Scalar;'), 'typescript', 'tone.ts'), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:smooth*SMOOTH_WEIGHT']);
  });

  it('renamed in the pattern (`const { total: t } = …; return t`): that field', () => {
    const m = model(analyze(parts(SHORTHAND, '      const { total: t } = this.loss(ys, pred);\n      return t;'), 'typescript', 'tone.ts'), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:smooth*SMOOTH_WEIGHT']);
  });

  it('with no caller that picks a field, the object is refused by name', () => {
    const m = model(analyze(parts(SHORTHAND, '      return tf.scalar(0);'), 'typescript', 'tone.ts'), 'loss');
    assert.ok(findUnsupported(m).some((u) => u.op === 'object'));
  });
});
