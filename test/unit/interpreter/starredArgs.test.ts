// Starred positional arguments, as real PyTorch losses reshape: `x.view(*x.shape[:2], -1)`, `torch.zeros(*size)`.
// Python unpacks the items in the star's place; the front end marks the argument (Expr `splat`) and the interpreter
// passes its items, so the loss trains instead of stopping on "list splat".
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

function only(source: string): LossModel {
  const a = analyzeSource(source, 'python', 'loss.py');
  assert.equal(a.models.length, 1, JSON.stringify(a.syntaxErrors));
  assert.deepEqual(findUnsupported(a.models[0]), []);
  return a.models[0];
}

describe('starred arguments', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('x.reshape(*x.shape[:1], 2, -1): the leading size unpacked, the rows split in two halves', () => {
    const model = only(`import torch
def half_gap(pred, target, lam=1.0):
    halves = pred.reshape(*pred.shape[:1], 2, -1)
    gap = (halves[:, 0] - halves[:, 1]).pow(2).mean()
    return ((pred - target) ** 2).mean() + lam * gap
`);
    const pred = [[1, 2, 3, 5], [0, 0, 1, -1]];
    const target = [[0, 0, 0, 0], [0, 0, 0, 0]];
    // halves of row 1: [1, 2] and [3, 5] → gaps −2, −3; row 2: [0, 0] and [1, −1] → −1, 1: mean of squares 15 / 4
    const mse = (1 + 4 + 9 + 25 + 0 + 0 + 1 + 1) / 8;
    close(run(model, target, pred).total, mse + 15 / 4);
  });

  it('torch.ones(*size) with a local tuple: the sizes unpacked', () => {
    const model = only(`import torch
def to_unit(pred, target, lam=0.5):
    size = pred.shape
    return ((pred - target) ** 2).mean() + lam * ((pred - torch.ones(*size)) ** 2).mean()
`);
    const pred = [[1, 3], [2, 0]];
    const target = [[1, 3], [2, 0]];
    // (0 + 4 + 1 + 1) / 4 = 1.5, weighted 0.5
    close(run(model, target, pred).total, 0.75);
  });
});
