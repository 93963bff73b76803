// `loss-lab train` as a user types it: options, errors that say what is wrong, and the final table.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseTrainArgs } from '../../../src/cli/train';
import { root } from './helpers';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'train', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

test('options are parsed into the same settings the editor uses', () => {
  const args = parseTrainArgs(['loss.py', '--function', 'f', '--lambda', '0,0.5', '--steps=20', '--backend', 'cpu', '--json', '--hidden', '8,4']);
  assert.ok(args !== 'help');
  assert.equal(args.file, 'loss.py');
  assert.equal(args.fn, 'f');
  assert.equal(args.json, true);
  assert.deepEqual(args.settings.lambdas, [0, 0.5]);
  assert.equal(args.settings.steps, 20);
  assert.equal(args.settings.backend, 'cpu');
  assert.deepEqual(args.settings.hiddenLayers, [8, 4]);
  assert.equal(parseTrainArgs(['--help']), 'help');
  assert.throws(() => parseTrainArgs(['a.py', '--lambda', '1,x']), /--lambda takes comma-separated numbers, got '1,x'/);
  assert.throws(() => parseTrainArgs(['a.py', '--steps', '0']), /--steps takes a positive integer/);
  assert.throws(() => parseTrainArgs(['a.py', '--backend', 'gpu']), /--backend takes auto, tensorflow, wasm or cpu/);
  assert.throws(() => parseTrainArgs(['a.py', '--frobnicate']), /unknown option '--frobnicate'/);
  assert.throws(() => parseTrainArgs([]), /which file\?/);
});

test('a missing file and an unknown function are usage errors (exit 2) that say what is wrong', () => {
  const missing = cli('nope.py');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.py: no such file/);
  const unknown = cli('test/fixtures/seed/example1_sum_to_one.py', '--function', 'other');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no loss function named 'other' \(found: constrained_loss\)/);
});

test('a half-typed file with no loss says where it stops parsing, and a Markdown file is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loss-lab-cli-'));
  try {
    writeFileSync(join(dir, 'half.py'), 'import tensorflow as tf\n\ndef f(y_true, y_pred):\n    return tf.reduce_mean((y_true - y_pred\n');
    writeFileSync(join(dir, 'notes.md'), '# notes\n');
    const half = cli(join(dir, 'half.py'));
    assert.equal(half.status, 2);
    assert.match(half.stderr, /half\.py: no loss function found .*; the file has a syntax error at line 4$/m);
    const notes = cli(join(dir, 'notes.md'));
    assert.equal(notes.status, 2);
    assert.match(notes.stderr, /notes\.md: not a Python, TypeScript or JavaScript file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without --json: a summary table with one row per λ, the terms and the catalog violation', () => {
  const r = cli('test/fixtures/seed/example2_bounded_output.py', '--steps', '30', '--lambda', '0,1');
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /^bounded_loss \(.*example2_bounded_output\.py:3\)$/m);
  assert.match(out, /^backend: wasm — tfjs-node not installed/m);
  assert.match(out, /^output activation: linear: /m);
  assert.match(out, /run .*λ .*status .*total .*original .*P lower_penalty \+ upper_penalty .*fraction outside \[lo, hi\] .*val loss/);
  for (const label of ['λ = 0 ', 'λ = 1 ', 'λ = 10 (code)']) assert.ok(out.includes(label), `row ${label}`);
  assert.equal((out.match(/ completed /g) ?? []).length, 3);
  assert.match(out, /^done in \d+\.\d\d s$/m);
  assert.equal(r.stderr, '', 'no progress bar when stdout is not a terminal');
});

test('a Jupyter notebook: the loss in a cell trains, and the table and errors say notebook, cell and line', () => {
  const r = cli('sample-workspace/non_negative_outputs.ipynb', '--steps', '30', '--lambda', '0,10');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^non_negative_loss \(sample-workspace\/non_negative_outputs\.ipynb, cell 3, line 1\)$/m);
  assert.match(r.stdout, /^data: synthetic non-negative-regression: /m);
  assert.match(r.stdout, /fraction ŷ < −0\.01/);

  const dir = mkdtempSync(join(tmpdir(), 'loss-lab-cli-'));
  try {
    const code = (text: string) => ({ cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: text.split(/(?<=\n)/) });
    const odd = 'def odd_loss(y_true, y_pred, lam=0.5):\n    mse = tf.keras.losses.mean_squared_error(y_true, y_pred)\n    penalty = tf.reduce_mean(tf.math.bessel_i0(y_pred))\n    return mse + lam * penalty\n';
    writeFileSync(join(dir, 'odd.ipynb'), JSON.stringify({ cells: [code('import tensorflow as tf\n'), code(odd)], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    const failed = cli(join(dir, 'odd.ipynb'), '--steps', '10');
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /^error: .*odd\.ipynb, cell 2, line 3: odd_loss cannot be trained: `tf\.math\.bessel_i0` is not supported/m);
    writeFileSync(join(dir, 'broken.ipynb'), '{"cells": [');
    const broken = cli(join(dir, 'broken.ipynb'));
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /broken\.ipynb: not a notebook: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
