// TF.js's built-in layer regularizers (`kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 })`, `l1l2({ l1, l2 })`,
// `biasRegularizer: 'l1'`) are penalties of the loss the model compiles, as Keras's `kernel_regularizer=` are
// (issue 9 §1). Shapes seen in public TF.js code: dense layers with an l2 regularizer in a sequential model compiled
// with a named loss, an elastic net's l1l2 with its factors computed from destructured constructor options.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss } from '../../../src/analysis/index';
import { analyze, model, ready } from './helpers';

before(() => ready);

const summary = (m: ReturnType<typeof model>) => m.terms.map((t) => `${t.role}:${t.label}${t.weight ? `*${t.weight.text}` : ''}`);

describe('Discovery: TF.js built-in layer regularizers', () => {
  it('reads each layer regularizer as a penalty of the compiled loss, with its factor resolved', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
const L2 = 1e-3;
function build(units, { l1 = 5e-4 } = {}) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, inputShape: [4], kernelRegularizer: tf.regularizers.l2({ l2: L2 }) }));
  model.add(tf.layers.dense({ units: 1, kernelRegularizer: tf.regularizers.l1l2({ l1, l2: 2 * L2 }), biasRegularizer: 'l1' }));
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}
`, 'javascript');
    const m = model(a, 'meanSquaredError');
    assert.equal(m.framework, 'tfjs');
    assert.deepEqual(summary(m), ['penalty:l2*L2', 'penalty:l1*l1', 'penalty:l2_2*2 * L2', 'penalty:l1_2*0.01', 'base:meanSquaredError']);
    assert.equal(m.params.find((p) => p.name === 'L2')?.default, 1e-3);
    assert.equal(m.params.find((p) => p.name === 'l1')?.default, 5e-4);
    assert.deepEqual(m.terms.filter((t) => t.role === 'penalty').map((t) => t.regularizes?.on), ['kernel', 'kernel', 'kernel', 'bias']);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model === m);
  });

  it('adds them to a custom loss function the model compiles', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
function fitLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.mean(tf.square(tf.sub(yTrue, yPred)));
}
const reg = tf.regularizers.l1({ l1: 0.02 });
const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelRegularizer: reg })] });
model.compile({ optimizer: 'sgd', loss: fitLoss });
`, 'typescript');
    const m = model(a, 'fitLoss');
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.weight?.text ?? ''}`), ['base:', 'penalty:0.02']);
  });

  it('finds the compiled loss in compile options built elsewhere (`model.compile(this.compileArgs)`)', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
class Ridge {
  constructor(alpha = 0.1) {
    this.compileArgs = { optimizer: tf.train.adam(0.01), loss: tf.losses.meanSquaredError };
    this.layerArgs = { units: 1, kernelRegularizer: tf.regularizers.l2({ l2: alpha }) };
  }
  fit(x, y) {
    this.model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], ...this.layerArgs })] });
    this.model.compile(this.compileArgs);
  }
}
`, 'javascript');
    const m = model(a, 'meanSquaredError');
    assert.deepEqual(summary(m), ['penalty:l2*alpha', 'base:meanSquaredError']);
    assert.equal(m.params.find((p) => p.name === 'alpha')?.default, 0.1);
  });

  it('leaves a custom regularizer class to the class reader and reads nothing from a layer without one', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelRegularizer: null })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
`, 'javascript');
    // no regularizer read: the one loss is the compiled framework loss alone, with no penalty (compiledBuiltin.ts)
    assert.deepEqual(a.models.map((x) => [x.name, x.terms.map((t) => t.role)]), [['meanSquaredError', ['base']]]);
  });
});
