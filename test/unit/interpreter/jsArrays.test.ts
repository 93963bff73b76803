// Plain JS arrays around TF.js tensors, as losses build masks, ramps and labels: `Array(n).fill(…).map((_, i) => …)`,
// `Array.from({ length: n }, (_, i) => …)`, `new Array(n)`, `.flat()`, `.reduce(…)`. Read by the TypeScript front end,
// evaluated against hand-computed values.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

function only(source: string): LossModel {
  const a = analyzeSource(source, 'javascript', 'loss.js');
  assert.equal(a.models.length, 1, JSON.stringify(a.syntaxErrors));
  assert.deepEqual(findUnsupported(a.models[0]), []);
  return a.models[0];
}

const yTrue = [[0, 1, 0, 1], [1, 1, 0, 0]];
const yPred = [[0.5, 0.2, 0.1, 0.9], [0.3, 0.8, 0.4, 0.6]];
const mse = yTrue.flat().reduce((s, t, k) => s + (t - yPred.flat()[k]) ** 2, 0) / 8;

describe('JS arrays in a TF.js loss', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('a ramp mask from Array(h).fill(Array(w).fill(0).map((_, i) => i / w)).flat() weights the prediction', () => {
    const model = only(`const tf = require('@tensorflow/tfjs');
function rampLoss(yTrue, yPred) {
  const [h, w] = yPred.shape;
  const ramp = tf.tensor2d(Array(h).fill(Array(w).fill(0).map((_, i) => i / w)).flat(), [h, w]);
  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.mean(tf.mul(yPred, ramp)).mul(0.5));
}
`);
    const ramp = [0, 0.25, 0.5, 0.75];
    const penalty = yPred.flat().reduce((s, p, k) => s + p * ramp[k % 4], 0) / 8;
    close(run(model, yTrue, yPred).total, mse + 0.5 * penalty, 1e-5, 'mse + 0.5 · mean(pred · ramp)');
  });

  it('Array.from({ length: n }, …), new Array(n).fill(v) and reduce with a start value are read as JS computes them', () => {
    const model = only(`import * as tf from '@tensorflow/tfjs';
export function indexedLoss(yTrue, yPred) {
  const n = yPred.shape[1];
  const idx = tf.tensor1d(Array.from({ length: n }, (_, i) => i));
  const ones = new Array(n).fill(1);
  const count = ones.reduce((acc, v) => acc + v, 0);
  const centre = tf.sum(tf.mul(yPred, idx), 1).div(count);
  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.mean(tf.square(centre)).mul(0.1));
}
`);
    const centres = yPred.map((row) => row.reduce((s, p, i) => s + p * i, 0) / 4);
    const penalty = centres.reduce((s, c) => s + c * c, 0) / 2;
    close(run(model, yTrue, yPred).total, mse + 0.1 * penalty, 1e-5, 'mse + 0.1 · mean(centre²)');
  });
});
