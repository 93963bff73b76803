// The wasm backend's own kernels (src/trainer/wasmKernels.ts): slices, unstacks and splits, contiguous or not,
// give the same values and shapes as the cpu backend; a clone shares its data safely; they are the kernels the
// wasm backend runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { loadBackend, type Tf } from '../../../src/trainer/backend';

type Case = { what: string; shape: number[]; op: (tf: Tf, x: Tensor) => Tensor | Tensor[] };

const cases: Case[] = [
  { what: 'unstack axis 0 of [8, 6, 5]', shape: [8, 6, 5], op: (tf, x) => tf.unstack(x) },
  { what: 'unstack axis 1 of [1, 4, 3]', shape: [1, 4, 3], op: (tf, x) => tf.unstack(x, 1) },
  { what: 'unstack axis 1 of [3, 4, 2] (not contiguous)', shape: [3, 4, 2], op: (tf, x) => tf.unstack(x, 1) },
  { what: 'unstack axis -1 of [2, 3]', shape: [2, 3], op: (tf, x) => tf.unstack(x, -1) },
  { what: 'split [3, 2, 5] of a vector', shape: [10], op: (tf, x) => tf.split(x, [3, 2, 5]) },
  { what: 'split in 4 along axis 0 of [8, 3]', shape: [8, 3], op: (tf, x) => tf.split(x, 4) },
  { what: 'split [2, -1] along axis 0', shape: [7, 2], op: (tf, x) => tf.split(x, [2, -1]) },
  { what: 'split along axis 1 (not contiguous)', shape: [3, 6], op: (tf, x) => tf.split(x, [2, 4], 1) },
  { what: 'slice rows 2..5 of [8, 4]', shape: [8, 4], op: (tf, x) => tf.slice(x, [2, 0], [3, -1]) },
  { what: 'slice y[:, 1:] (not contiguous)', shape: [5, 4], op: (tf, x) => tf.slice(x, [0, 1], [-1, -1]) },
  { what: 'slice run 3 of [6, 2, 3]', shape: [6, 2, 3], op: (tf, x) => tf.slice(x, [3, 0, 0], [1, -1, -1]) },
  { what: 'slice inside one row of [1, 4, 5]', shape: [1, 4, 5], op: (tf, x) => tf.slice(x, [0, 2, 1], [1, 1, 3]) },
  { what: 'slice with a number begin', shape: [6, 2], op: (tf, x) => tf.slice(x, 4) },
  { what: 'slice x[..., 2] of an image batch [2, 3, 4, 5] (rows of one element)', shape: [2, 3, 4, 5], op: (tf, x) => tf.slice(x, [0, 0, 0, 2], [-1, -1, -1, 1]) },
  { what: 'slice x[:, :, 1:, :] of [2, 3, 4, 5]', shape: [2, 3, 4, 5], op: (tf, x) => tf.slice(x, [0, 0, 1, 0], [-1, -1, -1, -1]) },
  { what: 'slice a window of [3, 4, 5]', shape: [3, 4, 5], op: (tf, x) => tf.slice(x, [1, 1, 2], [2, 2, 2]) },
  { what: 'slice a window of a rank-5 tensor', shape: [2, 2, 3, 2, 4], op: (tf, x) => tf.slice(x, [0, 1, 1, 0, 1], [2, 1, 2, 2, 2]) },
  { what: 'slice x[1:3, 2:38] of [4, 40] (rows copied as blocks)', shape: [4, 40], op: (tf, x) => tf.slice(x, [1, 2], [2, 36]) },
  { what: 'empty slice', shape: [4, 3], op: (tf, x) => tf.slice(x, [1, 0], [0, 3]) },
];

async function outputs(backend: 'wasm' | 'cpu', c: Case, dtype: 'float32' | 'int32'): Promise<Array<{ shape: number[]; values: number[] }>> {
  const { tf } = await loadBackend(backend);
  const n = c.shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(Array.from({ length: n }, (_, i) => (dtype === 'int32' ? i * 3 - 7 : i * 0.5 - 3.25)), c.shape, dtype);
  const out = c.op(tf, x);
  const list = Array.isArray(out) ? out : [out];
  const result = list.map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
  tf.dispose([x, ...list]);
  return result;
}

for (const c of cases) {
  for (const dtype of ['float32', 'int32'] as const) {
    test(`wasm ${c.what} (${dtype}) = cpu`, async () => {
      const want = await outputs('cpu', c, dtype);
      const got = await outputs('wasm', c, dtype);
      assert.deepEqual(got, want);
    });
  }
}

test('the wasm backend runs these kernels, and the tensor count does not grow', async () => {
  const { tf } = await loadBackend('wasm');
  for (const name of ['Identity', 'Slice', 'Unpack', 'SplitV']) assert.equal((tf.getKernel(name, 'wasm') as { lossLab?: boolean }).lossLab, true, name);
  const x = tf.ones([8, 64, 64]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) tf.tidy(() => {
    tf.unstack(x);
  });
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

test('a wasm clone shares its data and outlives its source; the memory is freed with the last of them', async () => {
  const { tf } = await loadBackend('wasm');
  const buffers = () => tf.memory().numDataBuffers;
  const before = buffers();
  const x = tf.tensor([1, 2, 3, 4], [2, 2]);
  const copies = [tf.clone(x), tf.clone(x)];
  assert.equal(buffers() - before, 1, 'one buffer for the three tensors');
  x.dispose();
  assert.deepEqual(Array.from(copies[0]!.dataSync()), [1, 2, 3, 4]);
  // A new tensor must not land on the shared buffer while a clone still holds it.
  const other = tf.tensor([9, 9, 9, 9], [2, 2]);
  copies[0]!.dispose();
  assert.deepEqual(Array.from(copies[1]!.dataSync()), [1, 2, 3, 4]);
  copies[1]!.dispose();
  other.dispose();
  assert.equal(buffers(), before);
});
