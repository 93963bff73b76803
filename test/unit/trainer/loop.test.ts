// The training loop in-process: no tensor leak from step to step, at most maxMessagesPerSecond messages, runs that
// share one batched model without influencing each other, every term and violation measured.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { StepMetrics, TrainerToHost, TrialSpec } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { lossFrom, specFor } from './helpers';

async function trial(spec: TrialSpec, onStep?: Parameters<typeof runTrial>[1]['onStep']) {
  const messages: { at: number; message: TrainerToHost }[] = [];
  await runTrial(spec, {
    send: (message) => messages.push({ at: performance.now(), message }),
    shouldStop: () => false,
    ...(onStep ? { onStep } : {}),
  });
  const error = messages.find((m) => m.message.type === 'error');
  assert.equal(error, undefined, JSON.stringify(error?.message));
  return messages;
}

test('the tfjs tensor count does not grow from step to step', async () => {
  const loss = await lossFrom('test/fixtures/seed/example2_bounded_output.py');
  // Tensors alive besides the one kept metrics tensor per step that is waiting to be read.
  const counts: number[] = [];
  await trial(specFor(loss, { steps: 60 }), (_step, tf, pending) => {
    counts.push(tf.memory().numTensors - pending);
  });
  const settled = counts.slice(2);
  assert.equal(Math.max(...settled), Math.min(...settled), `tensor counts: ${[...new Set(settled)].join(', ')}`);
});

test('metrics messages never come faster than maxMessagesPerSecond', async () => {
  const loss = await lossFrom('test/fixtures/seed/example1_sum_to_one.py');
  for (const rate of [20, 5]) {
    const messages = await trial(specFor(loss, { steps: 200, maxMessagesPerSecond: rate, batchSize: 16, model: { hidden: [8], outputActivation: 'auto' } }));
    const times = messages.filter((m) => m.message.type === 'metrics').map((m) => m.at);
    assert.ok(times.length >= 2, `${times.length} messages`);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    assert.ok(Math.min(...gaps) >= 1000 / rate - 1, `rate ${rate}: smallest gap ${Math.min(...gaps).toFixed(1)} ms`);
    // …and no step is lost by the batching
    const points = messages.flatMap((m) => (m.message.type === 'metrics' ? m.message.points : []));
    assert.equal(points.length, 200 * 2);
  }
});

test('a long trial reports every k-th step (maxPointsPerRun), its validations and its last step; the summary saw every step', async () => {
  const loss = await lossFrom('test/fixtures/seed/example1_sum_to_one.py');
  const steps = 230;
  const messages = await trial(specFor(loss, { steps, maxPointsPerRun: 20, batchSize: 16, model: { hidden: [8], outputActivation: 'auto' } }));
  const points = messages.flatMap((m) => (m.message.type === 'metrics' ? m.message.points : []));
  const l0 = points.filter((p) => p.runId === 'l0').map((p) => p.step);
  // every 12th step (230 / 20, rounded up), and the last one: 21 points, not 230
  assert.deepEqual(l0, [...Array.from({ length: 20 }, (_, i) => i * 12), steps - 1]);
  // validations fall on reported steps, so none is lost
  assert.ok(points.filter((p) => p.runId === 'l0' && p.valLoss !== undefined).length >= 5);
  // no message without points
  assert.ok(messages.every((m) => m.message.type !== 'metrics' || m.message.points.length > 0));
  // the summary ends where the run ended
  const done = messages.find((m) => m.message.type === 'done')?.message;
  assert.ok(done?.type === 'done');
  assert.equal(done.summaries[0]!.final?.step, steps - 1);
});

