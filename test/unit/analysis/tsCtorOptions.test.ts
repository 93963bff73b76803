// A TS/JS constructor's options object (`constructor({ alpha = 1, l1Ratio = 0.5 } = {})`) is bound by the call that
// builds the class (`new ElasticNet({ alpha: 0.2 })`), as JS binds it: a layer regularizer's factor computed from
// those names reads the value passed, not the destructured default (issue 9 §2). Calls that disagree, or options
// built elsewhere, leave the default (nothing is guessed).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready } from './helpers';

before(() => ready);

const NET = (build: string) => `import * as tf from '@tensorflow/tfjs';
class ElasticNet {
  constructor({ alpha = 1, l1Ratio = 0.5 } = {}) {
    this.model = tf.sequential();
    this.model.add(tf.layers.dense({ units: 1, inputShape: [4], kernelRegularizer: tf.regularizers.l1l2({ l1: alpha * l1Ratio, l2: 0.5 * alpha * (1 - l1Ratio) }) }));
    this.model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  }
}
${build}
`;

const factors = (build: string) =>
  model(analyze(NET(build), 'javascript'), 'meanSquaredError')
    .terms.filter((t) => t.role === 'penalty')
    .map((t) => (t.weight?.kind === 'number' ? Number(t.weight.value.toPrecision(6)) : t.weight?.text));

describe('a constructor options object bound by its call', () => {
  it('new ElasticNet({ alpha: 0.2 }) gives l1 = 0.2 · 0.5 and l2 = 0.5 · 0.2 · 0.5', () => {
    assert.deepEqual(factors('const net = new ElasticNet({ alpha: 0.2 });'), [0.1, 0.05]);
  });

  it('a key the call leaves out keeps its default; no call keeps all defaults', () => {
    assert.deepEqual(factors('const net = new ElasticNet({ l1Ratio: 1 });'), [1], 'l2 = 0 adds nothing');
    assert.deepEqual(factors(''), [0.5, 0.25]);
  });

  it('calls that pass different values, or options built elsewhere, leave the default', () => {
    assert.deepEqual(factors('const a = new ElasticNet({ alpha: 0.2 });\nconst b = new ElasticNet({ alpha: 0.3 });'), [0.5, 0.25]);
    assert.deepEqual(factors('const a = new ElasticNet({ alpha: 0.2 });\nconst b = new ElasticNet();'), [0.5, 0.25]);
    assert.deepEqual(factors('const a = new ElasticNet(loadOptions());'), [0.5, 0.25]);
  });
});
