// A Keras regularizer / add_loss trains with the loss the model compiles (analysis/compiledBase.ts): the trainer
// minimises compiled loss + λ·penalty, reports the compiled loss as the run's original loss, and the trial's
// curves are the base and the penalty.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { compileLoss } from '../../../src/trainer/interpreter';
import { runTrial } from '../../../src/trainer/trial';
import { cpu, tf } from '../interpreter/tf';
import { specFor } from './helpers';

const SOURCE = `import tensorflow as tf
from tensorflow import keras


class Spread(keras.regularizers.Regularizer):
    def __init__(self, rate=0.0):
        self.rate = rate

    def __call__(self, x):
        return self.rate * tf.reduce_sum(tf.square(x))


inputs = keras.Input(shape=(8,))
outputs = keras.layers.Dense(3, activity_regularizer=Spread(rate=0.01))(inputs)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
`;

function regularizer(): LossModel {
  const m = analyzeSource(SOURCE, 'python', 'model.py').models.find((x) => x.name === 'Spread');
  assert.ok(m, 'the regularizer is found');
  return m;
}

describe('a regularizer trains with the compiled loss as its base', () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it("the original loss is the compiled MSE and the total adds rate · the regularizer's penalty", () => {
    const m = regularizer();
    const yTrue = tf.tensor2d([[0, 1, 2], [1, 1, 1]]);
    const yPred = tf.tensor2d([[0.5, 1, 1], [1, 0, 3]]);
    const out = compileLoss(tf, m, { 'self.rate': 0.01 })(yTrue, yPred);
    // mse: mean over all of (0.25, 0, 1, 0, 1, 4) = 6.25 / 6; penalty: sum of squares of yPred = 0.25+1+1+0+1+9 = 12.25
    assert.ok(Math.abs(out.original.dataSync()[0]! - 6.25 / 6) < 1e-5, `original ${out.original.dataSync()[0]}`);
    assert.ok(Math.abs(out.total.dataSync()[0]! - (6.25 / 6 + 0.01 * 12.25)) < 1e-5, `total ${out.total.dataSync()[0]}`);
  });

  it('a trial shows the base and the penalty curves, and λ = 0 still learns the targets', async () => {
    const messages: TrainerToHost[] = [];
    await runTrial(specFor(regularizer(), { steps: 30, backend: 'cpu', sourceFile: 'model.py' }), { send: (x) => messages.push(x), shouldStop: () => false });
    const started = messages.find((x) => x.type === 'started');
    assert.ok(started?.type === 'started', JSON.stringify(messages.filter((x) => x.type === 'error')));
    assert.deepEqual(started.terms.map((t) => `${t.role}:${t.label}`).sort(), ['base:mse', `penalty:${started.terms.find((t) => t.role === 'penalty')?.label}`].sort());
    const points = messages.flatMap((x) => (x.type === 'metrics' ? x.points : [])).filter((p) => p.runId === 'l0');
    assert.ok(points.length > 2);
    const first = points[0]!.original;
    const last = points.at(-1)!.original;
    assert.ok(first > 0 && last < first, `the compiled loss is trained at λ = 0: ${first} → ${last}`);
  });
});
