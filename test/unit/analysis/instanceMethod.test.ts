// Issue 9 §2: a penalty computed by a method of the user's own object (`consolidation.penalty(net)` with
// `consolidation = Consolidation(...)` built above the training loop, the class in the same file) is followed like a
// same-file helper; the object's state (`self.fisher`, loaded from a file in `__init__`) stays what it is, state the
// trial cannot synthesise, not an op the trainer lacks (no LL113 on the constructor or the method).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const source = `import torch
import torch.nn as nn
import torch.nn.functional as F

IMPORTANCE = 500.0


class Anchor:
    def __init__(self, path):
        self.reference = torch.load(path)

    def pull(self, net):
        total = 0.0
        for name, p in net.named_parameters():
            total = total + ((p - self.reference[name]) ** 2).sum()
        return total


net = nn.Sequential(nn.Linear(6, 3))
anchor = Anchor("old.pt")
optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
for x, y in loader:
    optimizer.zero_grad()
    loss = F.cross_entropy(net(x), y) + IMPORTANCE * anchor.pull(net)
    loss.backward()
    optimizer.step()
`;

describe("a method of the user's own object", () => {
  it('is followed: the penalty is its body, weighted by the module constant', () => {
    const m = model(analyze(source), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:cross_entropy', 'penalty:+:anchor.pull*IMPORTANCE']);
    assert.ok(JSON.stringify(m.terms[1]!.expr).includes('self.reference'));
  });

  it('so the constructor and the method are not reported as ops the trial lacks (LL113)', () => {
    const ll113 = runRules(analyze(source), source).filter((f) => f.code === 'LL113');
    assert.deepEqual(ll113.map((f) => f.message.match(/`([^`]+)`/)?.[1]), []);
  });
});
