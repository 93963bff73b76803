// A Keras `Lambda(f)` layer applied to a tensor inside a loss (`Lambda(lambda x: x[:, :, 0])(y_pred)`) is f of that
// tensor: the analysis reads the lambda's body with its parameter bound, so shapes, rules and the trainer see the
// slice itself. Values against closed forms computed here.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

// (batch 2, steps 2, channels 2): channel 0 an activation, channel 1 a duration
const yTrue = [[[1, 2], [0, 3]], [[1, 1], [1, 4]]];
const yPred = [[[0.5, 1], [0.5, 2]], [[1, 2], [0, 5]]];
const channel = (t: number[][][], c: number) => t.flatMap((s) => s.map((step) => step[c]!));
const meanSq = (a: number[], b: number[]) => a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0) / a.length;

const source = (imports: string, layer: string) => `import tensorflow as tf
${imports}


def split_loss(y_true, y_pred, w=0.5):
    act_t = ${layer}(lambda x: x[:, :, 0])(y_true)
    act_p = ${layer}(lambda x: x[:, :, 0])(y_pred)
    dur_t = ${layer}(lambda t: t[:, :, 1])(y_true)
    dur_p = ${layer}(lambda t: t[:, :, 1])(y_pred)
    return tf.reduce_mean(tf.square(act_t - act_p)) + w * tf.reduce_mean(tf.square(dur_t - dur_p))
`;

before(async () => {
  await initParsers();
  await cpu();
});

test('`Lambda(lambda x: x[:, :, 0])(t)` is the slice: each spelling of the layer, the two terms split and computed', () => {
  const spellings: [string, string][] = [
    ['Lambda = tf.keras.layers.Lambda', 'Lambda'],
    ['from tensorflow.keras.layers import Lambda', 'Lambda'],
    ['from tensorflow.keras import layers', 'layers.Lambda'],
    ['', 'tf.keras.layers.Lambda'],
  ];
  for (const [imports, layer] of spellings) {
    const loss = analyzeSource(source(imports, layer), 'python', 'loss.py').models[0]!;
    assert.deepEqual(findUnsupported(loss), [], layer);
    assert.equal(loss.terms.length, 2, layer);
    assert.match(loss.terms[0]!.expr.text, /act_t - act_p/);
    const v = run(loss, yTrue, yPred);
    close(v.terms.t0!.raw, meanSq(channel(yTrue, 0), channel(yPred, 0)), 1e-5, `${layer} activation`);
    close(v.terms.t1!.raw, meanSq(channel(yTrue, 1), channel(yPred, 1)), 1e-5, `${layer} duration`);
  }
});

test('a Lambda layer given `arguments=` (keywords Keras passes on) is left as written and refused by name', () => {
  const loss = analyzeSource(
    'import tensorflow as tf\n\ndef l(y_true, y_pred):\n    p = tf.keras.layers.Lambda(lambda x, k: x[:, k], arguments={"k": 0})(y_pred)\n    return tf.reduce_mean(tf.square(y_true[:, 0] - p))\n',
    'python',
    'loss.py',
  ).models[0]!;
  assert.ok(findUnsupported(loss).some((u) => /Lambda/.test(u.op)), JSON.stringify(findUnsupported(loss)));
});
