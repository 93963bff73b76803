// The templates as trial training will run them: each Keras, PyTorch and TF.js template's loss, analysed and compiled by
// the interpreter on TensorFlow.js (CPU), gives finite values on a batch, a penalty that is 0 when the constraint
// holds and positive when it is broken, and a λ that really scales the penalty (λ = 0 vs λ = 10).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { templateDefaultText, templates } from '../../../src/templates/catalog';
import { compileLoss } from '../../../src/trainer/interpreter/index';

type Fw = 'keras' | 'pytorch' | 'tfjs';
const imports: Record<Fw, string> = {
  keras: 'import tensorflow as tf\n\n',
  pytorch: 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n',
  tfjs: "import * as tf from '@tensorflow/tfjs';\n\n",
};

/** A batch that satisfies the template's constraint and one that breaks it (yTrue, yPred), per template id. */
const batches: Record<string, () => { yTrue: tf.Tensor; ok: tf.Tensor; broken: tf.Tensor }> = {
  sum1: () => ({ yTrue: tf.cast(tf.oneHot([0, 1, 2, 1], 3), 'float32'), ok: tf.tensor2d([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]]), broken: tf.tensor2d([[0.9, 0.6, 0.1], [0.1, 0.8, 0.4], [0.2, 0.2, 0.2], [0.3, 0.9, 0.3]]) }),
  bounds: () => ({ yTrue: tf.tensor2d([[0.5], [0.2], [0.9]]), ok: tf.tensor2d([[0.4], [0.3], [0.8]]), broken: tf.tensor2d([[1.4], [-0.3], [0.8]]) }),
  nonneg: () => ({ yTrue: tf.tensor2d([[1], [2], [0]]), ok: tf.tensor2d([[0.5], [2.5], [0]]), broken: tf.tensor2d([[-0.5], [2.5], [-1]]) }),
  monotone: () => ({ yTrue: tf.tensor2d([[1, 2, 3], [0, 1, 2]]), ok: tf.tensor2d([[1, 2, 2.5], [0, 0.5, 2]]), broken: tf.tensor2d([[2, 1, 3], [0, 1, 0.5]]) }),
  'sparse-out': () => ({ yTrue: tf.tensor2d([[0, 1], [0, 0]]), ok: tf.tensor2d([[0, 0], [0, 0]]), broken: tf.tensor2d([[0.5, 1], [0.2, -0.3]]) }),
  // y_true = [label, group]; the ok batch predicts the same mean for both groups.
  parity: () => ({ yTrue: tf.tensor2d([[1, 1], [0, 1], [1, 0], [0, 0]]), ok: tf.tensor2d([[0.8], [0.2], [0.6], [0.4]]), broken: tf.tensor2d([[0.9], [0.9], [0.1], [0.1]]) }),
};
batches['sum1-sq'] = batches.sum1;
batches.factory = batches.sum1;

before(async () => {
  await tf.setBackend('cpu');
  await initParsers();
});

function modelOf(id: string, framework: Fw): LossModel {
  const t = templates.find((x) => x.id === id)!;
  const language = framework === 'tfjs' ? 'typescript' : 'python';
  const analysis = analyzeSource(imports[framework] + templateDefaultText(t, framework), language, `template.${framework === 'tfjs' ? 'ts' : 'py'}`);
  assert.equal(analysis.models.length, 1);
  return analysis.models[0];
}

/** The penalty's raw value and weighted value for a λ binding, as numbers. */
function penaltyOf(model: LossModel, lambda: number, yTrue: tf.Tensor, yPred: tf.Tensor) {
  const lam = model.lambdaParam!;
  const loss = compileLoss(tf, model, { [lam]: lambda });
  const values = loss(yTrue, yPred);
  const penalty = model.terms.find((x) => x.role === 'penalty')!;
  const out = {
    total: values.total.dataSync()[0],
    original: values.original.dataSync()[0],
    raw: values.terms[penalty.id].raw.dataSync()[0],
    weighted: values.terms[penalty.id].weighted.dataSync()[0],
  };
  tf.dispose([values.total, values.original, ...Object.values(values.terms).flatMap((v) => [v.raw, v.weighted])]);
  return out;
}

for (const [id, batch] of Object.entries(batches)) {
  describe(`template ${id} interpreted`, () => {
    // PyTorch parity takes the group as a third argument, which a (yTrue, yPred) trial cannot feed.
    const fws: Fw[] = id === 'parity' ? ['keras', 'tfjs'] : ['keras', 'pytorch', 'tfjs'];
    for (const framework of fws) {
      test(`${framework}: penalty 0 when the constraint holds, > 0 when broken, scaled by λ`, () => {
        const model = modelOf(id, framework);
        const { yTrue, ok, broken } = batch();
        const holds = penaltyOf(model, 1, yTrue, ok);
        assert.ok(Math.abs(holds.raw) < 1e-6, `penalty on a batch that satisfies it: ${holds.raw}`);
        const off = penaltyOf(model, 0, yTrue, broken);
        const on = penaltyOf(model, 10, yTrue, broken);
        for (const v of [off, on]) for (const [k, x] of Object.entries(v)) assert.ok(Number.isFinite(x), `${k} = ${x}`);
        assert.ok(on.raw > 1e-4, `penalty on a batch that breaks it: ${on.raw}`);
        assert.equal(off.weighted, 0);
        assert.ok(Math.abs(on.weighted - 10 * on.raw) < 1e-4 * Math.max(1, on.raw), `λ·P = ${on.weighted}, P = ${on.raw}`);
        assert.ok(Math.abs(on.total - on.original - on.weighted) < 1e-4, 'total = base + λ·P');
        tf.dispose([yTrue, ok, broken]);
      });
    }
  });
}

describe('template sparse-weights interpreted (PyTorch: a sum over model.parameters())', () => {
  test('the penalty is Σ|w| over the parameters it is given, 0 for zero weights, scaled by λ', () => {
    const model = modelOf('sparse-weights', 'pytorch');
    const lam = model.lambdaParam!;
    const yTrue = tf.tensor2d([[0.5], [0.2]]);
    const yPred = tf.tensor2d([[0.4], [0.3]]);
    const penalty = model.terms.find((x) => x.role === 'penalty')!;
    const run = (lambda: number, weights: tf.Tensor[]) => {
      const v = compileLoss(tf, model, { [lam]: lambda })(yTrue, yPred, { weights });
      return { raw: v.terms[penalty.id].raw.dataSync()[0], weighted: v.terms[penalty.id].weighted.dataSync()[0] };
    };
    const weights = [tf.tensor2d([[0.5, -1], [0, 2]]), tf.tensor1d([-0.25, 0]), tf.tensor2d([[3], [-0.5]]), tf.tensor1d([0.1])];
    assert.ok(Math.abs(run(1, weights).raw - (0.5 + 1 + 2 + 0.25 + 3 + 0.5 + 0.1)) < 1e-5);
    assert.equal(run(1, weights.map((w) => tf.zerosLike(w))).raw, 0);
    assert.ok(Math.abs(run(10, weights).weighted - 10 * 7.35) < 1e-4);
    // Without the model's parameters (a (yTrue, yPred) call) the loss says what it misses.
    assert.throws(() => compileLoss(tf, model, { [lam]: 1 })(yTrue, yPred), /model's parameters/);
  });
});
