// The K runs' loss evaluated once (predictions folded into the batch axis, split back per run) equals each run's
// own loss, term by term, on predictions that differ from run to run; a loss that mixes samples across the batch
// is detected and trains with one loss per run, which the trainer says in a log message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { ConstraintKind, LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { batchedRunLoss } from '../../../src/trainer/batchedRuns';
import { batchedViolation } from '../../../src/trainer/batchedViolations';
import { compileLoss } from '../../../src/trainer/interpreter';
import { violationFns } from '../../../src/trainer/metrics/violations';
import { runLosses } from '../../../src/trainer/runLoss';
import { runTrial } from '../../../src/trainer/trial';
import { cpu, tf } from '../interpreter/tf';
import { lossFrom, specFor } from './helpers';

const runs = [0, 0.1, 1, 10].map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));

async function source(text: string, language: 'python' | 'typescript'): Promise<LossModel> {
  await initParsers();
  const model = analyzeSource(text, language, language === 'python' ? 'loss.py' : 'loss.ts').models[0];
  assert.ok(model, 'a loss is found');
  return model;
}

/** Random predictions per run (softmax rows, so logs stay finite) and one-hot or index targets. */
function data(K: number, B: number, C: number, targets: 'onehot' | 'index' | 'real') {
  const pred = tf.softmax(tf.randomNormal([K, B, C], 0, 2, 'float32', 7));
  const classes = Array.from({ length: B }, (_, i) => (i * 7) % C);
  const yTrue =
    targets === 'index'
      ? tf.tensor1d(classes, 'int32')
      : targets === 'onehot'
        ? tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), C), 'float32')
        : tf.randomUniform([B, C], -0.5, 1.5, 'float32', 3);
  return { pred, yTrue };
}

