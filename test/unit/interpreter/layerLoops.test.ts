// A loop over the model's layers (`for m in net.modules(): if isinstance(m, nn.Linear)`, python/moduleLoops.ts) runs
// on the trial's weights in nn.Linear's layout, and `torch.masked_select` / `Variable(…)` run as torch does: the
// soft-orthogonality penalty of W Wᵀ − I off the diagonal, by hand on the test's kernel (value and gradient).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, KERNEL, onWeightPair, tf } from './tf';

const SOURCE = `import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable

net = nn.Sequential(nn.Linear(2, 2))


def orth_loss(out, y, cof=0.5):
    reg = 0
    for m in net.modules():
        if isinstance(m, nn.Linear):
            w = m.weight
            eye = Variable(torch.eye(w.size(0)), requires_grad=False)
            off = torch.masked_select(w @ w.t() - eye, eye == 0)
            reg += cof * off.abs().mean()
    return F.mse_loss(out, y) + reg
`;

describe('a loop over the model\'s layers', () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it('reads each Linear weight as [out, in] and masked_select keeps the off-diagonal entries', () => {
    const m = analyzeSource(SOURCE, 'python', 'loss.py').models.find((x) => x.name === 'orth_loss')!;
    assert.deepEqual(findUnsupported(m), []);
    const yTrue = [[0.0, 1.0]];
    const yPred = [[0.0, 1.0]];
    const { value, kernelGrad } = onWeightPair(m, yTrue, yPred);
    // the kernel [in, out] = [[0.5, -1], [2, 0.25]]; nn.Linear's weight W = kernelᵀ = [[0.5, 2], [-1, 0.25]]
    // W Wᵀ = [[4.25, 0], [0, 1.0625]]: off-diagonal 0 → reg 0 (the rows are orthogonal)
    close(value, 0, 1e-6, 'orthogonal rows: no penalty');
    assert.equal(kernelGrad.length, KERNEL.flat().length);
    // a kernel whose rows are not orthogonal: W = [[1, 1], [1, 0]] → W Wᵀ off-diagonal 1, 1 → 0.5 · mean(|1|, |1|)
    const f = compileLoss(tf, m, {});
    const out = f(tf.tensor(yTrue), tf.tensor(yPred), { weights: [tf.tensor([[1, 1], [1, 0]]), tf.zeros([2])] });
    close(out.total.dataSync()[0]!, 0.5, 1e-6, '0.5 · mean |off-diagonal|');
  });
});

// `for layer in model.encoder` (an nn.Sequential the loss is handed) and `model.children()`: the same walk over
// layers, guarded by isinstance; the model argument is the trial's, so the L1 is of its Linear weights
const walkOver = (iterable: string): string => `import torch
import torch.nn as nn
import torch.nn.functional as F


class ReconSparseLoss(nn.Module):
    def forward(self, recon_x, x, model):
        recon_loss = F.mse_loss(recon_x, x)
        sparsity = 0
        for layer in ${iterable}:
            if isinstance(layer, nn.Linear):
                sparsity += torch.sum(torch.abs(layer.weight))
        return recon_loss + 0.5 * sparsity
`;

describe('a walk over a model\'s children or a container member', () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  for (const iterable of ['model.encoder', 'model.children()']) {
    it(`${iterable}: isinstance(layer, nn.Linear) keeps the trial's weights (0.5 · Σ|W|)`, () => {
      const m = analyzeSource(walkOver(iterable), 'python', 'loss.py').models.find((x) => x.name === 'ReconSparseLoss')!;
      assert.deepEqual(findUnsupported(m), []);
      const f = compileLoss(tf, m, {});
      const out = f(tf.tensor([[0.0, 1.0]]), tf.tensor([[0.0, 1.0]]), { weights: [tf.tensor([[0.5, -1], [2, 0.25]]), tf.tensor([0.3, -0.2])] });
      // Σ|W| = 0.5 + 1 + 2 + 0.25 = 3.75 (the bias is not a weight); the reconstruction is exact
      close(out.total.dataSync()[0]!, 0.5 * 3.75, 1e-6, '0.5 · Σ|W|');
    });
  }
});
