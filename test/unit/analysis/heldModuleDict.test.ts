// An object whose constructor keeps a module dict of weights by default (`def __init__(self, net, coefs=COEFS)`,
// `self.coefs = coefs`; issue 9 §2): `self.coefs["spread"]` in its training step is that dict's entry, as Python
// reads it when no call of the class passes another dict.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staticNumber } from '../../../src/analysis/bound';
import { analyze, model, ready } from './helpers';

describe('a module dict of weights an object holds by default', () => {
  before(() => ready);

  const learner = (ctorCall: string) => `import torch
import torch.nn.functional as F

COEFS = {"spread": 0.5, "other": 0.1}


class Learner:
    def __init__(self, net, coefs=COEFS):
        self.net = net
        self.coefs = coefs
        self.opt = torch.optim.SGD(net.parameters(), lr=0.1)

    def step(self, x, y):
        out = self.net(x)
        fit = F.mse_loss(out, y)
        spread = out.pow(2).mean()
        loss = fit + self.coefs["spread"] * spread
        self.opt.zero_grad()
        loss.backward()


learner = ${ctorCall}
`;

  it('`self.coefs["spread"]` with `coefs=COEFS` as the default reads the module entry', () => {
    const m = model(analyze(learner('Learner(torch.nn.Linear(4, 1))')), 'loss');
    const weight = m.terms.find((t) => t.role === 'penalty')?.weight;
    assert.equal(weight?.kind === 'name' ? staticNumber(m, weight.name) : undefined, 0.5);
  });

  it('a call that passes another dict leaves the entry unknown', () => {
    const m = model(analyze(learner('Learner(torch.nn.Linear(4, 1), coefs=load_coefs())')), 'loss');
    const weight = m.terms.find((t) => t.role === 'penalty')?.weight;
    assert.equal(weight?.kind === 'name' ? staticNumber(m, weight.name) : undefined, undefined);
  });
});
