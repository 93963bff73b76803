// LL103 and a Lagrange multiplier the training moves: `self.multiplier = 0.0` in `__init__`, raised by dual ascent
// (`self.multiplier = max(0.0, self.multiplier + self.dual_lr * excess)`) in the method that trains. Starting at 0
// is the method, not a penalty switched off; a zero weight nothing updates is still reported.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const TRAINER = (update: string) => `import torch
import torch.nn as nn


class FairTrainer:
    def __init__(self, model, dual_lr=0.05):
        self.model = model
        self.dual_lr = dual_lr
        self.multiplier = 0.0

    def fit(self, X, y):
        opt = torch.optim.Adam(self.model.parameters())
        for _ in range(10):
            out = self.model(X)
            excess = torch.relu(out.mean() - 0.5)
            loss = nn.functional.mse_loss(out, y) + self.multiplier * excess
            opt.zero_grad()
            loss.backward()
            opt.step()
            ${update}
`;

const ll103 = (src: string) => check(src, 'python', 'trainer.py').findings.filter((f) => f.code === 'LL103');

describe('LL103 on a multiplier updated by the training', () => {
  before(async () => {
    await initParsers();
  });

  for (const update of ['self.multiplier = max(0.0, self.multiplier + self.dual_lr * float(excess))', 'self.multiplier += self.dual_lr * float(excess)']) {
    it(`${update}: no LL103 for the start at 0`, () => {
      assert.deepEqual(ll103(TRAINER(update)), []);
    });
  }

  it('a zero multiplier nothing updates is still reported', () => {
    assert.equal(ll103(TRAINER('pass')).length, 1);
  });
});
