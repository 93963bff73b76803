// A model's loss method written for tf.distribute: it builds a Keras Loss subclass of the same file with
// `reduction=Reduction.NONE` and averages with `tf.nn.compute_average_loss(..., global_batch_size=global_batch_size)`.
// The in-file Loss object runs its `call`, reduced as its constructor's reduction says; the Reduction enum default is
// the string Keras reads; `global_batch_size` is the trial's batch size (one replica), said in the header; nothing is
// refused.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { type ArgLayout, mappedLosses } from '../../../src/trainer/mappedLoss';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { cpu, tf } from '../interpreter/tf';

const source = `import tensorflow as tf


class Spread(tf.keras.losses.Loss):
    def __init__(self, reduction=tf.keras.losses.Reduction.AUTO, name="spread"):
        super().__init__(reduction=reduction, name=name)

    def call(self, y_true, y_pred):
        return tf.reduce_sum(tf.square(y_pred), axis=-1)


class Net(tf.keras.Model):
    def objective(self, y, y_hat, global_batch_size, reduction=tf.keras.losses.Reduction.NONE):
        fit = tf.nn.compute_average_loss(tf.reduce_sum(tf.square(y - y_hat), axis=-1), global_batch_size=global_batch_size)
        spread = Spread(reduction=reduction)
        return fit + 0.1 * tf.nn.compute_average_loss(spread(y, y_hat), global_batch_size=global_batch_size)
`;

let loss: LossModel;
before(async () => {
  await initParsers();
  await cpu();
  loss = analyzeSource(source, 'python', 'net.py').models.find((m) => m.name === 'objective')!;
});

test('the in-file Loss object, the Reduction default and compute_average_loss are all interpreted', () => {
  assert.deepEqual(findUnsupported(loss).map((u) => u.op), []);
  assert.equal(loss.params.find((p) => p.name === 'reduction')?.default, 'none');
  assert.deepEqual(mappedTensorArgs(loss), [{ name: 'global_batch_size', kind: 'batch-size' }]);
});

test('the values: per-sample sums averaged over the batch (one replica)', () => {
  const layout: ArgLayout = { framework: 'keras', units: 8, weightIndex: 0 };
  const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], layout);
  const out = run!(tf.tensor2d([[0, 0], [1, 1]]), tf.tensor2d([[1, 2], [1, 0]]));
  // fit: ((1 + 4) + (0 + 1)) / 2 = 3; spread: ((1 + 4) + (1 + 0)) / 2 = 3, weighted 0.1
  const total = loss.terms.reduce((s, t) => s + out.terms[t.id]!.weighted.dataSync()[0]!, 0);
  assert.ok(Math.abs(total - 3.3) < 1e-5, `${total}`);
});
