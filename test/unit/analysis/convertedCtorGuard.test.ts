// A penalty guarded by its weight (`if self.lambda_smooth > 0: loss = loss + self.lambda_smooth * p`) whose attribute
// is the constructor's argument through a number conversion (`self.lambda_smooth = float(lambda_smooth)`, default
// 0.0): the construction in the file passes 0.05, so the guard is not settled from the default and the penalty stays.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready } from './helpers';

const LOSS = (init: string, built: string) => `import torch
import torch.nn as nn


class SmoothedCE(nn.Module):
    def __init__(self, lambda_smooth: float = 0.0):
        super().__init__()
        self.ce = nn.CrossEntropyLoss()
        self.lambda_smooth = ${init}

    def forward(self, logits, targets):
        loss = self.ce(logits, targets)
        if self.lambda_smooth > 0:
            loss = loss + self.lambda_smooth * (logits[:, 1:] - logits[:, :-1]).pow(2).mean()
        return loss


criterion = ${built}
`;

describe('a guard on a constructor argument read through float()', () => {
  before(() => ready);

  it('float(lambda_smooth) passed 0.05 by the construction: the guarded penalty is a term', () => {
    const m = model(analyze(LOSS('float(lambda_smooth)', 'SmoothedCE(lambda_smooth=0.05)')), 'SmoothedCE');
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.weight?.text ?? ''}`), ['base:', 'penalty:self.lambda_smooth']);
  });

  it('a literal attribute (self.lambda_smooth = 0.0) still settles the guard: no penalty', () => {
    const m = model(analyze(LOSS('0.0', 'SmoothedCE(lambda_smooth=0.05)')), 'SmoothedCE');
    assert.deepEqual(m.terms.map((t) => t.role), ['base']);
  });
});
