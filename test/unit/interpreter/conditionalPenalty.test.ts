// A penalty computed only when its constraint is violated (issue 9 §2, branches): `if (x < 0).any(): penalty = lam
// * mean(neg ** 2) else: penalty = 0.0`, or the same as a conditional expression. The weight of the live branch is
// the penalty's λ (lam · (mean(neg²) if … else 0) is the same value for every input), and the trainer computes the
// branch the data takes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { codeLambda } from '../../../src/trial/spec';
import { close, cpu, tf } from './tf';

const STATEMENT = `import torch
import torch.nn.functional as F


def floor_loss(pred, target, floor_weight=4.0):
    fit = F.mse_loss(pred, target)
    if (pred < 0).any():
        below = floor_weight * torch.mean(pred[pred < 0] ** 2)
    else:
        below = 0.0
    return fit + below
`;

const EXPRESSION = `import torch
import torch.nn.functional as F


def cap_loss(pred, target, cap=1.0, lam=0.5):
    over = torch.relu(pred - cap)
    extra = lam * over.pow(2).sum() if (pred > cap).any() else torch.zeros(1)
    return F.l1_loss(pred, target) + extra
`;

// the off branch a zero kept in the graph (`delta.sum() * 0.0`, so backward() still runs), the guard a shape
const GRAPH_ZERO = `import torch


def steps_loss(pred, target, lam_smooth=0.1):
    fit = ((pred - target) ** 2).mean()
    if pred.shape[1] > 1:
        smooth = lam_smooth * (pred[:, 1:] - pred[:, :-1]).abs().mean()
    else:
        smooth = pred.sum() * 0.0
    return fit + smooth
`;

const BOTH_LIVE = `import torch
import torch.nn.functional as F


def either_loss(pred, target, lam=0.5):
    if (pred < 0).any():
        side = lam * torch.mean(pred ** 2)
    else:
        side = torch.mean(pred.abs())
    return F.mse_loss(pred, target) + side
`;

function only(source: string, name: string): LossModel {
  const m = analyzeSource(source, 'python', 'loss.py').models.find((x) => x.name === name);
  assert.ok(m, `no model ${name}`);
  return m;
}

const penalty = (m: LossModel) => m.terms.find((t) => t.role === 'penalty');

function value(m: LossModel, yPred: number[][], yTrue: number[][]): number {
  const f = compileLoss(tf, m, {});
  const t = tf.tensor(yTrue);
  const p = tf.tensor(yPred);
  const out = f(t, p).total;
  const v = out.dataSync()[0]!;
  tf.dispose([t, p, out]);
  return v;
}

describe('a penalty added only when violated (a branch with 0 on the other side)', () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it('if/else statement: λ is the weight of the live branch, and the trainer takes the branch the data takes', () => {
    const m = only(STATEMENT, 'floor_loss');
    assert.equal(penalty(m)?.label, 'below');
    assert.equal(penalty(m)?.weightParam, 'floor_weight');
    assert.equal(codeLambda(m), 4);
    assert.deepEqual(findUnsupported(m), []);
    const target = [[0.5, 0.5]];
    close(value(m, [[0.2, -0.5]], target), ((0.2 - 0.5) ** 2 + 1) / 2 + 4 * 0.25, 1e-5, 'violated: mse + 4 · mean(neg²)');
    close(value(m, [[0.2, 0.7]], target), (0.09 + 0.04) / 2, 1e-5, 'not violated: mse alone');
  });

  it('conditional expression with a zero tensor on the other side', () => {
    const m = only(EXPRESSION, 'cap_loss');
    assert.equal(penalty(m)?.label, 'extra');
    assert.equal(penalty(m)?.weightParam, 'lam');
    assert.equal(codeLambda(m), 0.5);
  });

  it('the other branch a tensor times zero (pred.sum() * 0.0): λ is the live branch\'s weight, and it trains', () => {
    const m = only(GRAPH_ZERO, 'steps_loss');
    assert.equal(penalty(m)?.label, 'smooth');
    assert.equal(penalty(m)?.weightParam, 'lam_smooth');
    assert.equal(codeLambda(m), 0.1);
    assert.deepEqual(findUnsupported(m), []);
    close(value(m, [[0, 1, 3]], [[0, 1, 3]]), 0.1 * 1.5, 1e-5, 'two steps or more: 0 + 0.1 · mean |Δ|');
  });

  it('both branches live: no common weight is taken out', () => {
    const m = only(BOTH_LIVE, 'either_loss');
    assert.equal(penalty(m)?.weightParam, undefined);
  });
});
