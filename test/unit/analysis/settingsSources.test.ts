// Loss settings kept where real code keeps them (issue 9 §1-§2): a λ in a module-level dict of settings
// (`config["lam"]`), and a loss class deriving from torch's `_WeightedLoss` (the base of CrossEntropyLoss).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { makeLookup } from '../../../src/trainer/interpreter/scope';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready } from './helpers';

const CONFIG = (dict: string) => `import torch
import torch.nn.functional as F

${dict}


def regularised_loss(pred, target):
    fit = F.mse_loss(pred, target)
    rough = (pred[:, 1:] - pred[:, :-1]).pow(2).mean()
    return fit + CONFIG["smooth_weight"] * rough
`;

describe('settings where real code keeps them', () => {
  before(() => ready);

  for (const dict of ['CONFIG = {"smooth_weight": 0.02, "lr": 1e-3}', 'CONFIG = dict(smooth_weight=0.02, lr=1e-3)']) {
    it(`a λ read from a module-level dict: ${dict}`, () => {
      const src = CONFIG(dict);
      const m = model(analyze(src), 'regularised_loss');
      const rough = m.terms.find((t) => t.role === 'penalty');
      assert.equal(rough?.weightParam, "CONFIG['smooth_weight']");
      assert.equal(codeLambda(m), 0.02);
      assert.equal(makeLookup(m, {})("CONFIG['smooth_weight']"), 0.02);
      const out = writeLambda(m, src, 0.5);
      assert.ok(out.ok && out.text.includes('smooth_weight') && out.text.includes('0.5') && !out.text.includes('0.02'), JSON.stringify(out));
    });
  }

  it('a dict key that is not a literal setting is not read', () => {
    const src = CONFIG('CONFIG = {"smooth_weight": compute_weight(), "lr": 1e-3}');
    const m = model(analyze(src), 'regularised_loss');
    assert.ok(!m.params.some((p) => p.name === "CONFIG['smooth_weight']"));
    assert.equal(makeLookup(m, {})("CONFIG['smooth_weight']"), undefined);
  });

  it("a `_WeightedLoss` subclass's forward is the loss, with the model passed as a third argument", () => {
    const src = `import torch
from torch.nn.functional import cross_entropy
from torch.nn.modules.loss import _WeightedLoss


class CEWithL2(_WeightedLoss):
    def __init__(self, l2, weight=None):
        super().__init__(weight)
        self.l2 = l2

    def forward(self, logits, labels, net):
        data = cross_entropy(logits, labels, weight=self.weight)
        return data + self.l2 * sum((p ** 2).sum() for p in net.parameters())


criterion = CEWithL2(l2=1e-3)
`;
    const m = model(analyze(src), 'CEWithL2');
    assert.equal(m.kind, 'module-forward');
    assert.equal(m.framework, 'pytorch', "torch's _WeightedLoss, not Keras's Loss");
    assert.deepEqual(m.terms.map((t) => t.role), ['base', 'penalty']);
    assert.equal(codeLambda(m), 1e-3);
  });
});
