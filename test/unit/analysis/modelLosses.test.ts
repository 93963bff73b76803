// `model.losses`, the layers' own regularisation penalties, added by a loss written where training happens: a TF.js
// `tf.variableGrads(() => …)` closure (`ce.add(tf.addN(model.losses))`) and a Keras custom loop
// (`loss_value += sum(model.losses)`). The closure is found as a loss, like a `minimize` closure; the `model.losses`
// term is the layers' penalties (one per regularizer object, however many layers share it, its factor the λ); a
// one-hot target made in the closure from the batch (`tf.oneHot(yb, p)`) is the target; a total grown in place is not
// the name of its first piece.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const tfjs = `import * as tf from '@tensorflow/tfjs';

function build(p: number): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const l2 = tf.regularizers.l2({ l2: 1e-3 });
  const h = tf.layers.dense({ units: 32, activation: 'relu', kernelRegularizer: l2 }).apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: p, kernelRegularizer: l2 }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

export function train(model: tf.LayersModel, xb: tf.Tensor, yb: tf.Tensor, p: number, opt: tf.Optimizer): void {
  const { value, grads } = tf.variableGrads(() => {
    const logits = model.apply(xb) as tf.Tensor2D;
    const target = tf.oneHot(yb, p);
    const ce = tf.losses.softmaxCrossEntropy(target, logits).mean();
    const reg = tf.addN(model.losses as unknown as tf.Tensor[]);
    return ce.add(reg) as tf.Scalar;
  });
  opt.applyGradients(grads);
}
`;

const keras = `import tensorflow as tf
from tensorflow import keras

model = keras.Sequential([keras.layers.Dense(64, activation="relu", kernel_regularizer=keras.regularizers.l2(1e-4)), keras.layers.Dense(10)])
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.Adam()
for step, (x_batch, y_batch) in enumerate(train_dataset):
    with tf.GradientTape() as tape:
        logits = model(x_batch, training=True)
        loss_value = loss_fn(y_batch, logits)
        loss_value += sum(model.losses)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
`;

describe('model.losses added by the loss itself', () => {
  it('TF.js: the variableGrads closure, its one-hot target, and one L2 penalty for the shared regularizer', () => {
    const a = analyze(tfjs, 'typescript', 'train.ts');
    const m = model(a, 'variableGrads');
    assert.deepEqual([m.yPred, m.yTrue], ['logits', 'target']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:ce', 'penalty:+:l2*1e-3']);
    assert.equal(a.models.filter((x) => x.kind === 'regularizer').length, 0, 'the penalties are the closure\'s, not a model of their own');
  });

  it('Keras: `loss_value += sum(model.losses)` in a custom loop is the layer\'s L2, the base named by its loss', () => {
    const m = model(analyze(keras, 'python', 'loop.py'), 'loss_value');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:loss_fn', 'penalty:+:l2*1e-4']);
  });
});
