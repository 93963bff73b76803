// A further output of the model's call that the loss pairs with the prediction (`margin + pos - neg`, a BPR dot
// product) is as wide as the prediction: the trial gives it a block of the last hidden layer that wide, says so in
// the header with the line, and the run trains with the penalty present. It was the whole hidden layer (64 units
// against 4 outputs), so the first evaluation failed with "shapes do not broadcast".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const margin = `import torch
import torch.nn.functional as F

def fit(model, batches, epochs=5):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(epochs):
        for x in batches:
            pos, neg, rows = model(x)
            ranking = F.relu(1.0 + pos - neg).mean()
            reg = rows.pow(2).sum(dim=1).mean()
            loss = ranking + 0.001 * reg
            opt.zero_grad()
            loss.backward()
            opt.step()
`;

async function trial(source: string): Promise<TrainerToHost[]> {
  await initParsers();
  const loss = analyzeSource(source, 'python', 'loss.py').models[0]!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 20 }), { send: (m) => messages.push(m), shouldStop: () => false });
  return messages;
}

test('a second score the loss subtracts from the prediction gets the prediction\'s width, said in the header, and trains', async () => {
  const messages = await trial(margin);
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`neg` = a block of 4 units \(the prediction's width\) of the last hidden layer's activations, because the loss combines it element-wise with the prediction \(`1\.0 \+ pos - neg`, line 9\)/);
  // the penalty's output is not paired with the prediction: it keeps the whole layer
  assert.match(started.trial!.model, /`rows` = the last hidden layer's activations \(32 relu units\)/);
  const done = messages.find((m) => m.type === 'done');
  assert.ok(done?.type === 'done');
  assert.deepEqual(done.summaries.map((s) => s.status), ['completed', 'completed']);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const reg = (id: string) => Object.values(points.filter((p) => p.runId === id).at(-1)!.terms).map((t) => t.raw);
  assert.ok(reg('l10').every((v) => Number.isFinite(v)), 'every term is measured');
});

test('an embedding dotted with the prediction (BPR) gets the prediction\'s width', async () => {
  const bpr = margin
    .replace('pos, neg, rows = model(x)', 'users, pos_e, neg_e = model(x)')
    .replace('ranking = F.relu(1.0 + pos - neg).mean()', 'ranking = F.softplus(torch.mul(users, neg_e).sum(dim=1) - torch.mul(users, pos_e).sum(dim=1)).mean()')
    .replace('reg = rows.pow(2).sum(dim=1).mean()', 'reg = pos_e.pow(2).sum(dim=1).mean()');
  const messages = await trial(bpr);
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`pos_e` = a block of 4 units \(the prediction's width\) of the last hidden layer's activations, because the loss pairs it with the prediction `users` as an embedding/);
  assert.match(started.trial!.model, /`neg_e` = a block of 4 units \(the prediction's width\)/);
});

test('a further output the loss does not pair with the prediction keeps the whole hidden layer', async () => {
  const messages = await trial(margin.replace('ranking = F.relu(1.0 + pos - neg).mean()', 'ranking = F.relu(1.0 + pos).mean() + neg.abs().mean()'));
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`neg` = a block of 16 units of the last hidden layer's activations \(32 relu units\)/);
});

// A full-batch training function over its own arrays (`x = torch.tensor(scaled)`, `counts = torch.tensor(raw_counts)`):
// the arrays are its data (the target is the one the loss compares), the model built to their size
// (`CountNet(x.shape[1], 16)`) is not a forward pass, and a second head the loss passes through `exp` before pairing
// it with the prediction (`(1 - pi) * torch.exp(-rate)`) is as wide as the prediction.
const fullBatch = `import torch
import torch.nn as nn


def count_nll(counts, pi, rate):
    zero = -torch.log(pi + (1 - pi) * torch.exp(-rate) + 1e-10)
    pos = -torch.log(1 - pi + 1e-10) + rate - counts * torch.log(rate + 1e-10)
    return torch.where(counts < 1e-8, zero, pos).mean()


def fit_counts(scaled, raw_counts, lam=1.0, steps=100):
    x = torch.tensor(scaled, dtype=torch.float32)
    counts = torch.tensor(raw_counts, dtype=torch.float32)
    model = CountNet(x.shape[1], 16)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(steps):
        pi, rate, code = model(x)
        loss = count_nll(counts, pi, rate)
        loss += lam * (code ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

test("a full-batch function's own arrays are its data, and a head read through exp beside the prediction is as wide", async () => {
  await initParsers();
  const loss = analyzeSource(fullBatch, 'python', 'loss.py').models[0]!;
  assert.equal(loss.yTrue, 'counts', 'the array the loss compares is the target');
  assert.equal(loss.yPred, 'pi');
  assert.ok(!loss.params.some((p) => p.name === 'model' && p.role === 'tensor'), 'building the model to the data\'s size is not a forward pass');
  const messages = await trial(fullBatch);
  assert.deepEqual(messages.filter((m) => m.type === 'error' && m.fatal), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`rate` = a block of 4 units \(the prediction's width\) of the last hidden layer's activations, because the loss combines it element-wise with the prediction \(`\(1 - pi\) \* torch\.exp\(-rate\)`, line 6\)/);
});

// A method refitting full-batch on the samples its object keeps (`X = torch.stack(self.contexts)`,
// `y = torch.tensor(self.rewards)`): they are its data, the target the one the loss compares. A tensor the object
// keeps under another name (`w = torch.tensor(self.class_w)`) is not taken for data.
const refit = `import torch
import torch.nn.functional as F


class Arm:
    def refit(self):
        X = torch.stack(self.contexts)
        y = torch.tensor(self.rewards).unsqueeze(1)
        for epoch in range(50):
            preds = self.network(X)
            loss = F.mse_loss(preds, y)
            decay = sum(p.pow(2).sum() for p in self.network.parameters())
            total = loss + 1e-4 * decay
            total.backward()
`;

test("a method's full-batch refit on the samples its object keeps has them as its data, and trains", async () => {
  await initParsers();
  const loss = analyzeSource(refit, 'python', 'loss.py').models[0]!;
  assert.deepEqual([loss.yPred, loss.yTrue], ['preds', 'y']);
  const messages = await trial(refit);
  assert.deepEqual(messages.filter((m) => m.type === 'error' && m.fatal), []);
  assert.ok(messages.some((m) => m.type === 'done'));
  const weighted = analyzeSource(refit.replace('y = torch.tensor(self.rewards).unsqueeze(1)', 'y = torch.tensor(self.rewards).unsqueeze(1)\n        w = torch.tensor(self.class_w)').replace('F.mse_loss(preds, y)', '(w * (preds - y) ** 2).mean()'), 'python', 'loss.py').models[0]!;
  assert.equal(weighted.yTrue, 'y', 'a kept tensor under another name is not the target');
});
