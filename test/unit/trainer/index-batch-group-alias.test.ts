// A hand-rolled minibatch loop that cuts its data by a permutation's slice (`idx = order[i:i + bs]`, then `xb, yb, gb
// = X[idx], y[idx], group[idx]`) gives the loss a batch, as `for xb, yb, gb in loader` would; a batch column named
// `gb` is the group column because the helper the loss passes it to calls it `group`; a BCE taken on the flattened
// prediction (`model(xb).view(-1)`) gets one target per sample. Before: `y` and `group` "defined outside the loss",
// and with a group column the [N, 1] target beside the [N] logits broadcast to [N, N], so the base never learned.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { compileLoss } from '../../../src/trainer/interpreter';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { runTrial } from '../../../src/trainer/trial';
import { cpu, tf } from '../interpreter/tf';
import { specFor } from './helpers';

const source = `import torch
import torch.nn as nn


class FairTrainer:
    def __init__(self, model, tolerance=0.02, lam=2.0):
        self.model = model
        self.tolerance = tolerance
        self.lam = lam

    def _gap(self, logits, group):
        probs = torch.sigmoid(logits)
        g = group.float()
        return torch.abs((probs * g).sum() / g.sum() - (probs * (1 - g)).sum() / (1 - g).sum())

    def fit(self, X, y, group, epochs=3, batch_size=128):
        bce = nn.BCEWithLogitsLoss()
        opt = torch.optim.Adam(self.model.parameters(), lr=1e-2)
        n = X.shape[0]
        for epoch in range(epochs):
            order = torch.randperm(n)
            for i in range(0, n, batch_size):
                idx = order[i:i + batch_size]
                xb, yb, gb = X[idx], y[idx], group[idx]
                logits = self.model(xb).view(-1)
                excess = torch.clamp(self._gap(logits, gb) - self.tolerance, min=0.0)
                loss = bce(logits, yb.float()) + self.lam * excess
                opt.zero_grad()
                loss.backward()
                opt.step()
`;

const lossOf = (text: string): LossModel => analyzeSource(text, 'python', 'fair_loop.py').models[0]!;

describe('a minibatch cut by a permutation, a group column named by its helper, a flattened prediction', () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it('reads the cut names as the batch: the target `yb`, the group column `gb` (called `group` by `_gap`)', () => {
    const loss = lossOf(source);
    assert.equal(loss.yTrue, 'yb');
    assert.equal(loss.params.find((p) => p.name === 'gb')?.alias, 'group');
    assert.deepEqual(mappedTensorArgs(loss).map((a) => [a.name, a.kind]), [['gb', 'sensitive']]);
  });

  it('without the helper, a batch column named `gb` says nothing: it is refused by name, not guessed', () => {
    const loss = lossOf(source.replace('self._gap(logits, gb)', 'torch.abs(gb.float().mean() - torch.sigmoid(logits).mean())'));
    assert.equal(loss.params.find((p) => p.name === 'gb')?.alias, undefined);
    assert.deepEqual(mappedTensorArgs(loss).filter((a) => a.name === 'gb'), []);
  });

  it("refuses a BCE target whose shape is not the input's, as PyTorch does, instead of broadcasting to [N, N]", () => {
    const loss = analyzeSource('import torch.nn.functional as F\n\ndef f(logits, target):\n    return F.binary_cross_entropy_with_logits(logits, target)\n', 'python', 'f.py').models[0]!;
    const run = compileLoss(tf, loss, {});
    assert.throws(() => run(tf.ones([4, 1]), tf.zeros([4])), /Target size \(torch\.Size\(\[4, 1\]\)\) must be the same as input size \(torch\.Size\(\[4\]\)\)/);
  });

  it('trains: one target per sample, the group column taken off, and λ closes the gap', async () => {
    const loss = lossOf(source);
    const messages: TrainerToHost[] = [];
    const spec = specFor(loss, { steps: 150, model: { hidden: [16], outputActivation: 'auto' } });
    await runTrial(spec, { send: (m) => messages.push(m), shouldStop: () => false });
    assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
    const started = messages.find((m) => m.type === 'started');
    const done = messages.find((m) => m.type === 'done');
    assert.ok(started?.type === 'started' && done?.type === 'done');
    assert.match(started.trial!.model, /`gb` = a synthetic 0\/1 group column correlated with the target, because the loss passes it as `group`/);
    assert.match(started.trial!.data, /one target per sample, compared with the flattened prediction/);
    const base = loss.terms.find((t) => t.role === 'base')!.id;
    const penalty = loss.terms.find((t) => t.role === 'penalty')!.id;
    const [free, held] = done.summaries.map((s) => s.final!);
    // the base learns (the [N, N] broadcast stayed at ln 2 ≈ 0.693), and λ = 10 more than halves the excess gap
    assert.ok(free!.terms[base]!.raw < 0.5, `base ${free!.terms[base]!.raw}`);
    assert.ok(held!.terms[penalty]!.raw < free!.terms[penalty]!.raw / 2, `${held!.terms[penalty]!.raw} vs ${free!.terms[penalty]!.raw}`);
  });
});

const heldCriterion = (pick: string) => `import torch
import torch.nn as nn

LAMBDA_FAIR = 0.5


class GapAbs(nn.Module):
    def forward(self, X, out, sensitive):
        p = torch.sigmoid(out)
        member = sensitive == 1
        return torch.abs(p[member].mean() - p[~member].mean())


def pick_criterion(kind="abs"):
    if kind == "abs":
        return GapAbs()
    return None


model = nn.Linear(8, 1)
bce = nn.BCEWithLogitsLoss()
fair = ${pick}
opt = torch.optim.Adam(model.parameters())
for xb, yb, sb in loader:
    logits = model(xb).squeeze(1)
    loss = bce(logits, yb) + LAMBDA_FAIR * fair(xb, logits, sb)
    opt.zero_grad()
    loss.backward()
    opt.step()
`;

describe('a batch column named by the forward of the criterion object it is passed to', () => {
  before(async () => {
    await initParsers();
  });

  for (const [what, pick] of [
    ['made by a factory of the file', 'pick_criterion("abs")'],
    ['made from the class', 'GapAbs()'],
  ] as const) {
    it(`\`fair(xb, logits, sb)\` with \`fair\` ${what}: \`sb\` is the group column \`sensitive\``, () => {
      const loss = analyzeSource(heldCriterion(pick), 'python', 'fair_loop.py').models.find((m) => m.yTrue === 'yb')!;
      assert.equal(loss.params.find((p) => p.name === 'sb')?.alias, 'sensitive');
      assert.deepEqual(mappedTensorArgs(loss).map((a) => [a.name, a.kind]), [['sb', 'sensitive'], ['xb', 'model-input']]);
    });
  }
});
