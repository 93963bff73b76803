// Hidden features the loss takes as an optional argument (`forward(self, logits, targets, seq_feats=None)`) and reads
// as a sequence it differences along time (`feats[:, 1:, :] - feats[:, :-1, :]`): the trial gives the last hidden
// layer's activations, as [batch, T, units / T], and says so. They were refused ("`seq_feats` is a tensor argument the
// trainer cannot provide") though an activation named so is given when it has no default, and [batch, 1, units]
// would leave the time differences empty.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { sequenceSteps } from '../../../src/trainer/argRank';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { runTrial } from '../../../src/trainer/trial';
import { cpu } from '../interpreter/tf';
import { specFor } from './helpers';

const source = `import torch
import torch.nn.functional as F


def jerk(h):
    vel = h[:, 1:, :] - h[:, :-1, :]
    return (vel[:, 1:, :] - vel[:, :-1, :]).pow(2).mean()


def seq_loss(logits, targets, step_feats=None, lam=0.05):
    loss = F.cross_entropy(logits, targets)
    if step_feats is not None:
        loss = loss + lam * jerk(step_feats)
    return loss
`;

describe('optional sequence features', () => {
  let loss: LossModel;
  before(async () => {
    await initParsers();
    await cpu();
    loss = analyzeSource(source, 'python', 'seq.py').models[0]!;
  });

  it('are the hidden activations, not a refusal', () => {
    assert.deepEqual(findUnsupported(loss), []);
    assert.deepEqual(mappedTensorArgs(loss), [{ name: 'step_feats', kind: 'hidden' }]);
  });

  it('cut into time steps: the largest divisor of the units not above their square root', () => {
    assert.equal(sequenceSteps(64), 8);
    assert.equal(sequenceSteps(32), 4);
    assert.equal(sequenceSteps(7), 1);
  });

  it('train with the penalty, differenced along time steps the header names', async () => {
    const messages: TrainerToHost[] = [];
    await runTrial(specFor(loss, { steps: 5, model: { hidden: [16], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
    assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
    const started = messages.find((m) => m.type === 'started');
    assert.ok(started?.type === 'started');
    assert.match(started.trial!.model, /`step_feats` = the last hidden layer's activations \(16 \w+ units\), as \[batch, 4, 4\] \(the loss takes differences along its axis 1, a sequence's time steps\)/);
    const done = messages.find((m) => m.type === 'done');
    assert.ok(done?.type === 'done');
    const jerkTerm = loss.terms.find((t) => t.role === 'penalty')!;
    for (const s of done.summaries) {
      const raw = s.final?.terms[jerkTerm.id]?.raw;
      assert.ok(Number.isFinite(raw) && raw! > 0, `run λ = ${s.lambda}: the time differences are not empty (${raw})`);
    }
  });
});
