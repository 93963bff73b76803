// A loss class built from a registry with its settings unpacked from a dict (`LOSSES[cfg["loss"]](**cfg["kwargs"])`,
// `Loss(**params)`, `Loss(**{"lam": 0.05})`): each entry is a keyword the construction passes, so the λ is the
// dict's value (0.05), not the constructor's default (0.1); a keyword written in the call wins over the dict's.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staticNumber } from '../../../src/analysis/bound';
import { DocumentAnalyzer } from '../../../src/analysis/index';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { analyze, model, ready } from './helpers';

const FILE = (build: string) => `import torch
import torch.nn as nn


class SmoothLoss(nn.Module):
    def __init__(self, lambda_smooth=0.1):
        super().__init__()
        self.lambda_smooth = lambda_smooth

    def forward(self, pred, target):
        fit = (pred - target).abs().mean()
        smooth = ((pred[:, 1:] - pred[:, :-1]) ** 2).mean()
        return fit + self.lambda_smooth * smooth


LOSSES = {"smooth": SmoothLoss}
params = {"lambda_smooth": 0.05}

if __name__ == "__main__":
    cfg = {"loss": "smooth", "kwargs": {"lambda_smooth": 0.05}}
    ${build}
    net = nn.Linear(4, 3)
    x, y = torch.randn(8, 4), torch.randn(8, 3)
    loss = criterion(net(x), y)
    loss.backward()
`;

const lambda = (build: string) => staticNumber(model(analyze(FILE(build)), 'SmoothLoss'), 'self.lambda_smooth');

describe('settings unpacked into a loss construction', () => {
  before(() => ready);

  it('a registry entry built with **cfg["kwargs"] (in the main block): λ = 0.05', () => {
    assert.equal(lambda('criterion = LOSSES[cfg["loss"]](**cfg["kwargs"])'), 0.05);
  });

  it('**params, a module dict: λ = 0.05', () => {
    assert.equal(lambda('criterion = SmoothLoss(**params)'), 0.05);
  });

  it('**{...} written in the call: λ = 0.05; a keyword beside it wins', () => {
    assert.equal(lambda('criterion = SmoothLoss(**{"lambda_smooth": 0.05})'), 0.05);
    assert.equal(lambda('criterion = SmoothLoss(**params, lambda_smooth=0.2)'), 0.2);
  });

  it('editing the dict the call unpacks gives the new λ in an open document (not a cached binding)', () => {
    const doc = new DocumentAnalyzer('python');
    const first = FILE('criterion = SmoothLoss(**params)');
    assert.equal(staticNumber(model(doc.update(first), 'SmoothLoss'), 'self.lambda_smooth'), 0.05);
    const edited = first.replace('params = {"lambda_smooth": 0.05}', 'params = {"lambda_smooth": 0.02}');
    assert.equal(staticNumber(model(doc.update(edited), 'SmoothLoss'), 'self.lambda_smooth'), 0.02);
  });

  it('"Use λ" writes the new value into the dict the call unpacks', () => {
    const src = FILE('criterion = LOSSES[cfg["loss"]](**cfg["kwargs"])');
    const r = writeLambda(model(analyze(src), 'SmoothLoss'), src, 0.2);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.ok(r.text.includes('"kwargs": {"lambda_smooth": 0.2}'), r.text);
  });
});
