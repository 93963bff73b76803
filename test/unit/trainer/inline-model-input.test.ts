// The batch an inline loss's model is called on, read by the loss beside its target (`for xb, yb in loader: out =
// net(xb)` then `criterion(out[:, 2:], xb + dt * out[:, :2])`, `torch.norm(out - batch_X)`), whatever its name, is the
// trial's input batch, said in the header as what the model is called on; the trial's input gets the width of the
// block of the prediction the loss combines it with. It was refused: "`xb` is defined outside the loss function".
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { runTrial } from '../../../src/trainer/trial';
import { cpu } from '../interpreter/tf';
import { specFor } from './helpers';

const loop = (penalty: string) => `import torch
import torch.nn as nn

DT = 0.05
net = nn.Sequential(nn.Linear(3, 32), nn.Tanh(), nn.Linear(32, 6))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
criterion = nn.MSELoss()
lam_step = 0.2

for epoch in range(5):
    for state, y_next in loader:
        out = net(state)
        fit = criterion(out, y_next)
        step = ${penalty}
        loss = fit + lam_step * step
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

const lossOf = (source: string): LossModel => analyzeSource(source, 'python', 'dyn.py').models[0]!;

async function trial(loss: LossModel): Promise<{ model: string; data: string; penalty: (number | undefined)[] }> {
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5, model: { hidden: [16], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  const done = messages.find((m) => m.type === 'done');
  assert.ok(started?.type === 'started' && done?.type === 'done');
  const step = loss.terms.find((t) => t.role === 'penalty')!;
  return { model: started.trial!.model, data: started.trial!.data, penalty: done.summaries.map((s) => s.final?.terms[step.id]?.raw) };
}

describe("the model's input read by an inline loss", () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it('is the trial input batch, whatever its name, said as what the model is called on', async () => {
    const loss = lossOf(loop('criterion(out[:, 3:], state + DT * out[:, :3])'));
    assert.deepEqual(findUnsupported(loss), []);
    assert.deepEqual(mappedTensorArgs(loss), [{ name: 'state', kind: 'model-input' }]);
    const t = await trial(loss);
    assert.match(t.model, /`state` = the batch the trial model runs on \(its input, 3 features\), because your model is called on `state`/);
    assert.match(t.data, /3 features because the loss combines the input `state` with `DT \* out\[:, :3\]`/);
    for (const raw of t.penalty) assert.ok(Number.isFinite(raw), "every run reports the penalty's value");
  });

  it('combined with the whole prediction, the input is as wide as the prediction', async () => {
    const loss = lossOf(loop('torch.norm(out - state, p=2)'));
    const t = await trial(loss);
    assert.match(t.data, /\d+ features because the loss combines the input `state` with `out`/);
    const [, inputs, outputs] = /MLP (\d+) → .* → (\d+)/.exec(t.model) ?? [];
    assert.equal(inputs, outputs, `the input is as wide as the output: ${t.model}`);
    for (const raw of t.penalty) assert.ok(Number.isFinite(raw));
  });
});
