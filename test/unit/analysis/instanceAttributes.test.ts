// A λ the loss reads from an object of the file's own class (`model.beta` with `model = Net()` and `self.beta = beta`
// in Net's `__init__`, default 0.05): Python binds the attribute to what the constructor call passes, else to the
// default, so λ is that number, written back where it is written.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready } from './helpers';

const SCRIPT = (build: string) => `import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, n_in=8, beta=0.05):
        super().__init__()
        self.beta = beta
        self.fc = nn.Linear(n_in, 1)

    def forward(self, x):
        return self.fc(x)


model = ${build}
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for x, y in loader:
    out = model(x)
    fit = F.mse_loss(out, y)
    l1 = sum(p.abs().sum() for p in model.parameters())
    loss = fit + model.beta * l1
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
`;

describe("an attribute the object's __init__ sets, read by the loss", () => {
  before(() => ready);

  for (const [build, value, written] of [
    ['Net()', 0.05, '0.05'],
    ['Net(beta=0.2)', 0.2, '0.2'],
    ['Net(8, 0.3)', 0.3, '0.3'],
  ] as const) {
    it(`model = ${build}: λ = model.beta = ${value}, written back at ${written}`, () => {
      const src = SCRIPT(build);
      const m = model(analyze(src), 'loss');
      const p = m.params.find((x) => x.name === 'model.beta');
      assert.equal(p?.default, value);
      assert.equal(codeLambda(m), value);
      const r = p!.defaultRange!;
      assert.equal(src.split('\n')[r.startLine]!.slice(r.startCol, r.endCol), written);
    });
  }

  it('a value read at run time (Net(beta=schedule())) is not known: no default', () => {
    const m = model(analyze(SCRIPT('Net(beta=schedule())')), 'loss');
    assert.equal(m.params.find((x) => x.name === 'model.beta')?.default, undefined);
  });
});
