// Losses that read the script's data (issue 10 §2): the batches of the script's own loop are the trial's batches,
// and each name the trial maps is said in its header. Losses come from source through the analysis front end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { chooseLoss } from '../../../src/analysis/choose';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

async function picked(source: string): Promise<LossModel> {
  await initParsers();
  const choice = chooseLoss({ models: analyzeSource(source, 'python', 'script.py').models });
  assert.ok(choice.ok, choice.ok ? '' : choice.message);
  return choice.model;
}

/** Trains `loss` for λ = 0 and 10; the started message and each run's last raw value of the penalty `label`. */
async function trained(loss: LossModel, label: string, steps = 60) {
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  const id = loss.terms.find((t) => t.label === label)?.id;
  assert.ok(id, `a penalty named ${label} among ${loss.terms.map((t) => t.label).join(', ')}`);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const last = (run: string) => points.filter((p) => p.runId === run).at(-1)!.terms[id]!.raw;
  return { started, last };
}

test("a loss function called in the loop with the loop's target batch keeps that argument its target, and trains", async () => {
  const source = `import torch
import torch.nn.functional as F

def fit_loss(pred, target, w=0.5):
    value = target[:, 0]
    weight = target[:, 1]
    return (weight * (pred[:, 0] - value) ** 2).mean() + w * torch.relu(-pred).mean()

def train(model, loader, opt):
    for xb, yb in loader:
        opt.zero_grad()
        loss = fit_loss(model(xb), yb)
        loss.backward()
        opt.step()
`;
  const loss = await picked(source);
  assert.equal(loss.name, 'fit_loss');
  // the loop's `yb` is a batch, not a settings object whose entries (`target[:, 0]`) the loss would read
  assert.ok(loss.params.some((p) => p.name === 'target' && p.role === 'yTrue'));
  assert.doesNotMatch(JSON.stringify(loss.body), /"name":"yb"/);
  const { last } = await trained(loss, 'relu(-pred)');
  assert.ok(Number.isFinite(last('l0')) && Number.isFinite(last('l10')));
});

test("minibatches cut by a loop's index (`yb = Y[i:i + bs]`) are the trial's batches: the target stays the loss's target", async () => {
  const source = `import torch
import torch.nn as nn

def run(model, X, Y, opt, bs=32):
    criterion = nn.MSELoss()
    for epoch in range(5):
        for i in range(0, X.shape[0], bs):
            xb = X[i:i + bs]
            yb = Y[i:i + bs].float()
            out = model(xb)
            loss = criterion(out, yb) + 0.1 * out.abs().mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
`;
  const loss = await picked(source);
  assert.equal(loss.yTrue, 'yb');
  assert.equal(loss.yPred, 'out');
  const { last } = await trained(loss, 'out.abs()');
  assert.ok(last('l10') < last('l0'), `|out| ${last('l10')} at λ = 10 against ${last('l0')} at λ = 0`);
});
