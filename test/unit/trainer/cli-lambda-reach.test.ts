// `loss-lab train --json --lambda 0,10` trains what each run's label names (issue 10): a wrapped literal weight
// (`torch.tensor(0.1) * p`) is replaced by each run's λ, and a weight no run can set (`10 ** -2 * p`) trains once,
// as the code's weights, with the header saying why instead of two runs labelled λ = 0 and λ = 10 training the same.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TrainerToHost } from '../../../src/protocol';
import { root } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'loss-lab-reach-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const source = (weighted: string) => `import torch
import torch.nn.functional as F

def objective(pred, target):
    mse = F.mse_loss(pred, target)
    below = torch.relu(-pred).mean()
    return mse + ${weighted}
`;

function trainJson(name: string, weighted: string): TrainerToHost[] {
  const file = join(dir, name);
  writeFileSync(file, source(weighted));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'train', file, '--json', '--lambda', '0,10', '--steps', '15', '--backend', 'wasm'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as TrainerToHost);
}

type Done = Extract<TrainerToHost, { type: 'done' }>;
type Started = Extract<TrainerToHost, { type: 'started' }>;

test('torch.tensor(0.1) * p: the λ = 0 run adds no penalty, the λ = 10 run adds 10·p', () => {
  const messages = trainJson('wrapped.py', 'torch.tensor(0.1) * below');
  const done = messages.find((m): m is Done => m.type === 'done');
  assert.ok(done);
  const final = (lambda: number) => done.summaries.find((s) => s.lambda === lambda)?.final;
  const zero = final(0);
  const ten = final(10);
  assert.ok(zero && ten);
  assert.equal(zero.terms.t1?.weighted, 0);
  assert.equal(zero.total, zero.original);
  const ratio = ten.terms.t1!.weighted / ten.terms.t1!.raw;
  assert.ok(Math.abs(ratio - 10) < 1e-4, `λ = 10 weights p by ${ratio}`);
  assert.deepEqual(done.summaries.map((s) => s.lambda), [0, 0.1, 10], "the code's λ (0.1) runs too");
});

test('10 ** -2 * p: one run with the code\'s weights, and the header says no run can set the weight and what to do', () => {
  const messages = trainJson('unset.py', '10 ** -2 * below');
  const started = messages.find((m): m is Started => m.type === 'started');
  assert.ok(started);
  assert.deepEqual(started.runs.map((r) => r.label), ["the code's weights (λ cannot be set)"]);
  assert.match(started.trial?.model ?? '', /one run, with the code's weights: a run's λ cannot set the weight of its penalty 'below' \(line 7\) weighted by `10 \*\* -2`/);
  assert.match(started.trial?.model ?? '', /write the weight as a number or a parameter to compare λs/);
  const done = messages.find((m): m is Done => m.type === 'done');
  assert.equal(done?.summaries.length, 1);
  const t1 = done!.summaries[0]!.final!.terms.t1!;
  assert.ok(Math.abs(t1.weighted / t1.raw - 0.01) < 1e-6, "the code's weight, 0.01, is what trains");
});

test('loss-lab sweep on 10 ** -2 * p is refused in one sentence naming the penalty, its line and what to do', () => {
  const file = join(dir, 'unset_sweep.py');
  writeFileSync(file, source('10 ** -2 * below'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'sweep', file, '--steps', '15'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 1);
  assert.match(r.stdout + r.stderr, /unset_sweep\.py:7: Sweep λ cannot compare λs for objective: a run's λ cannot set the weight of its penalty 'below' \(line 7\)/);
});
