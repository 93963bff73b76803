// `const [, h, w] = img.shape` binds h to the shape's item 1 and w to item 2: a hole takes a place. Read as items 0
// and 1 before, an edge loss sliced its images by the batch size instead of their height — a wrong function that
// only failed when the batch outgrew the image (found on a TF.js inpainting loss).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { compileLoss } from '../../../src/trainer/interpreter';
import { cpu, tf } from './tf';

before(async () => {
  await initParsers();
  await cpu();
});

test('a destructuring hole takes its place: `[, h, w] = x.shape` reads items 1 and 2', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
export function heightLoss(yTrue, yPred) {
  const [, h, w] = yPred.shape;
  const [first, , third] = [10, 20, 30];
  return tf.add(tf.mean(tf.square(tf.sub(yTrue, yPred))), tf.scalar(h * 100 + w + first + third));
}
`;
  const loss = analyzeSource(source, 'javascript', 'h.js').models.find((m) => m.name === 'heightLoss')!;
  const compiled = compileLoss(tf, loss, {});
  const zeros = tf.zeros([2, 5, 7]);
  // h = 5, w = 7 (not the batch 2 and 5); first = 10, third = 30
  assert.equal(compiled(zeros, zeros).total.dataSync()[0], 5 * 100 + 7 + 10 + 30);
});
