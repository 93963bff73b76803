// A list of weight matrices collected outside the loss (`hidden_weights = [m.weight for m in model.modules() …]`
// before a training loop) and iterated by the penalty (`for w in hidden_weights:`) is the trial model's weight
// matrices (kernels, in the framework's layout; no biases). A global of another name, or one used otherwise, is still
// refused as a value defined outside the loss.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { compileLoss, findUnsupported, readsModelWeights } from '../../../src/trainer/interpreter';
import { cpu, tf } from '../interpreter/tf';

const sourceWith = (name: string, use = `for w in ${name}:\n        total += (w ** 2).sum()`) => `import torch
import torch.nn.functional as F

${name} = [m.weight for m in model.modules() if isinstance(m, torch.nn.Linear)]

def loss_fn(pred, target, lam=0.1):
    total = 0
    ${use}
    return F.mse_loss(pred, target) + lam * total
`;

const lossOf = (src: string) => analyzeSource(src, 'python', 'f.py').models[0]!;

before(async () => {
  await cpu();
  await initParsers();
});

test('`for w in hidden_weights` gets the trial model weight matrices: nothing refused, Σw² over the kernels only', () => {
  const loss = lossOf(sourceWith('hidden_weights'));
  assert.deepEqual(findUnsupported(loss), []);
  assert.ok(readsModelWeights(loss));
  const term = loss.terms.find((t) => t.role === 'penalty')!;
  // torch layout: a kernel [in, out] of the trial model is an nn.Linear weight [out, in]; biases are left out
  const weights: Tensor[] = [tf.tensor2d([[1, 2]]), tf.tensor1d([3]), tf.tensor2d([[4], [5]]), tf.tensor1d([6, 7])];
  const raw = compileLoss(tf, loss, {})(tf.zeros([1, 2]), tf.zeros([1, 2]), { weights }).terms[term.id]!.raw.dataSync()[0]!;
  assert.equal(raw, 1 + 4 + 16 + 25);
});

test('a global not named as a weight list, or a weight list read otherwise, is still refused as defined outside the loss', () => {
  const other = findUnsupported(lossOf(sourceWith('layers_seen')));
  assert.match(other[0]?.message ?? '', /`layers_seen` is defined outside the loss function/);
  const scaled = findUnsupported(lossOf(sourceWith('hidden_weights', 'total = total + hidden_weights[0].sum()')));
  assert.match(scaled[0]?.message ?? '', /`hidden_weights` is defined outside the loss function/);
});
