// A loop whose accumulator adds another accumulator's running value each pass (issue 10 §1, accumulators): the add
// written inside the loop (`for p in net.parameters(): reg += |p|; loss = loss + lam * reg`), as real training steps
// do by mistake or on purpose. Python adds lam · Σₖ regₖ (each pass's running sum, so earlier terms count several
// times); the analysis keeps base, λ and penalty apart, and the trainer computes exactly what Python does.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { BIAS, close, cpu, KERNEL, onWeightPair, tf } from './tf';

const yTrue = [[0.0, 1.0, 0.5], [1.0, 0.0, 0.25]];
const yPred = [[0.2, 0.7, 0.9], [0.6, -0.3, 0.1]];
const mse = yPred.flat().reduce((s, q, i) => s + (q - yTrue.flat()[i]!) ** 2, 0) / 6;

function only(source: string, name: string): LossModel {
  const m = analyzeSource(source, 'python', 'loss.py').models.find((x) => x.name === name);
  assert.ok(m, `no model ${name}`);
  assert.deepEqual(findUnsupported(m), [], 'the trainer runs it');
  return m;
}

const terms = (m: LossModel) => m.terms.map((t) => `${t.role}:${t.label}${t.weight ? `*${t.weight.text}` : ''}`);

const OVER_PARAMETERS = `import torch
import torch.nn.functional as F


class Step:
    def __init__(self, net, lam=0.1):
        self.net = net
        self.lam = lam

    def training_loss(self, out, y):
        loss = F.mse_loss(out, y)
        reg = 0
        for p in self.net.parameters():
            reg += p.abs().sum()
            loss = loss + self.lam * reg
        return loss
`;

const OVER_COLUMNS = `import torch.nn.functional as F


def ordered_loss(y_pred, y_true):
    total = F.mse_loss(y_pred, y_true)
    running = 0
    for i in range(3):
        running = running + y_pred[:, i].mean()
        total = total + 0.5 * running
    return total
`;

describe('an accumulator adding another one inside their loop', () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it("over the model's parameters: λ and the penalty split out, and each pass adds the running L1 (value and gradient)", () => {
    const m = only(OVER_PARAMETERS, 'training_loss');
    assert.deepEqual(terms(m), ['base:loss', 'penalty:reg*self.lam']);
    const { value, kernelGrad, biasGrad } = onWeightPair(m, yTrue, yPred);
    // passes: reg₁ = Σ|kernel| = 3.75, reg₂ = 3.75 + Σ|bias| = 4.25; loss = mse + 0.1 · (3.75 + 4.25)
    close(value, mse + 0.1 * (3.75 + 4.25), 1e-5, 'mse + λ · Σₖ regₖ');
    // the kernel is counted in both passes (d = 0.1 · 2 · sign), the bias in the last one (0.1 · sign)
    for (const [i, w] of KERNEL.flat().entries()) close(kernelGrad[i]!, 0.2 * Math.sign(w), 1e-6, `d/dkernel[${i}]`);
    for (const [i, b] of BIAS.entries()) close(biasGrad[i]!, 0.1 * Math.sign(b), 1e-6, `d/dbias[${i}]`);
  });

  it('over range(k) of the prediction: total = mse + 0.5 · (m₀ + (m₀+m₁) + (m₀+m₁+m₂))', () => {
    const m = only(OVER_COLUMNS, 'ordered_loss');
    assert.deepEqual(terms(m), ['base:total', 'penalty:running*0.5']);
    const f = compileLoss(tf, m, {});
    const t = tf.tensor(yTrue);
    const p = tf.tensor(yPred);
    const g = tf.valueAndGrad((x: tf.Tensor) => f(t, x).total)(p);
    const col = (i: number) => (yPred[0]![i]! + yPred[1]![i]!) / 2;
    close(g.value.dataSync()[0]!, mse + 0.5 * (3 * col(0) + 2 * col(1) + col(2)), 1e-5, 'value');
    // d/dy[b, i] of the penalty: 0.5 · (3 − i) / 2 (column i is in 3 − i of the running sums, a mean over 2 rows)
    const grad = Array.from(g.grad.dataSync());
    for (const [k, q] of yPred.flat().entries()) {
      const i = k % 3;
      close(grad[k]!, (2 * (q - yTrue.flat()[k]!)) / 6 + (0.5 * (3 - i)) / 2, 1e-5, `d/dy_pred[${k}]`);
    }
    tf.dispose([t, p, g.value, g.grad]);
  });
});