test('runs sharing the batched model train exactly as they would alone', async () => {
  const loss = await lossFrom('test/fixtures/seed/example1_sum_to_one.py');
  const pointsOf = (messages: { message: TrainerToHost }[], runId: string): StepMetrics[] =>
    messages.flatMap((m) => (m.message.type === 'metrics' ? m.message.points.filter((p) => p.runId === runId) : []));
  const together = await trial(specFor(loss, { steps: 40 }));
  const alone = await trial(specFor(loss, { steps: 40, runs: [{ id: 'l0', label: 'λ = 0', lambda: 0 }] }));
  const a = pointsOf(together, 'l0');
  const b = pointsOf(alone, 'l0');
  assert.equal(a.length, 40);
  for (let i = 0; i < 40; i++) {
    assert.ok(Math.abs(a[i]!.total - b[i]!.total) <= 1e-4 * Math.max(1, Math.abs(b[i]!.total)), `step ${i}: ${a[i]!.total} vs ${b[i]!.total}`);
  }
  // and the λ = 10 run did something else
  const strict = pointsOf(together, 'l10');
  assert.notEqual(strict[39]!.total, a[39]!.total);
});

test('every step reports total, original, each term raw and weighted (= λ·P) and the violation', async () => {
  const loss = await lossFrom('test/fixtures/seed/example1_sum_to_one.py');
  const messages = await trial(specFor(loss, { steps: 10 }));
  const started = messages.find((m) => m.message.type === 'started')!.message;
  assert.ok(started.type === 'started');
  assert.equal(started.backend, 'wasm');
  assert.match(started.outputActivation, /^sigmoid: /);
  assert.deepEqual(
    started.terms.map((t) => [t.id, t.role, t.constraint]),
    [
      ['t0', 'base', undefined],
      ['t1', 'penalty', 'sum-to-one'],
    ],
  );
  const points = messages.flatMap((m) => (m.message.type === 'metrics' ? m.message.points : []));
  for (const p of points.filter((q) => q.runId === 'l10')) {
    const base = p.terms['t0']!;
    const pen = p.terms['t1']!;
    assert.ok(Math.abs(pen.weighted - 10 * pen.raw) < 1e-5 * Math.max(1, pen.raw));
    assert.ok(Math.abs(p.total - (base.weighted + pen.weighted)) < 1e-5 * Math.max(1, p.total));
    assert.equal(p.original, base.raw);
    // For this penalty the catalog's metric (mean |Σp − 1|) is the penalty itself.
    assert.ok(Math.abs(p.violations['t1']! - pen.raw) < 1e-5);
  }
  const done = messages.find((m) => m.message.type === 'done')!.message;
  assert.ok(done.type === 'done');
  for (const s of done.summaries) {
    assert.equal(s.steps, 10);
    assert.ok(s.stepsPerSecond > 0 && s.wallSeconds > 0);
    assert.ok(s.bestTotal !== null && s.bestTotal <= s.final!.total);
  }
});

test('a missing dataset file is a dataset error naming the file, before training', async () => {
  const loss = await lossFrom('test/fixtures/seed/example2_bounded_output.py');
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { dataset: { kind: 'file', path: '/nonexistent/data.csv' } }), { send: (m) => messages.push(m), shouldStop: () => false });
  const error = messages.find((m) => m.type === 'error');
  assert.ok(error && error.type === 'error');
  assert.equal(error.kind, 'dataset');
  assert.match(error.message, /dataset file not found: \/nonexistent\/data\.csv/);
  assert.ok(!messages.some((m) => m.type === 'started'));
});

test('several unsupported ops: the message names each with its line; the location is the first', async () => {
  await initParsers();
  const source = [
    'import tensorflow as tf',
    '',
    'def odd_loss(y_true, y_pred, lam=1.0):',
    '    mse = tf.keras.losses.mean_squared_error(y_true, y_pred)',
    '    a = tf.reduce_mean(tf.math.bessel_i0(y_pred))',
    '    b = tf.reduce_mean(tf.math.lgamma(y_pred))',
    '    return mse + lam * (a + b)',
  ].join('\n');
  const loss = analyzeSource(source, 'python', '/w/odd.py').models[0]!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss), { send: (m) => messages.push(m), shouldStop: () => false });
  const error = messages.find((m) => m.type === 'error');
  assert.ok(error && error.type === 'error');
  assert.equal(error.kind, 'unsupported-op');
  assert.equal(error.location?.line, 5);
  assert.match(error.message, /^odd_loss cannot be trained: line 5: `tf\.math\.bessel_i0` .*; line 6: `tf\.math\.lgamma` /);
});
