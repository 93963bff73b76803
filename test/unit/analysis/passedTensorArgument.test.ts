// A constructor argument every construction passes as a tensor built from literals and module constants
// (`WeightedLoss(rise_w=torch.linspace(0.5, 1.5, N_RADII - 1))`, kept with `self.register_buffer("rise_w", rise_w)`
// or `self.rise_w = rise_w`): the attribute is that tensor, read in place, so the trainer builds it instead of refusing
// `self.rise_w` as "an expression computed when the loss is built". A value computed from the script's data is not
// read that way.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { cpu, tf } from '../interpreter/tf';
import { analyze, model, ready } from './helpers';

const source = (keep: string, passed: string) => `import torch
import torch.nn as nn

N_OUT = 4


class RisingLoss(nn.Module):
    def __init__(self, rise_w, lam=0.5):
        super().__init__()
        self.lam = lam
        ${keep}

    def forward(self, pred, target):
        fit = ((pred - target) ** 2).mean()
        rising = torch.mean(torch.relu(pred[:, 1:] - pred[:, :-1]) * self.rise_w)
        return fit + self.lam * rising


data = torch.rand(32, N_OUT)
criterion = RisingLoss(rise_w=${passed})
`;

describe('a tensor the construction passes, built from literals and module constants', () => {
  before(async () => {
    await cpu();
    await ready;
  });

  for (const keep of ['self.register_buffer("rise_w", rise_w)', 'self.rise_w = rise_w']) {
    it(`${keep} with torch.linspace(1.0, 3.0, N_OUT - 1): trains, with those weights`, () => {
      const m = model(analyze(source(keep, 'torch.linspace(1.0, 3.0, N_OUT - 1)')), 'RisingLoss');
      assert.deepEqual(findUnsupported(m), []);
      const pred = tf.tensor2d([[0, 1, 1, 3]]);
      const out = compileLoss(tf, m, {})(tf.zerosLike(pred), pred);
      // rises 1, 0, 2 weighted 1, 2, 3: mean (1 + 0 + 6) / 3
      const penalty = Object.values(out.terms).find((t) => Math.abs(t.raw.dataSync()[0]! - 7 / 3) < 1e-5);
      assert.ok(penalty, JSON.stringify(Object.values(out.terms).map((t) => t.raw.dataSync()[0])));
    });
  }

  it("a tensor computed from the script's data is not read in place (it stays a setting the trainer names)", () => {
    const m = model(analyze(source('self.rise_w = rise_w', 'data.std(dim=0)[1:]')), 'RisingLoss');
    const pred = tf.tensor2d([[0, 1, 1, 3]]);
    assert.throws(() => compileLoss(tf, m, {})(tf.zerosLike(pred), pred), /self\.rise_w/);
  });
});
