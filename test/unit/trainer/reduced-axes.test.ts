// A loss that reduces its prediction over axes past the first (`K.mean(K.square(y_pred - y_true), axis=[1, 2])`, or
// `K.sum(losses.binary_crossentropy(p, y), axis=1)` where the Keras loss already averaged the last axis away) reads
// sequences (N, T, F): the trial's data gets three axes, said in the header, instead of the loss failing on the
// trainer's 2-D data ("All values in axis param must be in range [-1, 1)").
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { lossSampleShape } from '../../../src/trainer/data';

const lossOf = (source: string) => analyzeSource(source, 'python', 'seq.py').models[0]!;
before(() => initParsers());

test('a mean over axes 1 and 2 of the squared error: sequences', () => {
  const loss = lossOf(`from tensorflow.keras import backend as K

def traj_loss(y_true, y_pred, lam=0.5):
    mse = K.mean(K.square(y_pred - y_true), axis=[1, 2])
    return mse + lam * K.mean(K.relu(-y_pred), axis=[1, 2])
`);
  const shape = lossSampleShape(loss, 4);
  assert.equal(shape.shape.length, 2);
  assert.match(shape.why ?? '', /^sequences \(N, T, F\).*reduces over three axes: `K\.mean\(K\.square\(y_pred - y_true\), axis=\[1, 2\]\)` \(line 4\)/);
});

test('a sum over axis 1 of a Keras loss function (which averages the last axis): sequences', () => {
  const loss = lossOf(`from tensorflow.keras import backend as K
from tensorflow.keras import losses

def steps_loss(y_true, y_pred):
    return K.sum(losses.binary_crossentropy(y_true, y_pred), axis=1)
`);
  assert.equal(lossSampleShape(loss, 4).shape.length, 2);
});

test('a mean over axis 1 of the prediction itself, or over the last axis, keeps flat outputs', () => {
  for (const axis of ['1', '-1']) {
    const loss = lossOf(`import tensorflow as tf

def flat_loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred), axis=${axis})
`);
    assert.deepEqual(lossSampleShape(loss, 4), { shape: [4] });
  }
});
