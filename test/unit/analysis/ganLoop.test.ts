// A GAN's loop (a shape from public training scripts, in our own words): two players built on one line, the
// discriminator's update first, then the generator's loss with a weighted penalty on batch statistics.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss, qualifiedName } from '../../../src/analysis/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const gan = (players: string) => `import torch
import torch.nn as nn
LAM = 2.0
class Gen(nn.Module):
    def forward(self, z):
        return self.body(z)
class Disc(nn.Module):
    def forward(self, x):
        return self.body(x)
def main(data):
    ${players}
    bce = nn.BCELoss()
    for i in range(0, 256, 16):
        real = data[i:i + 16]
        ones = torch.ones(16, 1)
        zeros = torch.zeros(16, 1)
        z = torch.randn(16, 8)
        fake = gen(z)
        loss_d = bce(disc(real), ones) + bce(disc(fake.detach()), zeros)
        loss_d.backward()
        adv = bce(disc(fake), ones)
        mu_real, sd_real = real.mean(), real.std()
        gap = (fake.mean() - mu_real) ** 2 + (fake.std() - sd_real) ** 2
        loss_g = adv + LAM * gap
        loss_g.backward()
`;

describe('A GAN loop: the generator’s constrained loss', () => {
  it('runs the players built on one line (g, d = G(), D()) as models, as when built one per line', () => {
    for (const players of ['gen, disc = Gen(), Disc()', 'gen = Gen()\n    disc = Disc()']) {
      const a = analyze(gan(players));
      assert.deepEqual(a.models.map(qualifiedName), ['loss_d', 'loss_g'], players);
    }
  });

  it('reads a statistic of the batch (real.mean(), real.std()) as a value computed from it, not as the batch’s target', () => {
    const m = model(analyze(gan('gen, disc = Gen(), Disc()')), 'loss_g');
    assert.deepEqual([m.yPred, m.yTrue], ['fake', 'real'], 'the batch is the target the generator’s output is compared with, not sd_real');
    assert.ok(m.terms.some((t) => termSummary(t) === 'penalty:+:adv*LAM' || t.weight?.text === 'LAM'), m.terms.map(termSummary).join(', '));
  });

  it('picks, between two differentiated losses, the one whose penalty the code weighs', () => {
    const c = chooseLoss(analyze(gan('gen, disc = Gen(), Disc()')));
    assert.ok(c.ok);
    assert.equal(qualifiedName(c.model), 'loss_g');
    const two = analyze(`import torch.nn.functional as F
LAM = 0.5
def fit(model, critic, loader):
    for x, y in loader:
        out = model(x)
        loss_c = F.mse_loss(out, y) + out.abs().mean()
        loss_c.backward()
        loss_m = F.mse_loss(out, y) + LAM * out.pow(2).mean()
        loss_m.backward()
`);
    assert.deepEqual(two.models.map((m) => m.terms.filter((t) => t.role === 'penalty').length), [1, 1], 'both have a penalty');
    const picked = chooseLoss(two);
    assert.ok(picked.ok && picked.model.name === 'loss_m', 'the weighed penalty wins over the earlier unweighted one');
  });

  it('reads a WGAN generator’s -critic(fake).mean() as its adversarial objective, a base beside the L1 fit, not a subtracted penalty', () => {
    const m = model(
      analyze(`import torch.nn.functional as F
def train(gen, critic, loader):
    for cond, real in loader:
        fake = gen(cond)
        loss_g = -critic(fake).mean() + F.l1_loss(fake, real)
        loss_g.backward()
`),
      'loss_g',
    );
    assert.deepEqual(
      m.terms.map((t) => t.role),
      ['base', 'base'],
      m.terms.map(termSummary).join(', '),
    );
  });
});

describe('A critic loop: its scores on two batches', () => {
  it("reads the critic's scores on the fake and the real batch (`score_f - score_r`, each its own variable) as one base, the weighted penalty apart", () => {
    const src = `import torch
import torch.nn as nn
PENALTY = 5.0
class Critic(nn.Module):
    def forward(self, x):
        return self.body(x)
class Gen(nn.Module):
    def forward(self, z):
        return self.body(z)
def main(data, gen, critic, opt):
    critic = Critic()
    gen = Gen()
    for i in range(0, 256, 32):
        real = data[i:i + 32]
        fake = gen(torch.randn(32, 8)).detach()
        score_f = critic(fake).mean()
        score_r = critic(real).mean()
        lip = (critic(fake).abs() - 1).clamp(min=0).pow(2).mean()
        loss_c = score_f - score_r + PENALTY * lip
        opt.zero_grad()
        loss_c.backward()
`;
    const m = model(analyze(src), 'loss_c');
    const role = (label: string) => m.terms.find((t) => t.label === label)?.role;
    assert.deepEqual([role('score_f'), role('score_r'), role('lip')], ['base', 'base', 'penalty'], m.terms.map(termSummary).join(', '));
  });
});
