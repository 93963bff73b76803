// `tf.scalar(t.arraySync())`, `tf.tensor(t.dataSync())`: the values copied out to JS and made a tensor again are the
// same numbers with no gradient, as in TF.js. Interpreted so (not refused as "not supported"), the trial shows the
// penalty's curve and that it never moves: what the code does.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { cpu, tf } from './tf';

before(async () => {
  await initParsers();
  await cpu();
});

test('arraySync and dataSync copy the values and cut the gradient', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
export function copied(yTrue, yPred) {
  const fit = tf.mean(tf.square(tf.sub(yTrue, yPred)));
  const scale = tf.scalar(tf.mean(yPred).arraySync());
  const flat = tf.tensor(yPred.dataSync());
  return tf.add(fit, tf.mul(0.1, tf.add(scale, tf.sum(flat))));
}
`;
  const loss = analyzeSource(source, 'javascript', 'c.js').models.find((m) => m.name === 'copied')!;
  assert.deepEqual(findUnsupported(loss).map((u) => u.op), []);
  const compiled = compileLoss(tf, loss, {});
  const yTrue = tf.zeros([2, 2]);
  const yPred = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  // fit = 7.5; scale = 2.5; Σ flat = 10 → 7.5 + 0.1 · 12.5
  assert.ok(Math.abs(compiled(yTrue, yPred).total.dataSync()[0]! - 8.75) < 1e-5);
  // the gradient is the fit's alone: 2 (p − y) / 4
  const [g] = tf.grads((p) => compiled(yTrue, p).total)([yPred]);
  assert.deepEqual(Array.from(g!.dataSync()), [0.5, 1, 1.5, 2]);
});
