// TF.js losses written where training happens (issue 9 §1): the arrow given to `optimizer.minimize(() => …)` is the
// loss; what the model predicts is the prediction, the data named like a target the target. Shapes seen in public
// TF.js training loops, written in our own words.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss } from '../../../src/analysis/index';
import { check } from '../rules/corpus';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

describe('TF.js: a loss inline in optimizer.minimize', () => {
  it('reads the arrow as the loss: the declared prediction, the target it is compared with, a module constant λ', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
const CAP = 0.3;
const opt = tf.train.sgd(0.1);
export function fitStep(net, xs, labels) {
  opt.minimize(() => {
    const out = net.predict(xs);
    const ce = tf.losses.softmaxCrossEntropy(labels, out);
    const over = tf.mean(tf.relu(tf.sub(out, 1)));
    return ce.add(over.mul(CAP));
  });
}
`, 'javascript');
    const m = model(a, 'minimize');
    assert.equal(m.kind, 'inline');
    assert.deepEqual([m.yTrue, m.yPred], ['labels', 'out']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:ce', 'penalty:+:over*CAP']);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model === m);
  });

  it("follows a method of the class the minimize is written in (`this.spreadOf(out)` inside a method): no LL113, its body is the penalty", () => {
    const src = `import * as tf from '@tensorflow/tfjs';
const CAP = 0.3;
export class Fitter {
  constructor(net) {
    this.net = net;
    this.opt = tf.train.sgd(0.1);
  }

  spreadOf(out) {
    return tf.mean(tf.relu(tf.sub(out, 1)));
  }

  step(xs, labels) {
    this.opt.minimize(() => {
      const out = this.net.predict(xs);
      const ce = tf.losses.meanSquaredError(labels, out);
      return ce.add(this.spreadOf(out).mul(CAP));
    });
  }
}
`;
    const m = model(analyze(src, 'javascript'), 'step');
    const penalty = m.terms.find((t) => t.role === 'penalty');
    assert.match(penalty?.expr.text ?? '', /relu/, 'the method\'s body is read in place');
    assert.deepEqual(check(src, 'javascript', 'fit.js').findings.filter((f) => f.code === 'LL113'), []);
  });

  it('reads a model call inside the loss call as the prediction (TypeScript, a loop at module level)', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
for (let i = 0; i < 50; i++) {
  optimizer.minimize(() => tf.losses.meanSquaredError(ys, regressor.predict(xs)).add(tf.mean(tf.abs(regressor.predict(xs))).mul(0.01)) as tf.Scalar);
}
`, 'typescript');
    const m = model(a, 'minimize');
    assert.deepEqual([m.yTrue, m.yPred], ['ys', 'regressor.predict(xs)']);
    assert.deepEqual(m.terms.map((t) => t.role), ['base', 'penalty']);
    assert.ok(!JSON.stringify(m.body).includes('"method":"predict"'), 'the model call is the prediction, not an unknown method');
  });

  it('finds no loss of its own in a minimize whose arrow calls a loss function: that function is the loss', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
const capped = function (prediction, label) {
  return prediction.sub(label).square().mean().add(prediction.sub(1).relu().mean().mul(0.5));
};
export function step(net, xs, ys) {
  optimizer.minimize(() => capped(net.predict(xs), ys));
}
`, 'javascript');
    assert.deepEqual(a.models.map((m) => m.name), ['capped']);
  });

  it('finds no loss in a minimize whose arrow runs no model', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
export function shrink(w) {
  optimizer.minimize(() => tf.sum(tf.square(w)));
}
`, 'javascript');
    assert.deepEqual(a.models.map((m) => m.name), []);
  });
});

describe('TF.js: a minimize arrow that hands the data to a named loss through a local', () => {
  const src = (ret: string) => `const tf = require('@tensorflow/tfjs');
function shapedLoss(target, out) {
  const fit = tf.mean(tf.square(tf.sub(target, out)));
  const spread = tf.mean(tf.abs(out));
  return fit.add(spread.mul(0.05));
}
function step(opt, net, inputs, target) {
  opt.minimize(() => {
    const out = net.apply(inputs, { training: true });
    ${ret}
  });
}
`;

  it('picks the named loss, not the arrow, when the arrow returns the local holding its call', () => {
    const a = analyze(src('const value = shapedLoss(target, out);\n    return value;'), 'javascript');
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model.name === 'shapedLoss');
    assert.ok(!a.models.some((m) => m.name === 'minimize'));
  });

  it('picks the named loss through a tf.tidy the arrow returns', () => {
    const a = analyze(src('return tf.tidy(() => {\n      const held = shapedLoss(target, out);\n      return held;\n    });'), 'javascript');
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model.name === 'shapedLoss');
  });

  it('keeps the arrow as the loss when the local is changed after its call (the arrow adds to it)', () => {
    const a = analyze(src('let value = shapedLoss(target, out);\n    value = value.add(tf.mean(out).mul(0.1));\n    return value;'), 'javascript');
    assert.ok(a.models.some((m) => m.name === 'minimize'));
  });
});

