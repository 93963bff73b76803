// `loss-lab sweep` as a user types it: the table, the front and a feasible recommendation on the seed's
// sum-to-one example, and --write putting that λ into the file (only the λ literal changes).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSweepArgs } from '../../../src/cli/sweep';
import { root } from './helpers';

/** Async, so the test runner's other files keep running while the trainer trains. */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'sweep', ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => done({ status, stdout, stderr }));
  });
}

test('options: auto or a list of λ, a tolerance, --write and --json', () => {
  const a = parseSweepArgs(['loss.py', '--lambdas', '0,0.5,2', '--tolerance=0.05', '--write', '--json', '--count', '5']);
  assert.ok(a !== 'help');
  assert.deepEqual([a.lambdas, a.tolerance, a.write, a.json, a.count], [[0, 0.5, 2], 0.05, true, true, 5]);
  const auto = parseSweepArgs(['loss.py', '--lambdas', 'auto']);
  assert.ok(auto !== 'help' && auto.lambdas === undefined && auto.count === 9 && auto.decades === 4);
  assert.throws(() => parseSweepArgs(['a.py', '--lambdas', '1,-2']), /--lambdas takes auto or comma-separated λ ≥ 0/);
  assert.throws(() => parseSweepArgs(['a.py', '--tolerance', 'x']), /--tolerance takes a number ≥ 0/);
  assert.throws(() => parseSweepArgs([]), /which file\?/);
});

test('a loss with no penalty has no λ to choose (exit 2)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
  try {
    const file = join(dir, 'plain.py');
    require('node:fs').writeFileSync(file, 'import tensorflow as tf\n\ndef plain(y_true, y_pred):\n    return tf.keras.losses.mse(y_true, y_pred)\n');
    const r = await cli(file);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /plain has no penalty term: there is no λ to choose/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on the seed sum-to-one example: a grid around |L|/|P|, a front, a feasible λ, written into the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
  try {
    const file = join(dir, 'example1.py');
    copyFileSync(join(root, 'test/fixtures/seed/example1_sum_to_one.py'), file);
    const before = readFileSync(file, 'utf8');
    const r = await cli(file, '--steps', '200', '--count', '5', '--backend', 'wasm', '--write', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.match(out.grid.reason, /\|L\| \/ \|P\|/);
    assert.ok(out.runs.length >= 6, `${out.runs.length} runs`); // 5 spaced + 0 + the code's λ
    assert.ok(out.front.length >= 1);
    assert.equal(out.recommendation.feasible, true);
    const rec = out.runs.find((x: { runId: string }) => x.runId === out.recommendation.runId);
    assert.ok(rec.feasible && rec.constraints[0].finalViolation <= 0.01);
    assert.equal(out.written.ok, true, out.written.message);
    const after = readFileSync(file, 'utf8');
    const changed = before.split('\n').flatMap((l, i) => (l === after.split('\n')[i] ? [] : [[l, after.split('\n')[i]]]));
    assert.equal(changed.length, 1);
    assert.match(changed[0]![1]!, new RegExp(`lambda_param=${String(out.recommendation.lambda).replace('.', '\\.')}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
