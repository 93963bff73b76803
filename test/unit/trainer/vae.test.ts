// The trial VAE (model/vae.ts) against PyTorch's autograd (golden numbers from scripts/golden/torch_trial_model.py,
// in test/golden/torch-trial-model.json): with the same weights, batch and noise ε, its outputs and head
// [mu | logvar] and sample z are torch's, and its hand-written backward pass, fed the gradients the loop's tape gives
// (the outputs' and [mu | logvar | z]'s, for reconstruction + β·KL + γ·mean(z²)), gives torch's gradient of every
// kernel and bias.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Scalar, Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { BatchedVae } from '../../../src/trainer/model/vae';
import { cpu, tf } from '../interpreter/tf';
import { root } from './helpers';

interface VaeGolden {
  sizes: { batch: number; inputs: number; hidden: number; latent: number; outputs: number };
  beta: number;
  gamma: number;
  kernels: number[][][];
  biases: number[][];
  x: number[][];
  eps: number[][];
  out: number[][];
  head: number[][];
  z: number[][];
  loss: number;
  kernelGrads: number[][][];
  biasGrads: number[][];
}

const golden = JSON.parse(readFileSync(join(root, 'test', 'golden', 'torch-trial-model.json'), 'utf8')) as { torch: string; vae: VaeGolden };
const g = golden.vae;

function assertClose(got: Tensor, want: number[] | number[][], what: string, tol = 1e-4): void {
  const flat = (want as number[]).flat(2) as number[];
  const a = got.dataSync();
  assert.equal(a.length, flat.length, `${what}: size`);
  const scale = Math.max(1, ...flat.map(Math.abs));
  assert.ok(flat.some((v) => v !== 0), `${what}: an all-zero reference tests nothing`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - flat[i]!) <= tol * scale, `${what}[${i}]: ${a[i]} vs torch ${flat[i]}`);
}

function goldenVae(runs = 1): BatchedVae {
  const { inputs, hidden, latent, outputs } = g.sizes;
  const model = new BatchedVae(tf, {
    runs,
    inputs,
    hidden: [hidden],
    outputs,
    latent,
    activation: 'linear',
    seed: 3,
    noise: ([K]) => tf.tile(tf.tensor3d([g.eps]), [K, 1, 1]) as Tensor3D,
  });
  for (const [l, w] of model.kernels.entries()) w.assign(tf.tile(tf.tensor3d([g.kernels[l]!]), [runs, 1, 1]));
  for (const [l, b] of model.biases.entries()) b.assign(tf.tile(tf.tensor2d([g.biases[l]!]), [runs, 1]));
  return model;
}

before(cpu);

test(`VAE forward: outputs, head [mu | logvar] and sample z are torch ${golden.torch}'s for the same weights and ε`, () => {
  const model = goldenVae();
  const d = g.sizes.latent;
  const forward = model.logits(tf.tensor2d(g.x) as Tensor2D);
  assertClose(forward.logits, g.out, 'outputs');
  const last = model.lastHidden(forward.cache)!;
  assertClose(tf.slice(last, [0, 0, 0], [-1, -1, 2 * d]), g.head, 'head');
  assertClose(tf.slice(last, [0, 0, 2 * d], [-1, -1, d]), g.z, 'z');
  model.dispose();
});

test('VAE backward: reconstruction + β·KL + γ·mean(z²) gives torch autograd\'s gradient of every kernel and bias, for each of 2 runs', () => {
  const runs = 2;
  const model = goldenVae(runs);
  const x = tf.tensor2d(g.x) as Tensor2D;
  const d = g.sizes.latent;
  const forward = model.logits(x);
  const head = model.lastHidden(forward.cache)!;
  // What the loop's tape gives: the loss's gradient with respect to the outputs and to [mu | logvar | z], which it reads.
  const loss = (out: Tensor, h: Tensor): Scalar => {
    const mu = tf.slice(h, [0, 0], [-1, d]);
    const logvar = tf.slice(h, [0, d], [-1, d]);
    const z = tf.slice(h, [0, 2 * d], [-1, d]);
    const kl = tf.mean(tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar)), 1)));
    return tf.addN([tf.mean(tf.square(tf.sub(out, x))), tf.mul(g.beta, kl), tf.mul(g.gamma, tf.mean(tf.square(z)))]) as Scalar;
  };
  const perRun = forward.runs().map((out, k) => {
    const hk = tf.reshape(tf.slice(head, [k, 0, 0], [1, -1, -1]), [g.sizes.batch, -1]);
    const { value, grads } = tf.valueAndGrads(loss)([out, hk]);
    return { value: value.dataSync()[0]!, dOut: grads[0]!, dHead: grads[1]! };
  });
  for (const r of perRun) assert.ok(Math.abs(r.value - g.loss) <= 1e-5 * Math.max(1, Math.abs(g.loss)), `loss ${r.value} vs torch ${g.loss}`);
  const grads = model.backward(forward.cache, tf.stack(perRun.map((r) => r.dOut)), tf.stack(perRun.map((r) => r.dHead)));
  const L = model.kernels.length;
  for (let k = 0; k < runs; k++) {
    const part = (t: Tensor) => tf.slice(t, [k, ...t.shape.slice(1).map(() => 0)], [1, ...t.shape.slice(1).map(() => -1)]);
    for (let l = 0; l < L; l++) {
      assertClose(part(grads[l]!), g.kernelGrads[l]!, `run ${k}: kernel ${l} gradient`);
      assertClose(part(grads[L + l]!), g.biasGrads[l]!, `run ${k}: bias ${l} gradient`);
    }
  }
  model.dispose();
});

test('VAE noise is drawn afresh at every forward pass, and the same for the same seed', () => {
  const make = () => new BatchedVae(tf, { runs: 1, inputs: 3, hidden: [5], outputs: 3, latent: 2, activation: 'linear', seed: 9 });
  const [a, b] = [make(), make()];
  const x = tf.ones([4, 3]) as Tensor2D;
  const first = a.forward(x).dataSync();
  const second = a.forward(x).dataSync();
  assert.notDeepEqual(Array.from(first), Array.from(second), 'a second pass samples another z');
  assert.deepEqual(Array.from(b.forward(x).dataSync()), Array.from(first), 'the same seed gives the same draws');
  a.dispose();
  b.dispose();
});
