// Keras's walk over a model's layers (`for layer in model.layers: if isinstance(layer, (Conv2D, Dense)): …
// layer.kernel …`, python/kerasLayerLoops.ts) runs on the trial's Dense kernels: the global kernel norm of a factory
// and an in-loss sum of squares, by hand on the test's kernel; a guard the trial's Dense layers fail stays refused.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, tf } from './tf';

const FACTORY = (guard: string, read: string): string => `import tensorflow as tf
from tensorflow.keras.layers import Conv2D, Dense


def weight_norm_loss(model, alpha=1e-2):
    flat = []
    for layer in model.layers:
        if ${guard}:
            flat.append(tf.reshape(${read}, [-1]))
    every_kernel = tf.concat(flat, axis=0)

    def loss(y_true, y_pred):
        return tf.reduce_mean(tf.square(y_true - y_pred)) + alpha * tf.norm(every_kernel)

    return loss


model = tf.keras.Sequential([Dense(2)])
model.compile(optimizer="adam", loss=weight_norm_loss(model, alpha=0.5))
`;

const IN_LOSS = `import tensorflow as tf
from tensorflow.keras import layers

model = tf.keras.Sequential([layers.Dense(2)])


def l2_kernels(y_true, y_pred):
    reg = 0.0
    for layer in model.layers:
        if isinstance(layer, layers.Dense):
            reg += tf.reduce_sum(tf.square(layer.kernel))
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.1 * reg
`;

// the trial's weights: one Dense layer's kernel, then its bias (never read as a kernel)
const weights = () => [tf.tensor([[3, 0], [0, 4]]), tf.tensor([5, 5])];
const total = (src: string, name: string): number => {
  const m = analyzeSource(src, 'python', 'loss.py').models.find((x) => x.name === name)!;
  assert.deepEqual(findUnsupported(m), []);
  const out = compileLoss(tf, m, {})(tf.tensor([[1, 1]]), tf.tensor([[1, 1]]), { weights: weights() });
  return out.total.dataSync()[0]!;
};

describe("Keras's walk over model.layers", () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  for (const [guard, read] of [
    ['isinstance(layer, Conv2D) or isinstance(layer, Dense)', 'layer.trainable_weights[0]'],
    ['isinstance(layer, (Conv2D, Dense))', 'layer.kernel'],
    ["hasattr(layer, 'kernel')", 'layer.kernel'],
  ]) {
    it(`${guard} with ${read}: the norm of the kernels alone (0.5 · ‖K‖ = 0.5 · 5)`, () => {
      close(total(FACTORY(guard!, read!), 'weight_norm_loss'), 0.5 * 5, 1e-6, '0.5 · sqrt(9 + 16)');
    });
  }

  it('a sum in the loss over isinstance(layer, layers.Dense) kernels (0.1 · Σ K²)', () => {
    close(total(IN_LOSS, 'l2_kernels'), 0.1 * 25, 1e-6, '0.1 · (9 + 16)');
  });

  it('a guard the trial has no layer for (Conv2D alone) or a read of the bias is not a walk over kernels', () => {
    for (const src of [FACTORY('isinstance(layer, Conv2D)', 'layer.kernel'), FACTORY('isinstance(layer, Dense)', 'layer.bias')]) {
      const m = analyzeSource(src, 'python', 'loss.py').models.find((x) => x.name === 'weight_norm_loss')!;
      assert.notDeepEqual(findUnsupported(m), []);
    }
  });
});
