// A setting given a value in `__init__`, then replaced only when an object passed in has it
// (`self.ent_coef = 0.01` / `if hasattr(pms, "ent_coef"): self.ent_coef = pms.ent_coef`): the code's own value is
// the default λ; the guarded override, which the analysis cannot settle, does not replace it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staticNumber } from '../../../src/analysis/bound';
import { analyze, model, ready } from './helpers';

const LOSS = (guard: string) => `import torch.nn as nn
import torch.nn.functional as F


class EntropyBonusLoss(nn.Module):
    def __init__(self, opts, **kwargs):
        super().__init__()
        self.ent_coef = 0.01
        if ${guard}:
            self.ent_coef = opts.ent_coef

    def forward(self, logits, target):
        ce = F.cross_entropy(logits, target)
        probs = logits.softmax(-1)
        entropy = -(probs * probs.log()).sum(-1).mean()
        return ce - self.ent_coef * entropy
`;

describe('a setting overridden under a hasattr guard', () => {
  before(() => ready);

  for (const guard of ['hasattr(opts, "ent_coef")', 'getattr(opts, "ent_coef", None)', 'opts.ent_coef is not None', '"ent_coef" in kwargs']) {
    it(`${guard}: the λ is the unconditional 0.01, read as self.ent_coef`, () => {
      const m = model(analyze(LOSS(guard)), 'EntropyBonusLoss');
      const penalty = m.terms.find((t) => t.role === 'penalty');
      assert.equal(penalty?.weight?.text, 'self.ent_coef');
      assert.equal(m.params.find((p) => p.name === 'self.ent_coef')?.default, 0.01);
    });
  }

  it('a guard on another setting (if opts.large:) is not a presence test: the override is read as before', () => {
    const m = model(analyze(LOSS('opts.large')), 'EntropyBonusLoss');
    assert.equal(m.terms.find((t) => t.role === 'penalty')?.weight?.text, 'opts.ent_coef');
  });

  it("an override from the constructor's own argument (if lam is not None: self.lam = lam) is still bound by the call", () => {
    const src = `import torch.nn as nn
import torch.nn.functional as F


class Loss(nn.Module):
    def __init__(self, lam=None):
        super().__init__()
        self.lam = 0.01
        if lam is not None:
            self.lam = lam

    def forward(self, logits, target):
        return F.cross_entropy(logits, target) + self.lam * logits.abs().mean()


criterion = Loss(lam=0.5)
`;
    const m = model(analyze(src), 'Loss');
    assert.equal(staticNumber(m, 'self.lam'), 0.5);
  });
});
