// Keras's built-in layer regularizers train as Keras adds them to the compiled loss (tf.keras 2.x semantics, the
// regularizers' documented formulas): l1 = λ·Σ|W|, l2 = λ·ΣW² (no ½) on the trial layer's kernel and bias, and an
// activity penalty on the hidden layer's activations divided by the batch size (Layer._handle_activity_regularization).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss } from '../../../src/trainer/interpreter';
import { mappedLosses } from '../../../src/trainer/mappedLoss';
import { describeArgs, type TrialModel } from '../../../src/trainer/trialModel';
import { cpu, tf } from '../interpreter/tf';

const SOURCE = `from tensorflow import keras
from tensorflow.keras import layers, regularizers
model = keras.Sequential([
    layers.Dense(3, activation='relu', kernel_regularizer=regularizers.l1(0.1),
                 bias_regularizer=regularizers.l2(0.01), activity_regularizer=regularizers.l1(0.2)),
    layers.Dense(2),
])
model.compile(optimizer='adam', loss='mse')
`;

function regularised(): LossModel {
  const m = analyzeSource(SOURCE, 'python', 'model.py').models.find((x) => x.kind === 'regularizer');
  assert.ok(m, 'the compiled loss with its layers\' penalties');
  return m;
}

const value = (t: { dataSync(): ArrayLike<number> }): number => t.dataSync()[0]!;

describe("Keras built-in regularizers on the trial model's layers", () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it('each penalty is its closed form on fixed weights and activations; the activity one is divided by the batch', () => {
    const m = regularised();
    const kernel = tf.tensor2d([[1, -2], [0.5, 0]]); // Σ|W| = 3.5
    const bias = tf.tensor1d([1, -3]); // Σb² = 10
    const hidden = tf.tensor2d([[1, -1, 2], [0, 3, 0]]); // Σ|h| = 7 over a batch of 2
    const y = tf.tensor2d([[1, 2], [3, 4]]);
    const [loss] = mappedLosses(tf, m, [compileLoss(tf, m, {})], { framework: 'keras', units: 3, weightIndex: 0 });
    const out = loss!(y, y, { weights: [kernel, bias, tf.zeros([3, 2]), tf.zeros([2])], tensors: { activations: hidden } });
    const raw = Object.fromEntries(m.terms.map((t) => [t.label, value(out.terms[t.id]!.weighted)]));
    assert.ok(Math.abs(raw.l1! - 0.1 * 3.5) < 1e-6, `kernel l1 ${raw.l1}`);
    assert.ok(Math.abs(raw.l2! - 0.01 * 10) < 1e-6, `bias l2 ${raw.l2}`);
    assert.ok(Math.abs(raw.l1_2! - (0.2 * 7) / 2) < 1e-6, `activity l1 ${raw.l1_2}`);
    assert.ok(Math.abs(value(out.total) - (0.35 + 0.1 + 0.7)) < 1e-6, `total ${value(out.total)} (mse 0)`);
  });

  it('the header says which layer each tensor is for, not that its name said so', () => {
    const trial = { layout: { framework: 'keras', units: 3, weightIndex: 0 } } as unknown as TrialModel;
    const words = describeArgs(regularised(), trial) ?? '';
    assert.match(words, /`kernel` = the kernel of the layer that makes the last hidden layer .*, for the l1 of Dense \(line 4\)/);
    assert.match(words, /`bias` = .*, for the l2 of Dense \(line 4\)/);
    assert.match(words, /`activations` = .*, for the l1_2 of Dense \(line 4\)/);
    assert.doesNotMatch(words, /because of/);
  });
});
