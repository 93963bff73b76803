// A loss that indexes the residual rather than the prediction (`r = y_true - y_pred; r[:, 1:, :, :] - r[:, :-1, :, :]`,
// the total variation of an image's error) reads the prediction's axes: the trial's data are images, not the flat
// outputs that made the trainer's own data fail with "too many indices (4) for a tensor of rank 2".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { lossSampleShape } from '../../../src/trainer/data';

test('indexing an elementwise combination of target and prediction shapes the data as images', async () => {
  await initParsers();
  const loss = analyzeSource(`import tensorflow as tf


def residual_tv_loss(y_true, y_pred):
    r = y_true - y_pred
    fit = tf.reduce_mean(tf.square(r))
    tv = tf.reduce_mean(tf.abs(r[:, 1:, :, :] - r[:, :-1, :, :]))
    return fit + 0.1 * tv
`, 'python', 'tv.py').models[0]!;
  const shape = lossSampleShape(loss, 4);
  assert.deepEqual(shape.shape, [6, 6, 3]);
  assert.match(shape.why ?? '', /^images \(N, H, W, C\).*`r\[:, 1:, :, :\]` \(line 7\)/);
});
