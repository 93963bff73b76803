// A monotonicity penalty along a sequence's time axis (`pred[:, 1:, :] - pred[:, :-1, :]`) is measured along that
// axis of the prediction in the shape the loss reads it, (B, T, F): the violation was taken across the MLP's flat
// output, mixing time steps and features, so it barely moved (0.38 → 0.37) while the hinge fell a thousandfold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const source = `import torch
import torch.nn as nn

mse = nn.MSELoss()


def shelf_loss(pred, target, lam=0.1):
    fit = mse(pred, target)
    step = pred[:, 1:, :] - pred[:, :-1, :]
    rising = torch.clamp(step, min=0).mean()
    return fit + lam * rising
`;

test('the out-of-order share of a sequence penalty is measured along time, and λ = 10 drives it down', async () => {
  await initParsers();
  const loss = analyzeSource(source, 'python', 'loss.py').models[0]!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 150 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error' && m.fatal), []);
  const started = messages.find((m) => m.type === 'started');
  const done = messages.find((m) => m.type === 'done');
  assert.ok(started?.type === 'started' && done?.type === 'done');
  const rising = started.terms.find((t) => t.role === 'penalty')!;
  const share = (lambda: number) => done.summaries.find((s) => s.lambda === lambda)!.final!.violations[rising.id]!;
  assert.ok(share(0) > 0.2, `about half the steps rise without the penalty (${share(0)})`);
  assert.ok(share(10) < 0.25 * share(0), `λ = 10: ${share(10)} against ${share(0)} at λ = 0`);
});