function assertBatchedEqualsAlone(loss: LossModel, targets: 'onehot' | 'index' | 'real', params: Record<string, number> = {}) {
  const perRun = runLosses(tf, loss, runs, params, compileLoss);
  const { pred, yTrue } = data(runs.length, 12, 4, targets);
  const probe = data(runs.length, 6, 4, targets);
  const choice = batchedRunLoss(tf, loss, runs, params, perRun, { yTrue: probe.yTrue, yPred: tf.unstack(probe.pred)[0]! });
  assert.ok('loss' in choice, `batched evaluation refused: ${'reason' in choice ? choice.reason : ''}`);
  const together = choice.loss(yTrue, pred);
  const preds = tf.unstack(pred);
  runs.forEach((run, k) => {
    const own = perRun[k]!(yTrue, preds[k]!);
    const close = (a: tf.Tensor, b: tf.Tensor, what: string) => {
      const want = b.dataSync()[0]!;
      const got = a.dataSync()[k]!;
      assert.ok(Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${run.label} ${what}: ${got} instead of ${want}`);
    };
    close(together.total, own.total, 'total');
    close(together.original, own.original, 'original');
    assert.deepEqual(Object.keys(together.terms).sort(), Object.keys(own.terms).sort());
    for (const [id, t] of Object.entries(own.terms)) {
      close(together.terms[id]!.raw, t.raw, `${id} raw`);
      close(together.terms[id]!.weighted, t.weighted, `${id} weighted`);
    }
  });
  // the runs really differ (otherwise equality would prove nothing)
  const totals = Array.from(together.total.dataSync());
  assert.equal(new Set(totals.map((v) => v.toFixed(5))).size, runs.length, `totals ${totals}`);
}

test('batched loss = each run alone: seed example 1 (categorical cross-entropy + λ·mean|Σp − 1|)', async () => {
  await cpu();
  assertBatchedEqualsAlone(await lossFrom('test/fixtures/seed/example1_sum_to_one.py'), 'onehot');
});

test('batched loss = each run alone: seed example 2 (bounded output)', async () => {
  await cpu();
  assertBatchedEqualsAlone(await lossFrom('test/fixtures/seed/example2_bounded_output.py'), 'real');
});

test('batched loss = each run alone: seed example 3 (sparsity)', async () => {
  await cpu();
  assertBatchedEqualsAlone(await lossFrom('test/fixtures/seed/example3_sparsity.py'), 'real');
});

test('batched loss = each run alone: a PyTorch loss with methods, slicing and a λ parameter', async () => {
  await cpu();
  const loss = await source(
    `import torch
import torch.nn.functional as F

def constrained_loss(y_pred, y_true, lam=0.5):
    mse = ((y_pred - y_true) ** 2).mean()
    over = torch.relu(y_pred[:, 1:] - 0.6).sum(dim=1)
    return mse + lam * over.mean()
`,
    'python',
  );
  assertBatchedEqualsAlone(loss, 'real');
});

test('batched loss = each run alone: a TF.js loss with chained methods', async () => {
  await cpu();
  const loss = await source(
    `import * as tf from '@tensorflow/tfjs';

export function constrainedLoss(yTrue: tf.Tensor, yPred: tf.Tensor, lambda = 0.3): tf.Scalar {
  const ce = tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.add(yPred, 1e-7))), -1)).mean();
  const sumPenalty = yPred.sum(-1).sub(1).abs().mean();
  return ce.add(tf.mul(lambda, sumPenalty));
}
`,
    'typescript',
  );
  assertBatchedEqualsAlone(loss, 'onehot');
});

/** Library losses that reduce over the batch themselves: batched by asking them for their values unreduced. */
const reducingLosses: Array<{ what: string; language: 'python' | 'typescript'; targets: 'onehot' | 'index' | 'real'; body: string }> = [
  { what: 'F.mse_loss (mean)', language: 'python', targets: 'real', body: 'F.mse_loss(y_pred, y_true)' },
  { what: "F.l1_loss(reduction='sum')", language: 'python', targets: 'real', body: "F.l1_loss(y_pred, y_true, reduction='sum')" },
  { what: 'F.cross_entropy on class indices', language: 'python', targets: 'index', body: 'F.cross_entropy(y_pred, y_true)' },
  { what: 'F.cross_entropy with label smoothing', language: 'python', targets: 'index', body: 'F.cross_entropy(y_pred, y_true, label_smoothing=0.1)' },
  { what: 'F.binary_cross_entropy', language: 'python', targets: 'onehot', body: 'F.binary_cross_entropy(y_pred, y_true)' },
  { what: 'an nn.MSELoss module', language: 'python', targets: 'real', body: 'nn.MSELoss()(y_pred, y_true)' },
  { what: 'F.smooth_l1_loss times a constant', language: 'python', targets: 'real', body: '2.0 * F.smooth_l1_loss(y_pred, y_true)' },
  { what: 'tf.losses.meanSquaredError (default reduction)', language: 'typescript', targets: 'real', body: 'tf.losses.meanSquaredError(yTrue, yPred)' },
  { what: 'tf.losses.absoluteDifference with Reduction.SUM', language: 'typescript', targets: 'real', body: 'tf.losses.absoluteDifference(yTrue, yPred, undefined, tf.Reduction.SUM)' },
  { what: 'tf.losses.softmaxCrossEntropy', language: 'typescript', targets: 'onehot', body: 'tf.losses.softmaxCrossEntropy(yTrue, yPred)' },
];

for (const c of reducingLosses) {
  test(`batched loss = each run alone: ${c.what}, which reduces over the batch itself`, async () => {
    await cpu();
    const text =
      c.language === 'python'
        ? `import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\ndef constrained_loss(y_pred, y_true, lam=0.5):\n    base = ${c.body}\n    return base + lam * torch.mean((y_pred.sum(dim=-1) - 1.0) ** 2)\n`
        : `import * as tf from '@tensorflow/tfjs';\n\nexport function constrainedLoss(yTrue: tf.Tensor, yPred: tf.Tensor, lambda = 0.5): tf.Scalar {\n  const base = ${c.body};\n  return tf.add(base, tf.mul(lambda, tf.mean(tf.square(tf.sub(tf.sum(yPred, -1), 1)))));\n}\n`;
    assertBatchedEqualsAlone(await source(text, c.language), c.targets);
  });
}

test('Keras loss objects (mean over the batch, and reduction sum) are batched too', async () => {
  await cpu();
  for (const call of ['tf.keras.losses.MeanSquaredError()(y_true, y_pred)', "tf.keras.losses.CategoricalCrossentropy(reduction='sum')(y_true, y_pred)"]) {
    const loss = await source(
      `import tensorflow as tf\n\ndef make_loss(lam=0.5):\n    def loss(y_true, y_pred):\n        base = ${call}\n        return base + lam * tf.reduce_mean(tf.square(tf.reduce_sum(y_pred, axis=-1) - 1.0))\n    return loss\n\nmodel.compile(loss=make_loss(lam=0.5))\n`,
      'python',
    );
    assertBatchedEqualsAlone(loss, call.includes('Categorical') ? 'onehot' : 'real');
  }
});

test('a library loss whose result is transformed after its reduction (an RMSE) still trains run by run', async () => {
  await cpu();
  const loss = await source(
    'import torch\nimport torch.nn.functional as F\n\ndef rmse_loss(y_pred, y_true, lam=0.5):\n    return torch.sqrt(F.mse_loss(y_pred, y_true)) + lam * torch.relu(y_pred - 1.0).mean()\n',
    'python',
  );
  const perRun = runLosses(tf, loss, runs, {}, compileLoss);
  const probe = data(runs.length, 6, 4, 'real');
  const choice = batchedRunLoss(tf, loss, runs, {}, perRun, { yTrue: probe.yTrue, yPred: tf.unstack(probe.pred)[0]! });
  assert.ok('reason' in choice, 'a square root of a batch mean is not a mean per run');
});

test('a loss that mixes samples across the batch trains run by run, and the trainer says so', async () => {
  await cpu();
  const loss = await source(
    `import tensorflow as tf

def centred_loss(y_true, y_pred, lam=1.0):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    spread = tf.reduce_mean(tf.square(y_pred - tf.reduce_mean(y_pred, axis=0)))
    return mse + lam * spread

model.compile(loss=centred_loss)
`,
    'python',
  );
  const perRun = runLosses(tf, loss, runs, {}, compileLoss);
  const probe = data(runs.length, 6, 4, 'real');
  const choice = batchedRunLoss(tf, loss, runs, {}, perRun, { yTrue: probe.yTrue, yPred: tf.unstack(probe.pred)[0]! });
  assert.ok('reason' in choice, 'the batch statistic is detected');
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5, backend: 'cpu' }), { send: (m) => messages.push(m), shouldStop: () => false });
  const log = messages.find((m) => m.type === 'log' && m.message.includes('one by one'));
  assert.ok(log, `log message: ${JSON.stringify(messages.filter((m) => m.type === 'log'))}`);
  assert.ok(messages.some((m) => m.type === 'done'));
});

test('violations measured together for all runs = each run measured alone, per constraint kind', async () => {
  await cpu();
  const K = 3;
  const preds = tf.randomNormal([K, 10, 4], 0.3, 0.8, 'float32', 11);
  const yTrue = tf.randomUniform([10, 4], 0, 1, 'float32', 12);
  const cases: [ConstraintKind, Record<string, number>][] = [
    ['sum-to-one', { target: 1 }],
    ['bounds', { lower: 0, upper: 1 }],
    ['output-sparsity', {}],
    ['non-negativity', {}],
  ];
  for (const [kind, params] of cases) {
    const together = batchedViolation(tf, K, kind, params);
    assert.ok(together, `${kind} is measured together`);
    const got = together(preds, yTrue).dataSync();
    assert.equal(got.length, K);
    tf.unstack(preds).forEach((p, k) => {
      const want = violationFns[kind]({ tf, yPred: p, yTrue, kernels: () => [] }, params).dataSync()[0]!;
      assert.ok(Math.abs(got[k]! - want) <= 1e-6, `${kind} run ${k}: ${got[k]} instead of ${want}`);
    });
  }
  assert.equal(batchedViolation(tf, K, 'weight-sparsity', {}), undefined, 'weights are measured run by run');
});
