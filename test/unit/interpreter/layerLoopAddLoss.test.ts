// Weight decay added by walking a built Keras model's layers (analysis/python/layerLoopAddLoss.ts):
// `for layer in model.layers: if isinstance(layer, (Conv2D, Dense)): layer.add_loss(lambda layer=layer:
// l2(wd)(layer.kernel))` is one penalty, the sum over the model's kernels, λ = wd; it runs on the trial's weights
// (the kernel only: Σk², not the bias). A guard no Dense layer passes is left as written and refused by name.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, tf } from './tf';

const source = (guard: string, part = 'kernel') => `import tensorflow as tf
from tensorflow.keras import layers
from tensorflow.keras.regularizers import l2

WD = 0.25


def add_weight_decay(model, alpha):
    for layer in model.layers:
        if ${guard}:
            layer.add_loss(lambda layer=layer: l2(alpha)(layer.${part}))
    return model


model = add_weight_decay(build(), WD)
model.compile(optimizer="adam", loss="mean_squared_error")
`;

const KERNEL = [[1, 2], [3, 4]];
const BIAS = [10, 10];

function decayModel(guard: string, part?: string) {
  const m = analyzeSource(source(guard, part), 'python', 'decay.py').models.find((x) => x.kind === 'add-loss');
  assert.ok(m, 'the add_loss is found');
  return m;
}

describe("add_loss over a Keras model's layers", () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  for (const [guard, part, expected] of [
    ['isinstance(layer, (layers.Conv2D, layers.Dense))', 'kernel', 30],
    ['isinstance(layer, layers.Conv2D) or isinstance(layer, layers.Dense)', 'kernel', 30],
    ['hasattr(layer, "bias_regularizer") and layer.use_bias', 'bias', 200],
  ] as const) {
    it(`\`if ${guard}: … layer.${part}\` is alpha · Σ over the trial's ${part}s`, () => {
      const m = decayModel(guard, part);
      const penalty = m.terms.find((t) => t.role === 'penalty')!;
      assert.equal(penalty.weight?.text, 'alpha', 'the coefficient inside the regularizer is the λ');
      assert.match(penalty.expr.text, new RegExp(`for layer in model\\.trainable_weights if '${part}' in layer\\.name`));
      assert.deepEqual(findUnsupported(m), []);
      const f = compileLoss(tf, m, { alpha: 0.25 });
      const out = f(tf.tensor([[0, 0]]), tf.tensor([[0, 0]]), { weights: [tf.tensor(KERNEL), tf.tensor(BIAS)] });
      close(out.terms[penalty.id]!.weighted.dataSync()[0]!, 0.25 * expected, 1e-4, `0.25 · Σ ${part}²`);
    });
  }

  it('a guard no trial layer passes (Conv2D only) is left as written, and the trainer refuses it by name', () => {
    const m = decayModel('isinstance(layer, layers.Conv2D)');
    const penalty = m.terms.find((t) => t.role === 'penalty')!;
    assert.match(penalty.expr.text, /layer\.kernel/);
    const f = compileLoss(tf, m, { alpha: 0.25 });
    assert.throws(() => f(tf.tensor([[0, 0]]), tf.tensor([[0, 0]]), { weights: [tf.tensor(KERNEL), tf.tensor(BIAS)] }), /`\.kernel`/, 'refused, naming what it cannot read: the trial has no Conv2D layer');
  });
});
