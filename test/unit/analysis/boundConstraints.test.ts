// A bound the loss is built with (`relu(predictions - self.threshold)` with `ExcessLoss(threshold=0.8, …)`) is the
// constraint's bound: the violation metric measures against 0.8, not against no bound (0 at every λ before).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';

before(() => initParsers());

test("a constraint's bound set where the loss is built is read from that call", () => {
  const source = `import torch
import torch.nn as nn


class ExcessLoss(nn.Module):
    def __init__(self, threshold, weight):
        super().__init__()
        self.threshold = threshold
        self.weight = weight

    def forward(self, predictions, targets):
        fit = torch.mean((predictions - targets) ** 2)
        over = torch.relu(predictions - self.threshold)
        return fit + self.weight * torch.mean(over)


criterion = ExcessLoss(threshold=0.8, weight=0.01)
`;
  const loss = analyzeSource(source, 'python', 'e.py').models.find((m) => m.name === 'ExcessLoss')!;
  const over = loss.terms.find((t) => t.role === 'penalty')!;
  assert.deepEqual(over.constraint, { kind: 'bounds', params: { upper: 0.8 } });
});

test('an orthogonality penalty over the parameters (‖W Wᵀ − I‖²) is not read as weight sparsity', () => {
  const source = `import torch
import torch.nn.functional as F


def ortho_reg(net):
    reg = 0.0
    for name, param in net.named_parameters():
        if "weight" in name and param.dim() > 1:
            W = param.view(param.size(0), -1)
            reg += torch.norm(W @ W.t() - torch.eye(W.size(0)), p="fro") ** 2
    return reg


def step(model, x, y, opt, lam=1e-4):
    loss = F.cross_entropy(model(x), y) + lam * ortho_reg(model)
    opt.zero_grad()
    loss.backward()
    opt.step()
`;
  const loss = analyzeSource(source, 'python', 'o.py').models.find((m) => m.terms.some((t) => t.role === 'penalty'))!;
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  assert.equal(penalty.constraint, undefined);
  // a plain L1 over the parameters is still weight sparsity
  const l1 = analyzeSource(source.replace('torch.norm(W @ W.t() - torch.eye(W.size(0)), p="fro") ** 2', 'W.abs().sum()'), 'python', 'o.py').models.find((m) => m.terms.some((t) => t.role === 'penalty'))!;
  assert.equal(l1.terms.find((t) => t.role === 'penalty')!.constraint?.kind, 'weight-sparsity');
});
