// `x is None` on a value known only when the loss runs: a fold whose accumulator starts at None
// (`total = t if total is None else total + t`), as power-iteration and per-layer penalties write it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

const pred = [[1, 2, 3], [0.5, -1, 2]];
const target = [[0, 0, 0], [0, 0, 0]];

describe('identity tests against None', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('a fold started at None: the first item, then the sum (conditional expression and if/else statement)', () => {
    for (const body of [
      '        total = sq if total is None else total + sq',
      '        if total is not None:\n            total = total + sq\n        else:\n            total = sq',
    ]) {
      const a = analyzeSource(`import torch
def loss(pred, target, lam=0.5):
    total = None
    for col in torch.unbind(pred, dim=1):
        sq = (col ** 2).mean()
${body}
    return ((pred - target) ** 2).mean() + lam * total
`, 'python', 'loss.py');
      const m = a.models[0]!;
      assert.deepEqual(findUnsupported(m), [], body);
      const v = run(m, target, pred);
      const cols = [0, 1, 2].map((j) => (pred[0]![j]! ** 2 + pred[1]![j]! ** 2) / 2);
      close(v.total - v.original, 0.5 * cols.reduce((s, x) => s + x, 0), 1e-5, body);
    }
  });

  it('two values neither of which is None compared by identity stay refused', () => {
    const a = analyzeSource(`import torch
def loss(pred, target, lam=0.5):
    se = (pred - target) ** 2
    return se.mean() + lam * (pred if pred is target else pred * 2).mean()
`, 'python', 'loss.py');
    const refused = findUnsupported(a.models[0]!).map((u) => u.op);
    assert.deepEqual(refused, ['operator is']);
  });
});
