// A sensitive attribute read as a matrix of group indicators (`groups.T.matmul(p)`, `groups.sum(dim=0)` as each
// group's size) gets the trial's 0/1 group column one-hot, [B, 2]; a loss reading it as a vector keeps the column.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { matrixReadLine } from '../../../src/trainer/groupMatrix';
import { compileLoss } from '../../../src/trainer/interpreter';
import { type ArgLayout, mappedLosses } from '../../../src/trainer/mappedLoss';
import { cpu, tf } from '../interpreter/tf';

const matrixLoss = `import torch
import torch.nn.functional as F


def parity_loss(pred, target, groups_onehot):
    mse = F.mse_loss(pred[:, 0], target)
    sizes = groups_onehot.sum(dim=0)
    per_group = groups_onehot.T.matmul(pred)[:, 0] / sizes
    gap = (per_group[1] - per_group[0]).abs()
    return mse + 0.5 * gap
`;

const vectorLoss = `import torch
import torch.nn.functional as F


def parity_loss(pred, target, group):
    mse = F.mse_loss(pred[:, 0], target)
    gap = ((pred[:, 0] * group).mean() - (pred[:, 0] * (1 - group)).mean()).abs()
    return mse + 0.5 * gap
`;

describe('a sensitive attribute read as a matrix', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('is given one-hot: each group\'s mean prediction, as torch computes it on the one-hot matrix', () => {
    const loss = analyzeSource(matrixLoss, 'python', 'loss.py').models[0]!;
    assert.equal(matrixReadLine(loss, 'groups_onehot'), 8, 'the line of `.T.matmul`');
    const layout: ArgLayout = { framework: 'pytorch', units: 8, weightIndex: 0, groupColumn: 'index' };
    const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], layout);
    // targets: the value, then the 0/1 group column; groups 0, 1, 1, 0
    const targets = tf.tensor2d([[1, 0], [2, 1], [3, 1], [4, 0]]);
    const pred = tf.tensor2d([[1], [2], [3], [4]]);
    const out = run!(targets, pred);
    const gap = loss.terms.find((t) => t.label === 'gap')!;
    // group 0: (1 + 4) / 2 = 2.5, group 1: (2 + 3) / 2 = 2.5 → 0; shift group 1 up by 2 → |4.5 - 2.5| = 2
    assert.ok(Math.abs(out.terms[gap.id]!.raw.dataSync()[0]!) < 1e-6);
    const shifted = run!(targets, tf.tensor2d([[1], [4], [5], [4]]));
    assert.ok(Math.abs(shifted.terms[gap.id]!.raw.dataSync()[0]! - 2) < 1e-5);
  });

  it('read as a vector, it is not', () => {
    const loss = analyzeSource(vectorLoss, 'python', 'loss.py').models[0]!;
    assert.equal(matrixReadLine(loss, 'group'), undefined);
  });
});
