// TF.js: a loss that returns several values (`return [fit, smooth, total]`) is the item its caller trains
// (`const [, , total] = this.loss(ys, pred); return total;` in a minimize closure, or `this.loss(ys, pred)[2]`),
// else its first item; never the array itself, whose mean would mix the total with its own parts.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lossSampleShape } from '../../../src/trainer/data/shape';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const parts = (use: string) => `import * as tf from '@tensorflow/tfjs';
const SMOOTH_WEIGHT = 0.05;
class ToneModel {
  loss(ys, pred) {
    const fit = tf.losses.meanSquaredError(ys, pred);
    const steps = pred.slice([0, 1], [-1, 11]).sub(pred.slice([0, 0], [-1, 11]));
    const smooth = steps.square().mean();
    const total = fit.add(smooth.mul(SMOOTH_WEIGHT));
    return [fit, smooth, total];
  }
  train(xs, ys, optimizer) {
    optimizer.minimize(() => {
      const pred = this.model.predict(xs);
${use}
    });
  }
}
`;

describe('TF.js: the returned item a caller trains', () => {
  it('destructured in the minimize closure, the slot the closure returns is the loss', () => {
    const m = model(analyze(parts('      const [, , total] = this.loss(ys, pred);\n      return total;'), 'typescript', 'tone.ts'), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:smooth*SMOOTH_WEIGHT']);
  });

  it('indexed in the closure (`this.loss(ys, pred)[2]`), that item is the loss', () => {
    const m = model(analyze(parts('      return this.loss(ys, pred)[2];'), 'typescript', 'tone.ts'), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:smooth*SMOOTH_WEIGHT']);
  });

  it('with no caller that picks one, the first item (as Python reads `return loss, logs`), not the array', () => {
    const m = model(analyze(parts('      return tf.scalar(0);'), 'typescript', 'tone.ts'), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit']);
  });

  it("the trial's prediction is as wide as the loss's box slices read (`pred.slice([0, 1], [-1, 11])`: 12 outputs)", () => {
    const m = model(analyze(parts('      const [, , total] = this.loss(ys, pred);\n      return total;'), 'typescript', 'tone.ts'), 'loss');
    const shape = lossSampleShape(m, 4);
    assert.deepEqual(shape.shape, [12]);
    assert.match(shape.why ?? '', /pred\.slice\(\[0, 1\], \[-1, 11\]\)/);
  });
});