describe('TF.js: an encoder and a decoder run in the minimize arrow', () => {
  const src = (decoderInput: string) => `const tf = require('@tensorflow/tfjs');
async function fitAll(enc, dec, images) {
  const opt = tf.train.adam(0.001);
  for (const x of images) {
    opt.minimize(() => {
      const [m, lv] = enc.predict(x);
      const rebuilt = dec.predict(${decoderInput});
      const rec = tf.losses.absoluteDifference(x, rebuilt);
      const kl = tf.mean(tf.exp(lv).add(m.square()).sub(1).sub(lv));
      return rec.add(kl.mul(0.3));
    });
  }
}
`;

  it("reads the decoder's result as the prediction and the encoder's outputs as tensors beside it", () => {
    const m = model(analyze(src('m'), 'javascript'), 'minimize');
    assert.deepEqual([m.yTrue, m.yPred], ['x', 'rebuilt']);
    assert.deepEqual(m.params.map((p) => p.name), ['rebuilt', 'm', 'lv', 'x']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:kl*0.3']);
  });

  it('a second model call that reads none of the first one\'s outputs is not a decoder', () => {
    const m = model(analyze(src('x'), 'javascript'), 'minimize');
    assert.equal(m.yPred, 'm');
  });
});

describe('TF.js: what a minimize arrow returns and reads, as training loops write it', () => {
  it('a total wrapped in .asScalar() (or tf.keep) still splits into its terms', () => {
    const src = (ret: string) => `import * as tf from '@tensorflow/tfjs';
export function boundedFit(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const fit = tf.losses.meanSquaredError(yTrue, yPred);
    const spread = tf.mean(tf.abs(yPred));
    return ${ret};
  });
}
`;
    for (const ret of ['fit.add(spread.mul(0.2)).asScalar()', 'tf.keep(tf.add(fit, tf.mul(0.2, spread)))']) {
      const m = model(analyze(src(ret), 'typescript'), 'boundedFit');
      assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:spread*0.2'], ret);
    }
  });

  it('an object destructured from the model call: the prediction-named field is the prediction, the compared name the target', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
export class Recurrent {
  step(xNow: tf.Tensor, xLater: tf.Tensor, state: tf.Tensor) {
    return this.opt.minimize(() => {
      const { nextState, prediction, drift } = this.forward(xNow, state);
      const err = tf.mean(tf.square(tf.sub(prediction, xLater)));
      return tf.add(err, tf.mul(tf.scalar(0.05), drift)) as tf.Scalar;
    }, true);
  }
}
`, 'typescript');
    // an anonymous closure in a class method is named by the method (Recurrent.step), not by the optimizer's minimize
    const m = model(a, 'step');
    assert.equal(m.className, 'Recurrent');
    assert.deepEqual([m.yTrue, m.yPred], ['xLater', 'prediction']);
    assert.deepEqual(m.params.map((p) => p.name), ['prediction', 'nextState', 'drift', 'xLater']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:err', 'penalty:+:drift*tf.scalar(0.05)']);
  });
});

describe('TF.js in TypeScript: a prediction held through a cast', () => {
  it('const pred = model.predict(xs) as tf.Tensor names the prediction pred (the declaration is left out)', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
export function fitStep(net: tf.LayersModel, opt: tf.Optimizer, xs: tf.Tensor, ys: tf.Tensor) {
  return opt.minimize(() => {
    const pred = (net.predict(xs) as tf.Tensor);
    const ce = tf.losses.sigmoidCrossEntropy(ys, pred);
    return ce.add(tf.mean(tf.relu(pred.sub(1))).mul(0.5)) as tf.Scalar;
  }, true);
}
`, 'typescript');
    const m = model(a, 'minimize');
    assert.deepEqual([m.yTrue, m.yPred], ['ys', 'pred']);
    assert.deepEqual(m.params.map((p) => p.name), ['pred', 'ys']);
  });
});
