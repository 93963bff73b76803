// A hidden tensor of the file's own Keras functional graph read by an added loss (`h1 = Dense(…)(x)`, then
// `model.add_loss(lam * tf.reduce_sum(tf.square(h1)))`) is an activation the model computes, whatever its name: the
// trial passes its hidden activations for it and says so in the header, instead of refusing it as data. A Lambda layer
// applied to the graph (`special = Lambda(lambda x: K.ones_like(x))(latent)`) is its function applied, read by the loss.
// A feature map the loss reduces over axes 1 to 3 gets the activations with those axes, of size 1 (argRank.ts).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { Expr, LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { argRank } from '../../../src/trainer/argRank';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { mappedLosses } from '../../../src/trainer/mappedLoss';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { runTrial } from '../../../src/trainer/trial';
import { cpu, tf } from '../interpreter/tf';
import { specFor } from './helpers';

before(() => initParsers());

const graph = (penalty: string) => `import tensorflow as tf
from tensorflow.keras import layers, backend as K

inputs = layers.Input(shape=(8,))
h1 = layers.Dense(16, activation="relu")(inputs)
h2 = layers.Dense(16, activation="relu")(h1)
outputs = layers.Dense(1)(h2)
special = layers.Lambda(lambda t: K.ones_like(t))(h2)
model = tf.keras.Model(inputs, outputs)
act_weight = 0.05
${penalty}
model.compile(optimizer="adam", loss="mse")
`;

const lossOf = (source: string): LossModel => analyzeSource(source, 'python', 'graph.py').models.find((m) => m.name === 'model')!;
const calls = (e: Expr): string[] => [...(e.kind === 'call' ? [e.callee] : []), ...Object.values(e).flatMap((v) => (v && typeof v === 'object' && 'kind' in v ? calls(v as Expr) : Array.isArray(v) ? v.flatMap((x) => (x && typeof x === 'object' && 'kind' in x ? calls(x as Expr) : [])) : []))];

test("hidden tensors of the graph (`h1`, `h2`) are the trial's hidden activations, said in the header", async () => {
  const loss = lossOf(graph('model.add_loss(act_weight * (tf.reduce_mean(tf.square(h1)) + tf.reduce_mean(tf.square(h2))))'));
  assert.deepEqual(
    loss.params.filter((p) => p.graphActivation).map((p) => p.name),
    ['h1', 'h2'],
  );
  assert.deepEqual(mappedTensorArgs(loss), [
    { name: 'h1', kind: 'hidden' },
    { name: 'h2', kind: 'hidden' },
  ]);
  assert.deepEqual(findUnsupported(loss), []);
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5, model: { hidden: [16], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`h1` = a block of 8 units of the last hidden layer's activations/);
  assert.match(started.trial!.model, /because `h1`, `h2` are hidden tensors of your Keras model's own graph/);
});

test('a Lambda layer applied to the graph is its function applied: `special` reads as ones_like of the latent', () => {
  const loss = lossOf(graph('model.add_loss(act_weight * K.sum(K.square(special - h2)))'));
  assert.deepEqual(
    loss.params.filter((p) => p.role !== 'yPred').map((p) => p.name),
    ['h2'],
  );
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  assert.ok(calls(penalty.expr).includes('K.ones_like'), JSON.stringify(calls(penalty.expr)));
  assert.deepEqual(findUnsupported(loss), []);
});

test('a feature map reduced over axes 1 to 3 gets the activations as [batch, 1, 1, units]: the per-sample energy by hand', async () => {
  const loss = lossOf(graph('model.add_loss(act_weight * tf.reduce_mean(tf.reduce_sum(tf.square(h1), axis=[1, 2, 3])))'));
  assert.equal(argRank(loss, 'h1'), 4);
  // an op's number that is no axis (`tf.pow(h1, 3)`) leaves the activations as they are
  assert.equal(argRank(lossOf(graph('model.add_loss(act_weight * tf.reduce_mean(tf.pow(h1, 3)))')), 'h1'), 2);
  await cpu();
  const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], { framework: 'keras', units: 3, weightIndex: 0 });
  const h = tf.tensor2d([
    [1, 2, 0],
    [0, 0, 3],
  ]);
  const out = run!(tf.zeros([2, 1]), tf.zeros([2, 1]), { tensors: { h1: h } });
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  // per sample 1 + 4 = 5 and 9, their mean 7
  assert.equal(out.terms[penalty.id]!.raw.dataSync()[0], 7);
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5, model: { hidden: [16], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`h1` = the last hidden layer's activations \(16 relu units\), as \[batch, 1, 1, units\] \(the loss reduces it over axes 1 to 3/);
});

test('a loss that reads only hidden activations (its base not read) trains: the logits it leaves out get a zero gradient, not a tfjs error', async () => {
  // the compiled loss is a framework loss the file names in a later notebook cell the split does not read: the loss
  // the trainer is handed is the added penalty alone, which never reads the prediction
  const loss = lossOf(graph('model.add_loss(act_weight * tf.reduce_mean(tf.square(h1)))'));
  const penaltyOnly: LossModel = { ...loss, terms: loss.terms.filter((t) => t.role === 'penalty') };
  assert.equal(penaltyOnly.terms.length, 1);
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(penaltyOnly, { steps: 5, model: { hidden: [16], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error').map((m) => (m.type === 'error' ? m.message : '')), []);
  assert.ok(messages.some((m) => m.type === 'done'));
});
