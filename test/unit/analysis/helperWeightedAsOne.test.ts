// A helper whose value the caller weights as one (`checker_penalty(pred) * W_CHECKER`) and that returns a sum of
// parts with no λ of their own, divided by a count (`(horizontal + vertical + 2 * diagonal) / 3`): one penalty with
// the caller's λ, named by what holds it, not one penalty per part. Parts weighted by settings of their own, or a
// sum that is the loss's own total, are still split.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const PY = (parts: string) => `import torch
import torch.nn.functional as F

W_CHECKER = 2.5
W_DIAG = 0.5


def checker_penalty(pred):
    horizontal = ((pred[:, 1:] - pred[:, :-1]).abs() - 0.3).pow(2).mean()
    vertical = ((pred[1:, :] - pred[:-1, :]).abs() - 0.3).pow(2).mean()
    diagonal = (pred[1:, 1:] - pred[:-1, :-1]).pow(2).mean()
    return (${parts}) / 3


def pattern_loss(pred, target):
    fit = F.mse_loss(pred, target)
    checker = checker_penalty(pred) * W_CHECKER
    return fit + checker
`;

const TS = `import * as tf from '@tensorflow/tfjs';

const CONFIG = { weightChecker: 2.5 };

function checkerLoss(yPred: tf.Tensor): tf.Tensor {
  const a = yPred.slice([0, 0], [-1, 15]);
  const b = yPred.slice([0, 1], [-1, 15]);
  const horizontal = tf.square(tf.abs(a.sub(b)).sub(tf.scalar(0.3))).mean();
  const diagonal = a.sub(b).square().mean().mul(tf.scalar(2));
  return horizontal.add(diagonal).div(tf.scalar(2));
}

export function patternLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const fit = tf.losses.meanSquaredError(yTrue, yPred);
  const lossChecker = checkerLoss(yPred).mul(CONFIG.weightChecker);
  return fit.add(lossChecker);
}
`;

const terms = (source: string, name: string, language: 'python' | 'typescript' = 'python') => model(analyze(source, language), name).terms.map(termSummary);

describe("a helper's sum weighted as one by its caller", () => {
  it('is one penalty with the caller’s λ (numbers of its formula stay in it)', () => {
    assert.deepEqual(terms(PY('horizontal + vertical + 2 * diagonal'), 'pattern_loss'), ['base:+:fit', 'penalty:+:checker*W_CHECKER']);
  });

  it('in TF.js too (`.add(…).div(tf.scalar(2))`, then `.mul(CONFIG.weight)`)', () => {
    assert.deepEqual(terms(TS, 'patternLoss', 'typescript'), ['base:+:fit', 'penalty:+:lossChecker*CONFIG.weightChecker']);
  });

  it('a part weighted by a setting of its own is still a term of its own', () => {
    const split = terms(PY('horizontal + vertical + W_DIAG * diagonal'), 'pattern_loss');
    assert.equal(split.filter((t) => t.startsWith('penalty')).length, 3);
  });
});
