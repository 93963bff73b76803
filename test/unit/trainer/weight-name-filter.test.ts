// A penalty over the model's parameters filtered by their names runs on the trial model's parameters, named as
// nn.Sequential names them (0.weight, 0.bias, …): a filter that keeps none of them would train a zero penalty
// silently, so it is refused by name (src/trainer/interpreter/weightNameFilter.ts); a filter the trial's names meet,
// or one Loss Lab cannot read, runs.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { findUnsupported } from '../../../src/trainer/interpreter';

const loopWith = (filter: string) => `import torch
import torch.nn.functional as F

def fit(model, loader, opt, lam=1e-3):
    for x, y in loader:
        out = model(x)
        reg = sum(p.pow(2).sum() for n, p in model.named_parameters() if ${filter})
        loss = F.mse_loss(out, y) + lam * reg
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

const lossOf = (source: string): LossModel => analyzeSource(source, 'python', 'f.py').models[0]!;

describe("a filter on the model's parameter names", () => {
  before(() => initParsers());

  it("keeping none of the trial's parameters is refused, naming the filter and the trial's names", () => {
    for (const filter of ["'adapter' in n", 'n.startswith("encoder.")', "'fc2' in n and p.requires_grad", 'n == "prototypes"']) {
      const refusals = findUnsupported(lossOf(loopWith(filter)));
      assert.equal(refusals.length, 1, `${filter}: ${JSON.stringify(refusals)}`);
      assert.match(refusals[0]!.message, /keeps none of the trial model's parameters \(named as nn\.Sequential names them: 0\.weight, 0\.bias/);
      assert.ok(refusals[0]!.message.includes(filter), refusals[0]!.message);
    }
  });

  it("a filter the trial's names meet, or one Loss Lab cannot read, runs", () => {
    for (const filter of ["'weight' in n", "'bias' not in n", 'n.endswith(("weight", "kernel"))', "'backbone' not in n and p.requires_grad", 'n in decay_names']) {
      assert.deepEqual(findUnsupported(lossOf(loopWith(filter))).filter((r) => r.op === 'named_parameters()'), [], filter);
    }
  });
});
