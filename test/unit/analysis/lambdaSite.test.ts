// "Use λ = x": the edit lands where the λ the loss runs with is written, keeps the rest of the file as it was,
// and is refused with a reason when that λ is not a literal in the file.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { SourceLanguage } from '../../../src/analysis/ir';
import { findLambdaSite, formatLambdaLiteral, writeLambda } from '../../../src/analysis/lambdaSite';
import { analyze, ready } from './helpers';

before(() => ready);

const SUM_PENALTY = 'tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0)';

/** Writes `value` into the first loss of `source`; returns the changed lines only (before → after). */
function write(source: string, value: number, language: SourceLanguage = 'python') {
  const m = analyze(source, language).models[0]!;
  const out = writeLambda(m, source, value);
  if (!out.ok) return out;
  const a = source.split('\n');
  const b = out.text.split('\n');
  assert.equal(a.length, b.length, 'no line added or removed');
  return { ok: true as const, where: out.where, changed: a.flatMap((l, i) => (l === b[i] ? [] : [`${l.trim()} → ${b[i]!.trim()}`])) };
}

describe('λ write-back: where it lives', () => {
  it('a parameter default, keeping the float style', () => {
    const src = `import tensorflow as tf\n\ndef constrained_loss(y_true, y_pred, lambda_param=1.0):\n    ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)\n    p = ${SUM_PENALTY}\n    return ce + lambda_param * p\n`;
    assert.deepEqual(write(src, 3.2), {
      ok: true,
      where: 'the default of lambda_param (line 3)',
      changed: ['def constrained_loss(y_true, y_pred, lambda_param=1.0): → def constrained_loss(y_true, y_pred, lambda_param=3.2):'],
    });
    assert.deepEqual(write(src, 10).ok && write(src, 10), { ok: true, where: 'the default of lambda_param (line 3)', changed: ['def constrained_loss(y_true, y_pred, lambda_param=1.0): → def constrained_loss(y_true, y_pred, lambda_param=10.0):'] });
  });

  it('the argument of the factory call the model is compiled with, not the factory', () => {
    const src = `import tensorflow as tf\n\ndef make_loss(weight=1.0):\n    def loss(y_true, y_pred):\n        ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)\n        return ce + weight * ${SUM_PENALTY}\n    return loss\n\nmodel.compile(optimizer="adam", loss=make_loss(weight=0.5), metrics=["accuracy"])\n`;
    const out = write(src, 0.032);
    assert.deepEqual(out.ok && out.changed, ['model.compile(optimizer="adam", loss=make_loss(weight=0.5), metrics=["accuracy"]) → model.compile(optimizer="adam", loss=make_loss(weight=0.032), metrics=["accuracy"])']);
    assert.match(out.ok ? out.where : '', /argument weight= of the call on line 9/);
  });

  it('a module constant', () => {
    const src = `import tensorflow as tf\n\nSUM_WEIGHT = 0.1  # how hard rows are pushed to sum to one\n\ndef constrained_loss(y_true, y_pred):\n    ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)\n    return ce + SUM_WEIGHT * ${SUM_PENALTY}\n`;
    assert.deepEqual(write(src, 1), { ok: true, where: 'the module constant SUM_WEIGHT (line 3)', changed: ['SUM_WEIGHT = 0.1  # how hard rows are pushed to sum to one → SUM_WEIGHT = 1.0  # how hard rows are pushed to sum to one'] });
  });

  const torchModule = (init: string, use = 'self.penalty_weight') => `import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\nclass RowSumLoss(nn.Module):\n${init}\n\n    def forward(self, logits, target):\n        probs = torch.sigmoid(logits)\n        fit = F.mse_loss(probs, target)\n        gap = torch.abs(probs.sum(dim=1) - 1).mean()\n        return fit + ${use} * gap\n`;

  it('a constructor default that the module stores as an attribute', () => {
    const src = torchModule('    def __init__(self, penalty_weight=0.5):\n        super().__init__()\n        self.penalty_weight = penalty_weight');
    const out = write(src, 2);
    assert.deepEqual(out.ok && out.changed, ['def __init__(self, penalty_weight=0.5): → def __init__(self, penalty_weight=2.0):']);
  });

  it('an attribute set in the constructor', () => {
    const src = torchModule('    def __init__(self):\n        super().__init__()\n        self.penalty_weight = 0.25');
    const out = write(src, 0.5);
    assert.deepEqual(out.ok && out.changed, ['self.penalty_weight = 0.25 → self.penalty_weight = 0.5']);
    assert.match(out.ok ? out.where : '', /attribute self\.penalty_weight \(line 8\)/);
  });

  const tfjs = (decl: string, weight = 'LAMBDA') => `import * as tf from '@tensorflow/tfjs';\n\n${decl}\n\nexport function boundedLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {\n  const mse = tf.losses.meanSquaredError(yTrue, yPred);\n  const over = tf.mean(tf.relu(tf.sub(yPred, 1)));\n  return tf.add(mse, tf.mul(${weight}, over)) as tf.Scalar;\n}\n`;

  it('a TF.js constant, plain or as tf.scalar(…)', () => {
    const plain = write(tfjs('const LAMBDA = 0.1;'), 4, 'typescript');
    assert.deepEqual(plain.ok && plain.changed, ['const LAMBDA = 0.1; → const LAMBDA = 4.0;']);
    const scalar = write(tfjs('const LAMBDA = tf.scalar(0.1);'), 4, 'typescript');
    assert.deepEqual(scalar.ok && scalar.changed, ['const LAMBDA = tf.scalar(0.1); → const LAMBDA = tf.scalar(4.0);']);
  });

  it('a TF.js parameter default written as an integer stays an integer', () => {
    const src = `import * as tf from '@tensorflow/tfjs';\n\nexport function boundedLoss(yTrue: tf.Tensor, yPred: tf.Tensor, lambda = 2): tf.Scalar {\n  const mse = tf.losses.meanSquaredError(yTrue, yPred);\n  return mse.add(tf.mean(tf.relu(tf.sub(yPred, 1))).mul(lambda)) as tf.Scalar;\n}\n`;
    const out = write(src, 10, 'typescript');
    assert.deepEqual(out.ok && out.changed, ['export function boundedLoss(yTrue: tf.Tensor, yPred: tf.Tensor, lambda = 2): tf.Scalar { → export function boundedLoss(yTrue: tf.Tensor, yPred: tf.Tensor, lambda = 10): tf.Scalar {']);
  });

  it('a literal weight in the return', () => {
    const src = `import tensorflow as tf\n\ndef constrained_loss(y_true, y_pred):\n    ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)\n    return ce + 0.3 * ${SUM_PENALTY}\n`;
    const out = write(src, 1.5);
    assert.deepEqual(out.ok && out.changed, [`return ce + 0.3 * ${SUM_PENALTY} → return ce + 1.5 * ${SUM_PENALTY}`]);
  });
});

