// TF.js: an activity regularizer on the model's OUTPUT layer penalises the predictions (the last `model.add(…)`, the
// last item of `tf.sequential({ layers: [...] })`, the layer whose `.apply` gives `tf.model({ outputs })`), so its
// penalty reads the loss's prediction and no hidden activations are asked of the trial; one on a hidden layer still
// reads that layer's activations. Neither is reported as a misread weight penalty (LL110): the code asked for it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { check } from '../rules/corpus';
import { ready } from './helpers';

before(() => ready);

const added = (units: string) => `const tf = require('@tensorflow/tfjs');
const model = tf.sequential();
model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4] ${units === 'hidden' ? ", activityRegularizer: tf.regularizers.l1({ l1: 0.01 })" : ''} }));
model.add(tf.layers.dense({ units: 2 ${units === 'output' ? ", activityRegularizer: tf.regularizers.l2({ l2: 0.01 })" : ''} }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
`;

const functional = `import * as tf from '@tensorflow/tfjs';
const input = tf.input({ shape: [4] });
const h = tf.layers.dense({ units: 16, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
const out = tf.layers.dense({ units: 2, activityRegularizer: tf.regularizers.l2({ l2: 0.01 }) }).apply(h) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: out });
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
`;

const penaltyReads = (source: string, language: 'javascript' | 'typescript') => {
  const { analysis, findings } = check(source, language, `m.${language === 'javascript' ? 'js' : 'ts'}`);
  const m = analysis.models[0]!;
  return { text: JSON.stringify(m.terms.find((t) => t.role === 'penalty')!.expr), tensors: m.params.filter((p) => p.role === 'tensor').map((p) => p.name), codes: findings.map((f) => f.code) };
};

describe('TF.js activity regularizers by layer', () => {
  it('on the last model.add(...) layer: a penalty on the predictions', () => {
    const r = penaltyReads(added('output'), 'javascript');
    assert.match(r.text, /"ref":"yPred"/);
    assert.deepEqual(r.tensors, []);
    assert.deepEqual(r.codes, []);
  });

  it('on a hidden layer: that layer\'s activations', () => {
    const r = penaltyReads(added('hidden'), 'javascript');
    assert.deepEqual(r.tensors, ['activations']);
  });

  it('on the layer applied to make tf.model\'s outputs: the predictions', () => {
    const r = penaltyReads(functional, 'typescript');
    assert.match(r.text, /"ref":"yPred"/);
    assert.deepEqual(r.tensors, []);
  });
});
