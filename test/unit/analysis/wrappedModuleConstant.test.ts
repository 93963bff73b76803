// A module constant holding a number wrapped in a tensor (`LAM = torch.tensor(0.1)`, `W = tf.constant(0.5,
// dtype=tf.float32)`) is that number, as `LAM = 0.1` is: the loss's λ has the code's value (the trial's "code" run,
// the sweep's grid, the split's λ) and "Use λ = x" edits the number inside the call. Before, such a constant had no
// value, so the code's λ was unknown.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready } from './helpers';

before(async () => {
  await ready;
});

const torch = (constant: string): string => `import torch
import torch.nn.functional as F

${constant}

def bounded(pred, target):
    mse = F.mse_loss(pred, target)
    below = torch.relu(-pred).mean()
    return mse + LAM * below
`;

describe('a module constant that wraps a number', () => {
  it('LAM = torch.tensor(0.1): the λ is LAM = 0.1, and write-back edits the 0.1 inside the call', () => {
    const source = torch('LAM = torch.tensor(0.1)');
    const m = model(analyze(source), 'bounded');
    assert.equal(m.lambdaParam, 'LAM');
    assert.equal(m.params.find((p) => p.name === 'LAM')?.default, 0.1);
    assert.equal(codeLambda(m), 0.1);
    const written = writeLambda(m, source, 2.5);
    assert.ok(written.ok, written.ok ? '' : written.reason);
    assert.match(written.text, /^LAM = torch\.tensor\(2\.5\)$/m);
  });

  it('keywords that keep one number (dtype, device) are fine; a shape or a second positional argument is not one number', () => {
    const dtype = model(analyze(torch('LAM = torch.tensor(0.1, dtype=torch.float32)')), 'bounded');
    assert.equal(codeLambda(dtype), 0.1);
    const shaped = model(analyze(torch('import tensorflow as tf\nLAM = tf.constant(0.1, shape=[4])')), 'bounded');
    assert.equal(shaped.params.find((p) => p.name === 'LAM')?.default, undefined);
  });
});

describe('a TF.js constant that wraps a number', () => {
  it('const W = tf.scalar(0.05), read as W.mul(p): the λ is W = 0.05, and write-back edits the 0.05', () => {
    const source = `const tf = require('@tensorflow/tfjs');
const W = tf.scalar(0.05);
function bounded(yTrue, yPred) {
  const mse = tf.losses.meanSquaredError(yTrue, yPred);
  const below = tf.mean(tf.relu(tf.neg(yPred)));
  return mse.add(W.mul(below));
}
module.exports = { bounded };
`;
    const m = model(analyze(source, 'javascript', 'f.js'), 'bounded');
    assert.equal(m.lambdaParam, 'W');
    assert.equal(codeLambda(m), 0.05);
    const written = writeLambda(m, source, 0.2);
    assert.ok(written.ok, written.ok ? '' : written.reason);
    assert.match(written.text, /^const W = tf\.scalar\(0\.2\);$/m);
  });
});
