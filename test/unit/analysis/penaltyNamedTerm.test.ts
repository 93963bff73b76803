// A term the code computes with a function or class it names as a penalty is not the base, even when it reads the
// prediction and the data as a fit does: a normalising flow's loop adds `distance_penalty(x, y)` (a module of the
// file, `TransportPenalty`, whose forward calls an MSE between input and output) to its negative log-likelihood.
// Read as the base, the likelihood became an unweighted, subtracted "penalty" (false LL101 and LL104).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, ready } from './helpers';

before(async () => {
  await ready;
});

const FLOW = `import torch
from torch import nn


class TransportPenalty(nn.Module):
    def __init__(self, weight):
        super().__init__()
        self.register_buffer("weight", torch.tensor(weight))
        self.measure = nn.MSELoss(reduction="none")

    def penalty_function(self, inputs, outputs):
        return self.measure(outputs, inputs)

    def forward(self, inputs, outputs):
        return self.weight * self.penalty_function(inputs, outputs)


flow = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 2))
distance_penalty = TransportPenalty(0.5)
optimizer = torch.optim.Adam(flow.parameters(), lr=1e-3)
for step in range(100):
    x = torch.randn(128, 2)
    optimizer.zero_grad()
    y = flow(x)
    nll = -torch.distributions.Normal(0.0, 1.0).log_prob(y).sum(dim=1).mean()
    distance = distance_penalty(x, y).mean()
    loss = nll + distance
    loss.backward()
    optimizer.step()
`;

describe('a term computed by the code\'s own penalty is a penalty', () => {
  it('the likelihood is the base and the transport cost the penalty, weighted by the module\'s 0.5', () => {
    const a = analyze(FLOW);
    const m = a.models.find((x) => x.kind === 'inline')!;
    const roles = m.terms.map((t) => `${t.role}:${t.sign > 0 ? '+' : '-'}:${t.weight?.text ?? ''}`);
    assert.deepEqual(roles, ['base:-:', 'penalty:+:torch.tensor(weight)']);
    const codes = runRules(a, FLOW).filter((f) => f.modelId === m.id).map((f) => f.code);
    assert.ok(!codes.includes('LL101') && !codes.includes('LL104'), codes.join(','));
  });

  it('a framework loss whose name reads like a penalty word (smooth_l1_loss) still fits', () => {
    const src = FLOW.replace('distance = distance_penalty(x, y).mean()', 'distance = nn.functional.smooth_l1_loss(y, x)').replace('loss = nll + distance', 'loss = 0.1 * nll + distance');
    const m = analyze(src).models.find((x) => x.kind === 'inline')!;
    assert.equal(m.terms.find((t) => t.role === 'base')?.expr.text, 'nn.functional.smooth_l1_loss(y, x)');
  });
});
