// A λ computed by a schedule (KL annealing: `beta = min(1.0, epoch / WARMUP)`) weights its penalty: the penalty is
// named by its variable and its own -0.5 is not read as a negative λ (a false LL103).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { check } from '../rules/corpus';
import { analyze, model, ready, termSummary } from './helpers';

const loop = (schedule: string) => `import math
import numpy as np
import torch
import torch.nn.functional as F

WARMUP = 10

for epoch in range(50):
    beta = ${schedule}
    for x, _ in loader:
        optimizer.zero_grad()
        recon, mu, logvar = model(x)
        rec = F.mse_loss(recon, x)
        kl = -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())
        loss = rec + beta * kl
        loss.backward()
        optimizer.step()
`;

describe('a scheduled λ', () => {
  before(() => ready);

  for (const schedule of ['min(1.0, epoch / WARMUP)', 'np.clip(epoch / WARMUP, 0.0, 1.0)', 'math.exp(-epoch / WARMUP)']) {
    it(`beta = ${schedule}: kl is the penalty, weighted by the schedule, no LL103`, () => {
      const src = loop(schedule);
      const m = model(analyze(src), 'loss');
      assert.deepEqual(m.terms.map((t) => termSummary(t).split('*')[0]), ['base:+:rec', 'penalty:+:kl']);
      assert.equal(m.terms[1]?.weight?.text, schedule);
      const codes = check(src, 'python', 'train.py').findings.map((f) => f.code);
      assert.ok(!codes.includes('LL103') && !codes.includes('LL101'), codes.join(', '));
    });
  }

  it('a function of the data is not a schedule: min(1.0, recon.mean()) stays in the term', () => {
    const m = model(analyze(loop('min(1.0, epoch / WARMUP)').replace('rec + beta * kl', 'rec + min(1.0, recon.mean()) * kl')), 'loss');
    assert.notEqual(m.terms[1]?.label, 'kl');
  });
});
