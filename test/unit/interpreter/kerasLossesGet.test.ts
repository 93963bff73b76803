// `tf.keras.losses.get(name)(y_true, y_pred)`: the loss Keras looks up by name, with the name known before training
// (a literal, a module constant, a constructor argument of a Loss subclass). A function name gives per-sample values
// (Keras's mean over the batch follows), a class name an instance; values against closed forms computed here.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

const yTrue = [[1, 0], [0.5, 2]];
const yPred = [[0.5, 0.5], [1, 1]];
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const mse = mean(yTrue.map((t, i) => mean(t.map((v, j) => (v - yPred[i]![j]!) ** 2))));
const mae = mean(yTrue.map((t, i) => mean(t.map((v, j) => Math.abs(v - yPred[i]![j]!)))));

const lossOf = (source: string, name?: string) => {
  const models = analyzeSource(`import tensorflow as tf\n\n${source}`, 'python', 'loss.py').models;
  return name ? models.find((m) => m.name === name)! : models[0]!;
};

before(async () => {
  await initParsers();
  await cpu();
});

test('a Loss subclass that looks its base up by the name given to its constructor (`get(self.main)`)', () => {
  const loss = lossOf(`class Blend(tf.keras.losses.Loss):
    def __init__(self, main, w, **kwargs):
        super().__init__(**kwargs)
        self.main = main
        self.w = w

    def call(self, y_true, y_pred):
        base = tf.keras.losses.get(self.main)
        return base(y_true, y_pred) + self.w * tf.reduce_mean(tf.abs(y_pred), axis=-1)


model.compile(optimizer="adam", loss=Blend("mse", 0.1))
`);
  assert.deepEqual(findUnsupported(loss), []);
  const v = run(loss, yTrue, yPred);
  close(v.terms.t0!.raw, mse, 1e-5, 'mse by name');
});

test('a literal name, a module constant, an alias and a class name', () => {
  const forms: [string, number][] = [
    ['def l(y_true, y_pred):\n    return tf.keras.losses.get("mean_absolute_error")(y_true, y_pred)\n', mae],
    ['BASE = "mae"\n\ndef l(y_true, y_pred):\n    f = tf.keras.losses.get(BASE)\n    return f(y_true, y_pred)\n', mae],
    ['def l(y_true, y_pred):\n    return tf.keras.losses.get("MeanSquaredError")(y_true, y_pred)\n', mse],
  ];
  for (const [source, expected] of forms) {
    const loss = lossOf(source, 'l');
    assert.deepEqual(findUnsupported(loss), [], source);
    close(run(loss, yTrue, yPred).total, expected, 1e-5, source);
  }
});

test('a name that is not a Keras loss is refused by name, never replaced by another loss', () => {
  const loss = lossOf('def l(y_true, y_pred):\n    return tf.keras.losses.get("my_custom")(y_true, y_pred)\n', 'l');
  assert.throws(() => run(loss, yTrue, yPred), /'my_custom' is not a Keras loss the Loss Lab trainer knows/);
});
