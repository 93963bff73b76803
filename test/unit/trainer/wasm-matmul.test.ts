// The wasm backend's matrix products (src/trainer/wasmMatMul.ts), transposed or batched: the same products as the
// cpu backend's (to float32 rounding), their gradients too, and they leave no tensor behind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { loadBackend, type Tf } from '../../../src/trainer/backend';

type Case = { what: string; a: number[]; b: number[]; op: (tf: Tf, a: Tensor, b: Tensor) => Tensor };

const cases: Case[] = [
  { what: 'aᵀ·b, a Gram-like product of [6, 4] and [6, 5]', a: [6, 4], b: [6, 5], op: (tf, a, b) => tf.matMul(a, b, true, false) },
  { what: 'a·bᵀ of [3, 4] and [5, 4]', a: [3, 4], b: [5, 4], op: (tf, a, b) => tf.matMul(a, b, false, true) },
  { what: 'aᵀ·bᵀ of [4, 3] and [5, 4]', a: [4, 3], b: [5, 4], op: (tf, a, b) => tf.matMul(a, b, true, true) },
  { what: 'batched aᵀ·b of [2, 6, 3] and [2, 6, 4]', a: [2, 6, 3], b: [2, 6, 4], op: (tf, a, b) => tf.matMul(a, b, true, false) },
  { what: 'a batch of products [3, 4, 5] × [3, 5, 2]', a: [3, 4, 5], b: [3, 5, 2], op: (tf, a, b) => tf.matMul(a, b) },
  { what: 'a batch against one shared matrix [3, 4, 5] × [1, 5, 2]', a: [3, 4, 5], b: [1, 5, 2], op: (tf, a, b) => tf.matMul(a, b) },
  { what: 'a batch against one shared 2-D matrix [2, 3, 4, 5] × [5, 2]', a: [2, 3, 4, 5], b: [5, 2], op: (tf, a, b) => tf.matMul(a, b) },
  { what: 'one matrix against a batch [4, 5] × [3, 5, 2] (left to tfjs)', a: [4, 5], b: [3, 5, 2], op: (tf, a, b) => tf.matMul(a, b) },
  { what: 'a batch of transposed products [2, 5, 4]ᵀ × [2, 3, 5]ᵀ', a: [2, 5, 4], b: [2, 3, 5], op: (tf, a, b) => tf.matMul(a, b, true, true) },
  { what: 'fused a·bᵀ + bias, relu', a: [3, 4], b: [5, 4], op: (tf, a, b) => tf.fused.matMul({ a, b, transposeB: true, bias: tf.linspace(-1, 1, 5), activation: 'relu' }) },
  { what: 'the gradient of sum((aᵀ·b)²) with respect to a', a: [6, 4], b: [6, 5], op: (tf, a, b) => tf.grad((x: Tensor) => tf.sum(tf.square(tf.matMul(x, b, true, false))))(a) },
];

const values = (shape: number[], seed: number): number[] => Array.from({ length: shape.reduce((x, y) => x * y, 1) }, (_, i) => Math.sin(i * 1.7 + seed) * 2);

async function product(backend: 'wasm' | 'cpu', c: Case): Promise<{ shape: number[]; values: number[] }> {
  const { tf } = await loadBackend(backend);
  const a = tf.tensor(values(c.a, 1), c.a);
  const b = tf.tensor(values(c.b, 2), c.b);
  const out = c.op(tf, a, b);
  const result = { shape: out.shape, values: Array.from(out.dataSync()) };
  tf.dispose([a, b, out]);
  return result;
}

for (const c of cases) {
  test(`wasm ${c.what} = cpu`, async () => {
    const want = await product('cpu', c);
    const got = await product('wasm', c);
    assert.deepEqual(got.shape, want.shape);
    for (const [i, v] of got.values.entries()) assert.ok(Math.abs(v - want.values[i]!) <= 1e-5 * (1 + Math.abs(want.values[i]!)), `element ${i}: ${v} vs ${want.values[i]}`);
  });
}

test('the wasm backend runs these matrix products, and transposed and batched products leave no tensor behind', async () => {
  const { tf } = await loadBackend('wasm');
  for (const name of ['BatchMatMul', '_FusedMatMul']) assert.equal((tf.getKernel(name, 'wasm') as { lossLab?: boolean }).lossLab, true, name);
  const a = tf.ones([64, 32]);
  const batch = tf.ones([3, 8, 8]);
  const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  const before = { tensors: tf.memory().numTensors, data: dataIds() };
  for (let i = 0; i < 3; i++) tf.tidy(() => [tf.matMul(a, a, true, false).dataSync(), tf.matMul(batch, batch).dataSync()]);
  // the transposed copies live in the backend only: its count of data says whether they were freed
  assert.deepEqual({ tensors: tf.memory().numTensors, data: dataIds() }, before);
  tf.dispose([a, batch]);
});
