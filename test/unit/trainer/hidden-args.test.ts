// A loss with an extra tensor argument named like a hidden layer's activations (`encoded`) trains: the trainer
// passes each run its last hidden layer's output, the penalty's gradient reaches the layers below through the
// hand-written backward pass, and λ shrinks the activations. The header says what `encoded` is and why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const source = `import torch
import torch.nn.functional as F

def sparse_code_loss(y_pred, y_true, encoded, lam=0.01):
    recon = F.mse_loss(y_pred, y_true)
    sparsity = encoded.abs().mean()
    return recon + lam * sparsity
`;

async function lossWithTensorArg(): Promise<LossModel> {
  await initParsers();
  const loss = analyzeSource(source, 'python', 'sparse.py').models[0]!;
  // The analysis marks extra tensor arguments role 'tensor' (LossParam); older front ends say 'other'.
  return { ...loss, params: loss.params.map((p) => (p.name === 'encoded' ? { ...p, role: 'tensor' as const } : p)) };
}

test('`encoded` is the last hidden layer: the penalty trains and λ shrinks the activations', async () => {
  const loss = await lossWithTensorArg();
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  const runs = [0, 1].map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 120, runs }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`encoded` = the last hidden layer's activations \(32 relu units\), because of its name/);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const last = (id: string) => points.filter((p) => p.runId === id).at(-1)!;
  const free = last('l0').terms[penalty.id]!.raw;
  const pushed = last('l1').terms[penalty.id]!.raw;
  assert.ok(free > 0.05, `λ = 0 leaves the activations alone: mean |encoded| = ${free}`);
  assert.ok(pushed < free / 2, `λ = 1: mean |encoded| = ${pushed}, against ${free} at λ = 0`);
});

test('with no hidden layer, `encoded` is refused with what to set', async () => {
  const loss = await lossWithTensorArg();
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5, model: { hidden: [], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
  const error = messages.find((m) => m.type === 'error');
  assert.ok(error?.type === 'error');
  assert.match(error.message, /`encoded` is a hidden layer's activations, but the trial model has no hidden layer \(set lossLab.training.hiddenLayers\)/);
});
