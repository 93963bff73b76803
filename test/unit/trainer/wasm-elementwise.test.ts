// The wasm backend's element-wise float32 kernels written in JS (src/trainer/wasmElementwise.ts) give bit for bit
// what the wasm kernels they replace give, specials (±0, ±∞, NaN, subnormals, the largest floats) included, for
// same-shape operands and a single-element side, and leave every other case to the replaced kernel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { loadBackend, type Tf } from '../../../src/trainer/backend';

const specials = [0, -0, 1, -1, 1e-38, -1e-39, 1e-45, 3.4e38, -3.4e38, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 0.1, 1 / 3, 7e-8, 123456.789];

/** Deterministic floats over many magnitudes, specials first. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Float32Array.from({ length: n }, (_, i) => (i < specials.length ? specials[(i + seed) % specials.length]! : (next() - 0.5) * 10 ** Math.floor(next() * 16 - 8)));
}

type Config = { kernelFunc: KernelFunc; replaced?: KernelFunc };

/** The kernel's output and the replaced kernel's, as raw bits (NaN payloads aside). */
function both(tf: Tf, name: string, inputs: Record<string, TensorInfo>): { shape: number[]; got: Uint32Array; want: Uint32Array } {
  const config = tf.getKernel(name, 'wasm') as unknown as Config;
  assert.ok(config.replaced, `${name} is replaced on the wasm backend`);
  const backend = tf.backend();
  const run = (f: KernelFunc) => {
    const out = f({ inputs, backend, attrs: {} }) as TensorInfo;
    const data = Float32Array.from(backend.readSync(out.dataId) as Float32Array).map((v) => (Number.isNaN(v) ? Number.NaN : v));
    backend.disposeData(out.dataId);
    return { shape: out.shape, bits: new Uint32Array(data.buffer) };
  };
  const a = run(config.kernelFunc);
  const b = run(config.replaced!);
  assert.deepEqual(a.shape, b.shape, `${name}: shape`);
  return { shape: a.shape, got: a.bits, want: b.bits };
}

test('Add, Sub, Multiply, RealDiv: bit for bit the wasm kernels, same shapes and a single-element side', async () => {
  const { tf } = await loadBackend('wasm');
  const n = 640;
  const a = tf.tensor(values(n, 1), [64, 10]);
  const b = tf.tensor(values(n, 5), [64, 10]);
  const s = tf.scalar(0.37);
  const one = tf.tensor([-2.5e-3], [1, 1]);
  for (const name of ['Add', 'Sub', 'Multiply', 'RealDiv']) {
    for (const [x, y] of [[a, b], [a, s], [one, a], [s, s]] as const) {
      const { got, want, shape } = both(tf, name, { a: x, b: y });
      assert.deepEqual(got, want, `${name} of [${x.shape}] and [${y.shape}] → [${shape}]`);
    }
  }
  tf.dispose([a, b, s, one]);
});

test('Neg, Abs, Square, Sqrt: bit for bit the wasm kernels', async () => {
  const { tf } = await loadBackend('wasm');
  const x = tf.tensor(values(1000, 3), [100, 10]);
  for (const name of ['Neg', 'Abs', 'Square', 'Sqrt']) {
    const { got, want } = both(tf, name, { x });
    assert.deepEqual(got, want, name);
  }
  x.dispose();
});

test('broadcasting along an axis, int32 and large tensors go to the replaced kernel, with its results', async () => {
  const { tf } = await loadBackend('wasm');
  const a = tf.tensor(values(640, 2), [64, 10]);
  const row = tf.tensor(values(10, 4), [1, 10]);
  const column = tf.tensor(values(64, 6), [64, 1]);
  assert.deepEqual(Array.from(tf.add(a, row).dataSync()), Array.from(a.dataSync()).map((v, i) => Math.fround(v + row.dataSync()[i % 10]!)));
  assert.deepEqual(Array.from(tf.mul(a, column).dataSync()), Array.from(a.dataSync()).map((v, i) => Math.fround(v * column.dataSync()[Math.floor(i / 10)]!)));
  const ints = tf.tensor([7, -3, 9], [3], 'int32');
  const sum = tf.add(ints, tf.tensor([1, 2, 3], [3], 'int32'));
  assert.equal(sum.dtype, 'int32');
  assert.deepEqual(Array.from(sum.dataSync()), [8, -1, 12]);
  const big = tf.tensor(values(5000, 8));
  const { got, want } = both(tf, 'Multiply', { a: big, b: big });
  assert.deepEqual(got, want);
  tf.dispose([a, row, column, ints, sum, big]);
});
