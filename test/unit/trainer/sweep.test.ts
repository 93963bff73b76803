// A sweep trial: the grid measured on the untrained model, and what the λ choice needs measured by the trainer
// (validation base loss and violations, gradient-norm ratios at the first and last step).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepMetrics, TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { lossFrom, specFor } from './helpers';

async function trial(spec: ReturnType<typeof specFor>) {
  const messages: TrainerToHost[] = [];
  await runTrial(spec, { send: (m) => messages.push(m), shouldStop: () => false });
  const error = messages.find((m) => m.type === 'error');
  assert.equal(error, undefined, JSON.stringify(error));
  return messages;
}

test('a sweep centres its grid on |L|/|P| of the untrained model and trains every λ of it', async () => {
  const loss = await lossFrom('test/fixtures/seed/example2_bounded_output.py');
  const messages = await trial(
    specFor(loss, { steps: 20, runs: [{ id: 'lambda-0', label: 'λ = 0', lambda: 0 }, { id: 'lambda-10', label: 'λ = 10 (code)', lambda: 10 }], sweep: { count: 9, decades: 4, codeLambda: 10 } }),
  );
  const started = messages.find((m): m is Extract<TrainerToHost, { type: 'started' }> => m.type === 'started')!;
  const grid = started.grid!;
  assert.ok(grid.base > 0 && grid.penalty > 0, JSON.stringify(grid));
  assert.ok(Math.abs(grid.centre - grid.base / grid.penalty) < 1e-9 * grid.centre);
  // 9 spaced values, 0 and the code's 10 (unless 10 happens to be on the grid)
  assert.ok(started.runs.length === 11 || started.runs.length === 10, `${started.runs.length} runs`);
  assert.equal(started.runs.find((r) => r.lambda === 10)!.label, 'λ = 10 (code)');
  const lambdas = started.runs.map((r) => r.lambda).filter((l) => l > 0 && l !== 10);
  assert.ok(Math.min(...lambdas) < grid.centre / 50 && Math.max(...lambdas) > grid.centre * 50, lambdas.join(', '));
  const done = messages.find((m) => m.type === 'done');
  assert.equal(done?.type === 'done' && done.summaries.length, started.runs.length);
});

test('validation points carry the base loss, each term and each violation; the first and last step the gradient ratios', async () => {
  const loss = await lossFrom('test/fixtures/seed/example1_sum_to_one.py');
  const messages = await trial(specFor(loss, { steps: 30, model: { hidden: [16], outputActivation: 'linear' } }));
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : [])) as StepMetrics[];
  const penalty = loss.terms.find((t) => t.role === 'penalty')!.id;
  const last = points.filter((p) => p.runId === 'l10' && p.step === 29)[0]!;
  assert.ok(last.valOriginal !== undefined && last.valOriginal > 0);
  assert.ok(last.valViolations?.[penalty] !== undefined);
  assert.ok(last.valTerms?.[penalty] !== undefined);
  const first = points.find((p) => p.runId === 'l10' && p.step === 0)!;
  // λ = 10 pulls on the weights; λ = 0 does not at all
  assert.ok(first.gradRatios![penalty]! > 0, JSON.stringify(first.gradRatios));
  assert.ok(last.gradRatios![penalty]! > 0);
  assert.equal(points.find((p) => p.runId === 'l0' && p.step === 0)!.gradRatios![penalty], 0);
  assert.equal(points.filter((p) => p.gradRatios).length, 4); // two runs × (first, last)
});
