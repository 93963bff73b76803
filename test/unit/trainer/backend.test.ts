import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findWasmDir, loadBackend } from '../../../src/trainer/backend';

test('auto falls back to wasm when tfjs-node is not installed, and says why', async () => {
  const { tf, name, reason } = await loadBackend('auto', { tfjsNodePaths: [mkdtempSync(join(tmpdir(), 'll-empty-'))] });
  assert.equal(name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.match(reason, /^tfjs-node not installed \(Cannot find module '@tensorflow\/tfjs-node'/);
  assert.match(reason, /; wasm \(/);
});

test('wasm really computes (a matMul and its gradient)', async () => {
  const { tf } = await loadBackend('wasm');
  const a = tf.tensor2d([[1, 2], [3, 4]]);
  const b = tf.tensor2d([[5, 6], [7, 8]]);
  assert.deepEqual(Array.from(tf.matMul(a, b).dataSync()), [19, 22, 43, 50]);
  const grad = tf.grad((x) => tf.sum(tf.square(x)))(a);
  assert.deepEqual(Array.from(grad.dataSync()), [2, 4, 6, 8]);
  assert.equal(tf.getBackend(), 'wasm');
});

test('an explicit cpu choice runs on cpu', async () => {
  const { tf, name, reason } = await loadBackend('cpu');
  assert.equal(name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.match(reason, /asked for/);
  assert.equal(tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0], 6);
});

test('a tfjs-node that is present but broken is reported with its error, then wasm runs', async () => {
  const root = mkdtempSync(join(tmpdir(), 'll-tfnode-'));
  const pkg = join(root, 'node_modules', '@tensorflow', 'tfjs-node');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', main: 'index.js' }));
  writeFileSync(join(pkg, 'index.js'), "throw new Error('libtensorflow.so.2: cannot open shared object file');\n");
  const { name, reason } = await loadBackend('auto', { trusted: true, tfjsNodePaths: [root] });
  assert.equal(name, 'wasm');
  assert.match(reason, /found at .*tfjs-node.* but failed to load: libtensorflow\.so\.2: cannot open shared object file/);
});

test('asking for the native backend when it is missing is a readable error', async () => {
  await assert.rejects(loadBackend('tensorflow', { tfjsNodePaths: [] }), /native backend was asked for but tfjs-node did not load: Cannot find module/);
});

test('a wasm folder without the files falls back to the package files', () => {
  const empty = mkdtempSync(join(tmpdir(), 'll-nowasm-'));
  const dir = findWasmDir(empty);
  assert.ok(dir && dir !== empty && dir.endsWith(join('tfjs-backend-wasm', 'dist')));
});
