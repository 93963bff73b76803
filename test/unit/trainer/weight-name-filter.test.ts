// A penalty over the model's parameters filtered by their names runs on the trial model's parameters, named as
// nn.Sequential names them (0.weight, 0.bias, …): a filter that keeps none of them would train a zero penalty, so the
// trial names one layer's weight after the filter's words (`adapter.weight` for `'adapter' in n`), said in the header
// (src/trainer/interpreter/weightNameFilter.ts); a filter no name of its words meets is refused by name; a filter the
// trial's names meet, or one Loss Lab cannot read, runs.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { evaluatedExprs } from '../../../src/trainer/interpreter/unsupported';
import { namedGroups } from '../../../src/trainer/interpreter/weightNameFilter';
import { cpu, tf } from '../interpreter/tf';

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
  before(async () => {
    await cpu();
    await initParsers();
  });

  it("keeping none of nn.Sequential's names: the first layer's weight is named after the filter's words, and the penalty sums it", () => {
    const cases: [string, string][] = [
      ["'adapter' in n", 'adapter.weight'],
      ['n.startswith("encoder.")', 'encoder.weight'],
      ['("lora_A" in n) or ("lora_B" in n)', 'lora_A.weight'],
      ['n.endswith("kernel")', '0.kernel'],
      ['n == "prototypes"', 'prototypes'],
    ];
    // two layers: weight [2, 1], bias [1], weight [1, 2], bias [2]
    const weights: Tensor[] = [tf.tensor2d([[1], [2]]), tf.tensor1d([3]), tf.tensor2d([[4, 5]]), tf.tensor1d([6, 7])];
    for (const [filter, name] of cases) {
      const loss = lossOf(loopWith(filter));
      assert.deepEqual(findUnsupported(loss), [], filter);
      assert.deepEqual(namedGroups(loss, evaluatedExprs(loss)).map((g) => [g.index, g.name]), [[0, name]], filter);
      const penalty = loss.terms.find((t) => t.role === 'penalty')!;
      const raw = compileLoss(tf, loss, {})(tf.zeros([1, 2]), tf.zeros([1, 2]), { weights }).terms[penalty.id]!.raw.dataSync()[0]!;
      assert.equal(raw, 1 + 4, `${filter}: Σ of the first layer's weight squared`);
    }
  });

  it('a filter no name made of its words meets is refused, naming the filter and the trial names', () => {
    const filter = 'n.startswith("encoder") and n.endswith("gamma")';
    const refusals = findUnsupported(lossOf(loopWith(filter)));
    assert.equal(refusals.length, 1, JSON.stringify(refusals));
    assert.match(refusals[0]!.message, /keeps none of the trial model's parameters \(named as nn\.Sequential names them: 0\.weight, 0\.bias/);
    assert.ok(refusals[0]!.message.includes(filter), refusals[0]!.message);
  });

  it("a filter the trial's names meet, or one Loss Lab cannot read, runs with nn.Sequential's names", () => {
    for (const filter of ["'weight' in n", "'bias' not in n", 'n.endswith(("weight", "kernel"))', "'backbone' not in n and p.requires_grad", 'n in decay_names']) {
      const loss = lossOf(loopWith(filter));
      assert.deepEqual(findUnsupported(loss).filter((r) => r.op === 'named_parameters()'), [], filter);
      assert.deepEqual(namedGroups(loss, evaluatedExprs(loss)), [], filter);
    }
  });
});
