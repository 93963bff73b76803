// A custom Keras regularizer (a Regularizer subclass's `__call__(self, x)`, a function given to a layer) is called by
// Keras on what its layer argument names: the trainer passes its penalty the trial layer's kernel, bias or hidden
// activations, not the model's output (src/trainer/regularizerInput.ts); only an activity regularizer on the
// model's output layer reads the prediction. The compiled base keeps the prediction.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { mentionsRef } from '../../../src/analysis/terms/expr';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { regularizedTensor, withRegularizedTensor } from '../../../src/trainer/regularizerInput';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { cpu, tf } from '../interpreter/tf';

const lossOf = (source: string): LossModel => analyzeSource(source, 'python', 'f.py').models.find((m) => m.kind === 'regularizer')!;

const REGULARIZER = `import tensorflow as tf
from tensorflow import keras


class SpreadColumns(keras.regularizers.Regularizer):
    def __init__(self, scale=0.01):
        self.scale = scale

    def __call__(self, w):
        gram = tf.matmul(w, w, transpose_a=True)
        return self.scale * tf.reduce_sum(tf.square(gram - tf.eye(w.shape[-1])))

`;

describe('a custom Keras regularizer reads the tensor its layer argument names', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it("kernel_regularizer: the penalty gets the trial layer's kernel, the base still the prediction", () => {
    const loss = lossOf(`${REGULARIZER}model = keras.Sequential([keras.layers.Dense(8, kernel_regularizer=SpreadColumns(0.5)), keras.layers.Dense(2)])
model.compile(optimizer="adam", loss="mse")
`);
    assert.equal(regularizedTensor(loss), 'kernel');
    const mapped = withRegularizedTensor(loss);
    assert.deepEqual(mappedTensorArgs(mapped), [{ name: 'kernel', kind: 'weights' }]);
    assert.deepEqual(findUnsupported(mapped), []);
    const penalty = mapped.terms.find((t) => t.role === 'penalty')!;
    const base = mapped.terms.find((t) => t.role === 'base')!;
    assert.equal(mentionsRef(penalty.expr, 'yPred'), false, 'the penalty no longer reads the output');
    assert.equal(mentionsRef(base.expr, 'yPred'), true, 'the compiled base does');
    // Σ (WᵀW − I)² of W = [[1, 0], [1, 1]]: WᵀW = [[2, 1], [1, 1]], minus I: [[1, 1], [1, 0]] → 3
    const kernel = tf.tensor2d([[1, 0], [1, 1]]);
    const out = compileLoss(tf, mapped, {})(tf.zeros([3, 2]), tf.ones([3, 2]), { tensors: { kernel } });
    assert.ok(Math.abs(out.terms[penalty.id]!.raw.dataSync()[0]! - 3) < 1e-6);
  });

  it("activity_regularizer on a hidden layer: the last hidden layer's activations", () => {
    const loss = lossOf(`${REGULARIZER}inp = keras.Input(shape=(16,))
code = keras.layers.Dense(4, activity_regularizer=SpreadColumns(0.1))(inp)
out = keras.layers.Dense(16)(code)
model = keras.Model(inp, out)
model.compile(optimizer="adam", loss="mse")
`);
    assert.equal(regularizedTensor(loss), 'activations');
    assert.deepEqual(mappedTensorArgs(withRegularizedTensor(loss)), [{ name: 'activations', kind: 'hidden' }]);
  });

  it("activity_regularizer on the output layer reads the prediction, as before", () => {
    const loss = lossOf(`${REGULARIZER}inp = keras.Input(shape=(16,))
h = keras.layers.Dense(8)(inp)
out = keras.layers.Dense(2, activity_regularizer=SpreadColumns(0.1))(h)
model = keras.Model(inputs=inp, outputs=out)
model.compile(optimizer="adam", loss="mse")
`);
    assert.equal(loss.regularizes?.output, true);
    assert.equal(regularizedTensor(loss), undefined);
  });

  it('a regularizer held in a variable (`reg = SpreadColumns(0.1)`) is known by its class', () => {
    const loss = lossOf(`${REGULARIZER}reg = SpreadColumns(0.1)
model = keras.Sequential([keras.layers.Dense(8, kernel_regularizer=reg), keras.layers.Dense(2)])
model.compile(optimizer="adam", loss="mse")
`);
    assert.equal(loss.regularizes?.on, 'kernel');
    assert.equal(regularizedTensor(loss), 'kernel');
  });
});
