// `loss-lab train` on each of the seed article's three examples, as a user runs it (the CLI, JSON Lines): it
// trains every run to the end, and with λ = 10 the constraint is clearly better kept than with λ = 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { TrainerToHost } from '../../../src/protocol';
import { root } from './helpers';

const examples = [
  { file: 'example1_sum_to_one.py', constraint: 'sum-to-one' },
  { file: 'example2_bounded_output.py', constraint: 'bounds' },
  { file: 'example3_sparsity.py', constraint: 'output-sparsity' },
];

/** Runs the CLI; the three examples train at the same time (each test awaits its own). */
function train(file: string): Promise<TrainerToHost[]> {
  const args = ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'train', join(root, 'test/fixtures/seed', file), '--json', '--lambda', '0,10', '--steps', '300'];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`loss-lab train ${file} exited ${code}: ${stderr}`));
      else resolve(stdout.trim().split('\n').map((line) => TrainerToHost.parse(JSON.parse(line))));
    });
  });
}

const trained = new Map(examples.map(({ file }) => [file, train(file)]));

for (const { file, constraint } of examples) {
  test(`loss-lab train ${file}: λ = 10 keeps the ${constraint} constraint clearly better than λ = 0`, async () => {
    const messages = await trained.get(file)!;
    const started = messages.find((m) => m.type === 'started');
    assert.ok(started && started.type === 'started');
    const penalty = started.terms.find((t) => t.role === 'penalty');
    assert.equal(penalty?.constraint, constraint);
    const done = messages.find((m) => m.type === 'done');
    assert.ok(done && done.type === 'done', 'a done message with the summaries');
    const byLambda = new Map(done.summaries.map((s) => [s.lambda, s]));
    const free = byLambda.get(0)!;
    const strict = byLambda.get(10)!;
    for (const s of [free, strict]) {
      assert.equal(s.status, 'completed');
      assert.equal(s.steps, 300);
    }
    const id = penalty!.id;
    const violation = (s: typeof free) => s.final!.violations[id]!;
    const raw = (s: typeof free) => s.final!.terms[id]!.raw;
    // The readable violation (the catalog's metric) drops by at least 30%, the penalty itself tenfold.
    assert.ok(violation(strict) < 0.7 * violation(free), `violation λ=10 ${violation(strict)} vs λ=0 ${violation(free)}`);
    assert.ok(raw(strict) < 0.1 * raw(free), `penalty λ=10 ${raw(strict)} vs λ=0 ${raw(free)}`);
    // Every step was measured and streamed, with validation losses along the way.
    const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
    assert.equal(points.filter((p) => p.runId === strict.runId).length, 300);
    assert.ok(points.some((p) => p.valLoss !== undefined));
  });
}
