// A training script's top-level loop runs at module level (issue 9 §2): a number it assigns (`GP_WEIGHT = 10` just
// above an inline loss) is a module global the loss reads, with its value, as a top-level assignment would be.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staticNumber } from '../../../src/analysis/bound';
import { analyze, model, ready } from './helpers';

const script = (assign: string) => `import torch
import torch.nn.functional as F

net = torch.nn.Linear(4, 1)
opt = torch.optim.SGD(net.parameters(), lr=0.1)
xs, ys = torch.randn(64, 4), torch.randn(64, 1)
for epoch in range(3):
    for start in range(0, 64, 16):
        out = net(xs[start:start + 16])
        fit = F.mse_loss(out, ys[start:start + 16])
        energy = out.pow(2).mean()
        ${assign}
        loss = fit + ENERGY_W * energy
        opt.zero_grad()
        loss.backward()
`;

describe('numbers a top-level training loop assigns', () => {
  before(() => ready);

  it('the λ a loop sets just above the inline loss has its value', () => {
    const m = model(analyze(script('ENERGY_W = 0.25')), 'loss');
    const penalty = m.terms.find((t) => t.role === 'penalty');
    assert.equal(penalty?.weight?.text, 'ENERGY_W');
    assert.equal(staticNumber(m, 'ENERGY_W'), 0.25);
  });

  it('a value the loop computes (a schedule of the epoch) is not a constant', () => {
    const m = model(analyze(script('ENERGY_W = 0.25 * epoch')), 'loss');
    assert.equal(staticNumber(m, 'ENERGY_W'), undefined);
  });
});
