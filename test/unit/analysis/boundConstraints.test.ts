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
