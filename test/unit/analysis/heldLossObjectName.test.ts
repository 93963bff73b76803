// A loss written inline whose value is one call of a held loss object (`loss = loss_function(y_true, y_pred)` with
// `loss_function = tf.keras.losses.MeanSquaredError()`): its term is named by the object, not by the loss's own
// variable `loss` (which names the total, i.e. the loss itself).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';

before(() => initParsers());

const labels = (source: string) => analyzeSource(source, 'python', 'train.py').models[0]!.terms.map((t) => `${t.role}:${t.label}`);

test('a Keras GradientTape loop: the one term is named by the loss object it calls', () => {
  const source = `import tensorflow as tf

def fit(model, data, optimizer):
    loss_function = tf.keras.losses.MeanSquaredError()
    for x, y in data:
        with tf.GradientTape() as tape:
            y_pred = model(x, training=True)
            loss = loss_function(y, y_pred)
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
`;
  assert.deepEqual(labels(source), ['base:loss_function']);
});

test('a PyTorch loop that grows the loss in place keeps the criterion as the base and the penalty its own name', () => {
  const source = `import torch
import torch.nn as nn

def train(model, loader, opt, lam=0.1):
    criterion = nn.MSELoss()
    for x, y in loader:
        out = model(x)
        loss = criterion(out, y)
        loss = loss + lam * out.abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
`;
  const got = labels(source);
  assert.equal(got[0], 'base:criterion');
  assert.equal(got.length, 2);
});
