// `loss-lab sweep` on a loss with two penalty λs, as a user types it: each λ swept around the code's values (the
// other held), the recommendation naming both, --write putting both into the signature; --grid over the two;
// --penalty naming a λ the loss does not have.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSweepArgs } from '../../../src/cli/sweep';
import { root } from './helpers';

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

/** A copy of the two-penalty fixture in a fresh folder, removed after `body`. */
async function withCopy(body: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sweep2-'));
  try {
    const file = join(dir, 'two_penalties.py');
    copyFileSync(join(root, 'test/fixtures/sweep2/two_penalties.py'), file);
    await body(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('options: --penalty (repeatable) and --grid', () => {
  const a = parseSweepArgs(['loss.py', '--penalty', 'lam_sum', '--penalty=lam_box', '--grid']);
  assert.ok(a !== 'help');
  assert.deepEqual([a.penalties, a.grid], [['lam_sum', 'lam_box'], true]);
});

test('one λ at a time: both swept around the code values, both named in the answer and written by --write', async () => {
  await withCopy(async (file) => {
    const r = await cli(file, '--steps', '150', '--count', '3', '--backend', 'wasm', '--write', '--json');
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.grid.mode, 'oneAtATime');
    assert.deepEqual(out.penalties.map((p: { label: string }) => p.label), ['lam_sum', 'lam_box']);
    // every run moves one λ away from the code's values (lam_sum = 0.1, lam_box = 1) or none
    for (const run of out.runs) assert.ok(run.lambdas.lam_sum === 0.1 || run.lambdas.lam_box === 1, JSON.stringify(run.lambdas));
    assert.ok(out.runs.some((x: { lambdas: Record<string, number> }) => x.lambdas.lam_sum === 0));
    assert.ok(out.runs.some((x: { lambdas: Record<string, number> }) => x.lambdas.lam_box === 0));
    const rec = out.recommendation;
    assert.deepEqual(rec.lambdas.map((l: { id: string }) => l.id), ['lam_sum', 'lam_box']);
    const [sum, box] = rec.lambdas.map((l: { value: number }) => l.value);
    const signature = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('def simplex_box_loss'))!;
    // The trial's output is linear (a sigmoid would meet the [0, 1] bound by construction), so whether one λ moved at
    // a time meets both constraints depends on the runs: either way the answer, the exit code and the file agree.
    if (rec.feasible) {
      assert.equal(r.status, 0);
      assert.match(rec.headline, /^Use lam_sum = [\d.e-]+, lam_box = [\d.e-]+: feasible/);
      assert.equal(out.written.ok, true, out.written.message);
      assert.equal(signature, `def simplex_box_loss(y_true, y_pred, lam_sum=${Number.isInteger(sum) ? `${sum}.0` : sum}, lam_box=${Number.isInteger(box) ? `${box}.0` : box}):`);
    } else {
      assert.equal(r.status, 1);
      assert.match(rec.headline, /^No λ met 'sum_penalty' \(ε = [\d.e-]+\) and 'box_penalty' \(ε = [\d.e-]+\): lam_sum = [\d.e-]+, lam_box = [\d.e-]+ came closest/);
      assert.ok(rec.tryNext.some((t: string) => /^a larger lam_(sum|box) for '(sum|box)_penalty'/.test(t)), rec.tryNext.join('; '));
      assert.equal(out.written.ok, false);
      assert.match(out.written.message, /^not written: no λ met the constraints/);
      assert.equal(signature, 'def simplex_box_loss(y_true, y_pred, lam_sum=0.1, lam_box=1.0):', 'the file is unchanged');
    }
  });
});

test('--grid over the two λs: the table has a column per λ and a front per constraint', async () => {
  await withCopy(async (file) => {
    const r = await cli(file, '--steps', '20', '--lambdas', '0,1', '--grid', '--backend', 'wasm');
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assert.match(r.stdout, /: 5 runs\n/); // (0,0) (0,1) (1,0) (1,1) and the code's (0.1, 1)
    assert.match(r.stdout, /^lam_sum +lam_box +val base loss/m);
    assert.match(r.stdout, /^0\.1 +1 +\d/m);
    assert.match(r.stdout, /Front per constraint/);
    assert.match(r.stdout, /(Use|No λ met .*:) lam_sum = [\d.]+, lam_box = [\d.]+/);
  });
});

test('--penalty with a name the loss does not have says which it has (exit 2)', async () => {
  await withCopy(async (file) => {
    const r = await cli(file, '--penalty', 'lam');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no penalty λ named 'lam' \(the loss has lam_sum, lam_box\)/);
  });
});
