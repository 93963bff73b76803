// A loss whose penalties each carry their own literal weight (`mse + 0.1 * p1 + 0.5 * p2`, an elastic net's l1 and l2
// factors) and no λ parameter: a run's λ replaces every one of them, as it replaces the one literal of `mse + 4.0 * p`.
// Before, a run's λ set nothing there, so "λ = 0" trained the code's weights under a label that said otherwise.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss } from '../../../src/trainer/interpreter';
import { ownLiteralWeights } from '../../../src/trainer/interpreter/compile';
import { runLambdaOptions } from '../../../src/trainer/runLoss';
import { cpu, tf } from '../interpreter/tf';

const TWO = `import torch
import torch.nn.functional as F

def two_loss(pred, target):
    return F.mse_loss(pred, target) + 0.1 * torch.relu(-pred).mean() + 0.5 * torch.relu(pred - 1).mean()
`;

const lossOf = (source: string): LossModel => analyzeSource(source, 'python', 'f.py').models[0]!;

describe('penalties with their own literal weights', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('a run of λ = 0 trains the base alone; λ = 10 weights each penalty by 10', () => {
    const loss = lossOf(TWO);
    assert.deepEqual([...(ownLiteralWeights(loss) ?? [])].map(([, w]) => w), [0.1, 0.5]);
    const y = tf.tensor2d([[0.5, 0.5]]);
    const p = tf.tensor2d([[-1, 2]]);
    const value = (lambda: number) => compileLoss(tf, loss, {}, runLambdaOptions(lambda))(y, p);
    const zero = value(0);
    assert.ok(Math.abs(zero.total.dataSync()[0]! - zero.original.dataSync()[0]!) < 1e-6, 'λ = 0: no penalty');
    const ten = value(10);
    const terms = Object.values(ten.terms).map((t) => Number((t.weighted.dataSync()[0]! / t.raw.dataSync()[0]!).toFixed(4)));
    assert.deepEqual(terms.filter((w) => w !== 1), [10, 10]);
  });

  it('one shared literal, or a λ parameter, is not this case', () => {
    assert.equal(ownLiteralWeights(lossOf(TWO.replace('0.5 *', '0.1 *'))), undefined);
    assert.equal(ownLiteralWeights(lossOf(TWO.replace('def two_loss(pred, target):', 'def two_loss(pred, target, lam=0.1):').replace('0.1 *', 'lam *'))), undefined);
  });
});