describe('λ write-back: refusals say why', () => {
  it('an unweighted penalty', () => {
    const src = `import tensorflow as tf\n\ndef constrained_loss(y_true, y_pred):\n    ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)\n    return ce + ${SUM_PENALTY}\n`;
    const out = write(src, 2);
    assert.equal(out.ok, false);
    assert.match(!out.ok ? out.reason : '', /has no λ: add one first/);
  });

  it('a factory called with a variable', () => {
    const src = `import tensorflow as tf\n\ndef make_loss(weight):\n    def loss(y_true, y_pred):\n        ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)\n        return ce + weight * ${SUM_PENALTY}\n    return loss\n\nw = read_config()\nmodel.compile(loss=make_loss(weight=w))\n`;
    const m = analyze(src).models[0]!;
    const out = findLambdaSite(m, src);
    assert.equal(out.ok, false);
    assert.match(!out.ok ? out.reason : '', /not a literal in this file|not as a number literal/);
  });

  it('a λ parameter with no default and no call that binds it', () => {
    const src = `import tensorflow as tf\n\ndef constrained_loss(y_true, y_pred, lam):\n    ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)\n    return ce + lam * ${SUM_PENALTY}\n`;
    const out = write(src, 2);
    assert.match(!out.ok ? out.reason : '', /λ \(lam\) is not a literal in this file/);
  });

  it('penalties with different literal weights', () => {
    const src = `import tensorflow as tf\n\ndef constrained_loss(y_true, y_pred):\n    ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)\n    return ce + 0.3 * ${SUM_PENALTY} + 0.1 * tf.reduce_mean(tf.abs(y_pred))\n`;
    const out = write(src, 2);
    assert.match(!out.ok ? out.reason : '', /different weights \(0\.3, 0\.1\)/);
  });
});

describe('λ literal formatting', () => {
  it('follows the literal it replaces', () => {
    assert.equal(formatLambdaLiteral(10, '1.0'), '10.0');
    assert.equal(formatLambdaLiteral(10, '1'), '10');
    assert.equal(formatLambdaLiteral(0.0003, '1e-3'), '3e-4');
    assert.equal(formatLambdaLiteral(0.1 + 0.2, '1'), '0.3');
  });
});
