// Keras's documented form for a loss on weights: `model.add_loss(callable)` with a zero-argument callable (a lambda,
// or a function of the file passed by name), because a loss that reads a layer's variable must be recomputed each
// step. The callable's body is the penalty, named after the function; a layer's `kernel` is the trial model's
// weight, the output layer's when that layer makes the model's output, and λ is the constant the body multiplies by.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { runRules } from '../../../src/analysis/rules';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

before(() => initParsers());

const orthogonal = `import tensorflow as tf
from tensorflow import keras

ORTHO = 0.01

inputs = keras.Input(shape=(8,))
dense = keras.layers.Dense(4)
outputs = dense(inputs)
model = keras.Model(inputs, outputs)


def orthogonality():
    w = dense.kernel
    gram = tf.matmul(w, w, transpose_a=True)
    return ORTHO * tf.reduce_sum(tf.square(gram - tf.eye(4)))


model.add_loss(orthogonality)
model.compile(optimizer="adam", loss="mse")
`;

test('a function passed to add_loss by name is read through its body: the penalty is named after it, λ is its constant', () => {
  const analysis = analyzeSource(orthogonal, 'python', 'ortho.py');
  const loss = analysis.models.find((m) => m.name === 'model');
  assert.ok(loss, 'the added loss is found');
  const penalty = loss.terms.find((t) => t.role === 'penalty');
  assert.equal(penalty?.label, 'orthogonality');
  assert.deepEqual(
    loss.terms.filter((t) => t.role === 'base').map((t) => t.label),
    ['mse'],
  );
  // no "added without λ" (ORTHO weighs it inside the function), no "not supported" for the function used as a value
  assert.deepEqual(
    runRules(analysis, orthogonal).map((f) => f.code),
    [],
  );
});

test("the output layer's kernel in an added callable is the trial model's output kernel, and λ = 10 makes it orthogonal", async () => {
  const loss = analyzeSource(orthogonal, 'python', 'ortho.py').models.find((m) => m.name === 'model')!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 150 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started' && started.trial);
  assert.match(started.trial.model, /`dense\.kernel` = the kernel of the output layer/);
  const id = loss.terms.find((t) => t.label === 'orthogonality')!.id;
  const last = (run: string) => messages.flatMap((m) => (m.type === 'metrics' ? m.points : [])).filter((p) => p.runId === run).at(-1)!.terms[id]!.raw;
  assert.ok(last('l10') < last('l0') / 2, `orthogonality at λ = 10 (${last('l10')}) not below half of λ = 0 (${last('l0')})`);
});

test("Keras's documented `model.add_loss(lambda: tf.reduce_mean(d.kernel))` on an inner layer trains with its penalty", async () => {
  const source = `import tensorflow as tf

inputs = tf.keras.Input(shape=(10,))
d = tf.keras.layers.Dense(10)
x = d(inputs)
outputs = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs, outputs)
model.add_loss(lambda: tf.reduce_mean(d.kernel))
model.compile(optimizer="adam", loss="mse")
`;
  const analysis = analyzeSource(source, 'python', 'doc.py');
  const loss = analysis.models.find((m) => m.name === 'model')!;
  assert.deepEqual(
    loss.terms.map((t) => `${t.role} ${t.label}`),
    ['penalty d.kernel', 'base mse'],
  );
  // the one real finding: the penalty has no λ
  assert.deepEqual(
    runRules(analysis, source).map((f) => f.code),
    ['LL101'],
  );
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 20 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`d\.kernel` = the kernel of the layer that makes the last hidden layer/);
  const penalty = loss.terms.find((t) => t.role === 'penalty')!.id;
  assert.ok(messages.some((m) => m.type === 'metrics' && m.points.some((p) => Number.isFinite(p.terms[penalty]?.raw))));
});
