// The trainer process as the editor and the CLI use it (forked, Node IPC): it stops within a second, reports
// NaN, unsupported ops and its own crashes as `error` messages, and drops malformed messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost, TrialSpecInput } from '../../../src/protocol';
import { startTrainer, type TrainerSession } from '../../../src/trainer/session';
import { lossFrom, specFor, trainerSource } from './helpers';

interface Recorded {
  session: TrainerSession;
  messages: { at: number; message: TrainerToHost }[];
  /** Resolves with the first message that matches. */
  waitFor: (pred: (m: TrainerToHost) => boolean, timeoutMs?: number) => Promise<TrainerToHost>;
}

function launch(spec: TrialSpecInput): Recorded {
  const messages: Recorded['messages'] = [];
  const waiters: { pred: (m: TrainerToHost) => boolean; resolve: (m: TrainerToHost) => void }[] = [];
  const session = startTrainer(spec, {
    trainerPath: trainerSource,
    onMessage: (message) => {
      messages.push({ at: performance.now(), message });
      for (const w of [...waiters]) {
        if (w.pred(message)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(message);
        }
      }
    },
  });
  const waitFor = (pred: (m: TrainerToHost) => boolean, timeoutMs = 60_000) => {
    const seen = messages.find((m) => pred(m.message));
    if (seen) return Promise.resolve(seen.message);
    return new Promise<TrainerToHost>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; got ${messages.map((m) => m.message.type).join(', ')}`)), timeoutMs);
      waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  };
  return { session, messages, waitFor };
}

const long = async (): Promise<TrialSpecInput> => specFor(await lossFrom('test/fixtures/seed/example1_sum_to_one.py'), { steps: 1_000_000 });

test('a stop message ends training within 1 s, with the runs marked stopped', async () => {
  const t = launch(await long());
  await t.waitFor((m) => m.type === 'metrics');
  const asked = performance.now();
  t.session.stop();
  const done = await t.waitFor((m) => m.type === 'done');
  const exit = await t.session.exited;
  const took = performance.now() - asked;
  assert.ok(took < 1000, `stopped after ${took.toFixed(0)} ms`);
  assert.equal(exit.code, 0);
  assert.ok(done.type === 'done' && done.summaries.every((s) => s.status === 'stopped' && s.steps > 0));
});

test('SIGTERM ends the process within 1 s', async () => {
  const t = launch(await long());
  await t.waitFor((m) => m.type === 'metrics');
  const asked = performance.now();
  t.session.child.kill('SIGTERM');
  const exit = await t.session.exited;
  const took = performance.now() - asked;
  assert.ok(took < 1000, `exited after ${took.toFixed(0)} ms`);
  assert.equal(exit.code, 0);
  assert.ok(t.messages.some((m) => m.message.type === 'run-ended' && m.message.summary.status === 'stopped'));
});

test('NaN/Inf in a term stops that run and names the step, the term and its line; the other run completes', async () => {
  const loss = await lossFrom('test/fixtures/trainer/log_barrier.py');
  const t = launch(specFor(loss, { steps: 400, dataset: { kind: 'synthetic', task: 'regression', samples: 512, features: 8, outputs: 1 } }));
  const error = await t.waitFor((m) => m.type === 'error');
  const done = await t.waitFor((m) => m.type === 'done');
  assert.ok(error.type === 'error');
  assert.equal(error.kind, 'non-finite');
  assert.equal(error.fatal, false);
  assert.equal(error.runId, 'l10');
  assert.equal(error.term, 't1');
  assert.equal(error.location?.line, 7);
  assert.ok(typeof error.step === 'number' && error.step > 0);
  assert.match(error.message, new RegExp(`not finite at step ${error.step} in term t1 'log_barrier' \\(line 7\\)`));
  assert.ok(done.type === 'done');
  const byRun = new Map(done.summaries.map((s) => [s.runId, s]));
  assert.equal(byRun.get('l10')?.status, 'diverged');
  assert.equal(byRun.get('l0')?.status, 'completed');
  assert.equal(byRun.get('l0')?.steps, 400);
});

test('an unsupported op is reported with its name and line before training starts', async () => {
  const loss = await lossFrom('test/fixtures/trainer/unsupported_op.py');
  const t = launch(specFor(loss));
  const error = await t.waitFor((m) => m.type === 'error');
  await t.session.exited;
  assert.ok(error.type === 'error');
  assert.equal(error.kind, 'unsupported-op');
  assert.equal(error.fatal, true);
  assert.equal(error.op, 'tf.math.bessel_i0');
  assert.equal(error.location?.line, 6);
  assert.match(error.message, /^odd_loss cannot be trained: `tf\.math\.bessel_i0` is not supported/);
  assert.doesNotMatch(error.message, /line 6/, 'one op: its line is the location, not said twice');
  assert.ok(!t.messages.some((m) => m.message.type === 'started' || m.message.type === 'metrics'), 'nothing trained');
});

test('an exception inside the trainer arrives as an error message, then a non-zero exit', async () => {
  const good = await lossFrom('test/fixtures/seed/example1_sum_to_one.py');
  // Passes the protocol's top-level shape check, but a term has no expression: the trainer crashes on it.
  const broken = { ...good, terms: [{ ...good.terms[0]!, expr: null }] } as unknown as LossModel;
  const t = launch(specFor(broken));
  const error = await t.waitFor((m) => m.type === 'error');
  const exit = await t.session.exited;
  assert.ok(error.type === 'error');
  assert.equal(error.kind, 'internal');
  assert.equal(error.fatal, true);
  assert.match(error.message, /^the trainer failed: TypeError: /);
  assert.equal(exit.code, 1);
});

test('malformed messages are logged and dropped; the trainer goes on', async () => {
  const t = launch(await long());
  await t.waitFor((m) => m.type === 'metrics');
  t.session.sendRaw({ type: 'explode' });
  t.session.sendRaw({ type: 'start', spec: { steps: -1 } });
  t.session.sendRaw('not even an object');
  const warnings: TrainerToHost[] = [];
  for (let i = 0; i < 3; i++) {
    warnings.push(await t.waitFor((m) => m.type === 'log' && m.level === 'warn' && !warnings.includes(m)));
  }
  assert.ok(warnings.every((w) => w.type === 'log' && /dropped a malformed message from the host/.test(w.message)));
  // Still training: a metrics batch arrives after the last warning (waited for, not timed: CI machines are slow).
  const lastWarning = t.messages.findIndex((m) => m.message === warnings[2]);
  try {
    await t.waitFor((m) => m.type === 'metrics' && t.messages.findIndex((r) => r.message === m) > lastWarning);
  } catch (err) {
    t.session.kill();
    throw err;
  }
  t.session.stop();
  assert.equal((await t.session.exited).code, 0);
});
