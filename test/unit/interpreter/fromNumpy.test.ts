// `torch.from_numpy(…)` on a NumPy array written in the loss (per-output weights): the tensor of its
// values, so the loss runs as written. (The indices of `nonzero`/`argwhere` are checked against torch's goldens.)
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

describe('torch.from_numpy of a NumPy array', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('weights a squared error per output with the array it is given', () => {
    const source = `import numpy as np
import torch

def weighted(pred, target, lam=0.1):
    w = torch.from_numpy(np.array([0.5, 2.0])).float()
    return (w * (pred - target) ** 2).mean() + lam * pred.abs().mean()
`;
    const model = analyzeSource(source, 'python', 'loss.py').models[0]!;
    assert.deepEqual(findUnsupported(model), []);
    const v = run(model, [[0, 0], [1, 1]], [[1, 2], [3, 1]]);
    // weighted squares: 0.5·1, 2·4, 0.5·4, 2·0 → mean 10.5 / 4; |pred| mean 7 / 4
    close(v.total, 10.5 / 4 + 0.1 * (7 / 4), 1e-6, 'total');
  });
});

describe('the legacy typed constructors on data (`torch.Tensor(mask)`, `torch.LongTensor(labels)`)', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('are the data as a tensor of their type: the loss runs as written, with no LL113', () => {
    const source = `import torch
import torch.nn.functional as F

def masked(pred, target, lam=0.1):
    labels = torch.LongTensor(target)
    mask = torch.Tensor(target)
    return F.mse_loss(pred, labels.float()) + lam * (pred * mask).pow(2).mean()
`;
    const model = analyzeSource(source, 'python', 'loss.py').models[0]!;
    assert.deepEqual(findUnsupported(model), []);
    const v = run(model, [[1, 0]], [[1, 2]]);
    // mse: (0 + 4) / 2; penalty: (1·1)², (0·2)² → mean 0.5
    close(v.total, 2 + 0.1 * 0.5, 1e-6, 'total');
  });
});

describe('`.to_dense()` (a sparse adjacency made dense before it is read)', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('is the tensor itself: every tensor of a trial is dense', () => {
    const source = `import torch
import torch.nn.functional as F

def smooth(pred, target, lam=0.1):
    dense = target.to_dense()
    return F.mse_loss(pred, dense) + lam * pred.pow(2).mean()
`;
    const model = analyzeSource(source, 'python', 'loss.py').models[0]!;
    assert.deepEqual(findUnsupported(model), []);
    const v = run(model, [[1, 0]], [[1, 2]]);
    // target [1, 0], prediction [1, 2]: mse (0 + 4) / 2; penalty (1 + 4) / 2
    close(v.total, 2 + 0.1 * 2.5, 1e-6, 'total');
  });
});
