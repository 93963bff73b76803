// Values a loss reads from the module that are built before training from literals and ops (LossModel.outsideValues,
// interpreter/outside.ts): `const ramp = tf.linspace(0, 1, N)`, a helper that builds a mask, `STEP = 1.0 / N`. Each is
// evaluated once, as a constant; one built from data stays refused, naming the binding and its line.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

function only(source: string, language: 'javascript' | 'python' = 'javascript'): LossModel {
  const a = analyzeSource(source, language, language === 'python' ? 'loss.py' : 'loss.js');
  assert.equal(a.models.length, 1, JSON.stringify(a.syntaxErrors));
  return a.models[0]!;
}

const yTrue = [[0, 1, 0, 1], [1, 1, 0, 0]];
const yPred = [[0.5, 0.2, 0.1, 0.9], [0.3, 0.8, 0.4, 0.6]];
const mse = yTrue.flat().reduce((s, t, k) => s + (t - yPred.flat()[k]!) ** 2, 0) / 8;
/** The mean of pred · w over every element, w one weight per column. */
const meanTimes = (w: number[]) => yPred.flat().reduce((s, p, k) => s + p * w[k % 4]!, 0) / 8;

describe('values built outside the loss before training', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('a module const built by a tf op from module constants (tf.linspace(0, 1, N)) is evaluated as a constant', () => {
    const model = only(`const tf = require('@tensorflow/tfjs');
const N = 4;
const LAMBDA_DIR = 0.3;
const targetRamp = tf.linspace(0, 1, N);
const lossFn = (yTrue, yPred) => {
  const mse = tf.losses.meanSquaredError(yTrue, yPred);
  const dirLoss = yPred.mul(targetRamp).mean().neg();
  return mse.add(tf.scalar(LAMBDA_DIR).mul(dirLoss));
};
`);
    assert.deepEqual(findUnsupported(model), []);
    // golden: ramp [0, 1/3, 2/3, 1]
    const penalty = -meanTimes([0, 1 / 3, 2 / 3, 1]);
    close(run(model, yTrue, yPred).total, mse + 0.3 * penalty, 1e-5, 'mse − 0.3 · mean(pred · ramp)');
    close(penalty, -0.2708333, 1e-6, 'the golden number itself');
  });

  it('a module const made by a helper of the file inside tf.tidy, from a literal tensor2d, reads through the helper', () => {
    const model = only(`const tf = require('@tensorflow/tfjs');
function makeMask() {
  return tf.tidy(() => tf.tensor2d([[1, 0, 0, 1]]).mul(2));
}
const xMask = makeMask();
function maskedLoss(yTrue, yPred) {
  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.mean(tf.mul(yPred, xMask)).mul(0.5));
}
`);
    assert.deepEqual(findUnsupported(model), []);
    close(run(model, yTrue, yPred).total, mse + 0.5 * meanTimes([2, 0, 0, 2]), 1e-5, 'mse + 0.5 · mean(pred · mask)');
  });

  it('a module value built from data the trainer does not have is refused by its name and line, saying what it lacks', () => {
    const model = only(`const tf = require('@tensorflow/tfjs');
const xs = loadImages('train.bin');
const pixelMean = xs.mean(0);
function centredLoss(yTrue, yPred) {
  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.mean(tf.square(yPred.sub(pixelMean))).mul(0.1));
}
`);
    const refused = findUnsupported(model);
    assert.equal(refused.length, 1, JSON.stringify(refused));
    assert.match(refused[0]!.message, /^`pixelMean` is defined outside the loss function \(line 3: `xs\.mean\(0\)`\) from something the trainer cannot compute before training .*`xs` is defined outside the loss function \(line 2/);
    assert.match(refused[0]!.message, /loadImages/);
  });

  it('Python: a module tensor built from a list and module constants (torch.tensor([0.0, 1.0, 2.0, 3.0]) / N) is a constant', () => {
    const model = only(
      `import torch
import torch.nn.functional as F

N = 4
COLS = torch.tensor([0.0, 1.0, 2.0, 3.0]) / N
W = torch.tensor([0.5] * N)

def weighted_loss(pred, target):
    return F.mse_loss(pred, target) + 0.1 * (pred * COLS * W).mean()
`,
      'python',
    );
    assert.deepEqual(findUnsupported(model), []);
    const penalty = meanTimes([0, 0.125, 0.25, 0.375]);
    close(penalty, 0.1015625, 1e-6, 'golden: mean(pred · cols/4 · 0.5)');
    close(run(model, yTrue, yPred).total, mse + 0.1 * penalty, 1e-5, 'mse + 0.1 · mean(pred · COLS · W)');
  });

  it('Python: a module tensor built from names bound by one tuple assignment (N, D = 4, 8) reads them', () => {
    const model = only(
      `import torch
import torch.nn.functional as F

N, D = 4, 8
COLS = torch.arange(0, N) / D

def weighted_loss(pred, target):
    return F.mse_loss(pred, target) + 0.1 * (pred * COLS).mean()
`,
      'python',
    );
    assert.deepEqual(findUnsupported(model), []);
    const penalty = meanTimes([0, 0.125, 0.25, 0.375]);
    close(penalty, 0.1015625, 1e-6, 'golden: mean(pred · arange(4)/8)');
    close(run(model, yTrue, yPred).total, mse + 0.1 * penalty, 1e-5, 'mse + 0.1 · mean(pred · COLS)');
  });

  it('Python: a module value read from a file stays refused, naming the binding, its line and the read', () => {
    const model = only(
      `import numpy as np
import torch
import torch.nn.functional as F

X_train = np.load("x.npy")
MEAN = torch.from_numpy(X_train).mean(0)

def centred_loss(pred, target):
    return F.mse_loss(pred, target) + 0.1 * ((pred - MEAN) ** 2).mean()
`,
      'python',
    );
    const refused = findUnsupported(model);
    assert.equal(refused.length, 1, JSON.stringify(refused));
    assert.match(refused[0]!.message, /^`MEAN` is defined outside the loss function \(line 6: .*`X_train` is defined outside the loss function \(line 5: `np\.load\("x\.npy"\)`\).*np\.load/);
  });

  it("Python: an attribute __init__ sets from its own locals (n = 4 if full else 2; self.center = torch.ones(n) * scale) is read in place", () => {
    const model = only(
      `import torch
import torch.nn as nn
import torch.nn.functional as F

class CenteredLoss(nn.Module):
    def __init__(self, full=True, scale=0.5, weight=0.1):
        super().__init__()
        n = 4 if full else 2
        self.center = torch.ones(n) * scale
        self.weight = weight

    def forward(self, pred, target):
        return F.mse_loss(pred, target) + self.weight * ((pred - self.center) ** 2).mean()
`,
      'python',
    );
    assert.deepEqual(findUnsupported(model), []);
    const penalty = yPred.flat().reduce((s, p) => s + (p - 0.5) ** 2, 0) / 8;
    close(penalty, 0.07, 1e-6, 'golden: mean((pred − 0.5)²)');
    close(run(model, yTrue, yPred).total, mse + 0.1 * penalty, 1e-5, 'mse + 0.1 · mean((pred − center)²)');
  });

  it('Python: an __init__ local computed from data the constructor is handed (n_classes = df[label].nunique()) stays unknown, not run as ops', () => {
    const model = only(
      `import torch
import torch.nn as nn
import torch.nn.functional as F

class Head(nn.Module):
    def __init__(self, train_df, label, weight=0.1):
        super().__init__()
        n_classes = train_df[label].nunique()
        self.width = n_classes
        self.weight = weight

    def forward(self, pred, target):
        return F.mse_loss(pred, target) + self.weight * (pred.sum(-1) - self.width).abs().mean()
`,
      'python',
    );
    const refused = findUnsupported(model);
    assert.equal(refused.length, 1, JSON.stringify(refused));
    assert.doesNotMatch(refused[0]!.message, /nunique/, 'the data frame op is not what stops the trial: the data is');
    assert.match(refused[0]!.message, /^`n_classes` is defined outside the loss function/);
  });

  it('a value built from itself is refused when evaluated, not looped on', () => {
    const model = only(`const tf = require('@tensorflow/tfjs');
const a = b.add(1);
const b = a.mul(2);
function loopLoss(yTrue, yPred) {
  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.mean(yPred.mul(a)).mul(0.1));
}
`);
    assert.throws(() => run(model, yTrue, yPred), /built from itself/);
  });
});
