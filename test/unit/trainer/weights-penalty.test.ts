// A PyTorch penalty on the model's own parameters (`sum(p.abs().sum() for p in model.parameters())`, the catalog's
// weight-sparsity template) trains: the trainer passes each run its parameters, the penalty's gradient reaches
// them, and a larger λ leaves fewer non-zero weights. Runs are evaluated one by one (each has its own weights).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { templateDefaultText, templates } from '../../../src/templates/catalog';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

test('the PyTorch weight-sparsity template trains, and λ makes the weights sparser', async () => {
  await initParsers();
  const template = templates.find((t) => t.id === 'sparse-weights')!;
  const source = `import torch\nimport torch.nn.functional as F\n\n${templateDefaultText(template, 'pytorch')}\n`;
  const loss = analyzeSource(source, 'python', 'weights.py').models[0]!;
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  assert.equal(penalty.constraint?.kind, 'weight-sparsity');
  const messages: TrainerToHost[] = [];
  const runs = [0, 1e-3].map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));
  await runTrial(specFor(loss, { steps: 250, backend: 'wasm', runs }), { send: (m) => messages.push(m), shouldStop: () => false });
  const errors = messages.filter((m) => m.type === 'error');
  assert.deepEqual(errors, []);
  const log = messages.find((m) => m.type === 'log' && m.message.includes('one by one'));
  assert.ok(log, 'each run has its own weights: the runs are evaluated one by one, and the trainer says so');
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const last = (id: string) => points.filter((p) => p.runId === id).at(-1)!;
  const dense = last('l0').violations[penalty.id]!;
  const sparse = last('l0.001').violations[penalty.id]!;
  assert.ok(dense > 0.9, `λ = 0 leaves the weights dense: ${dense}`);
  assert.ok(sparse < dense - 0.2, `λ = 1e-3: fraction of non-zero weights ${sparse}, against ${dense} at λ = 0`);
  // P = Σ|w| over all parameters, and λ·P is what the total adds to the base loss
  const p = last('l0.001');
  assert.ok(p.terms[penalty.id]!.raw > 1, `Σ|w| = ${p.terms[penalty.id]!.raw}`);
  assert.ok(Math.abs(p.terms[penalty.id]!.weighted - 1e-3 * p.terms[penalty.id]!.raw) < 1e-6 * Math.max(1, p.terms[penalty.id]!.raw));
  assert.ok(last('l0.001').terms[penalty.id]!.raw < last('l0').terms[penalty.id]!.raw / 2);
});
