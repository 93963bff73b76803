// A run of a sweep over several penalty λs weights each penalty by its own λ (RunSpec.lambdas): a bound
// hyper-parameter, a literal weight replaced, a missing weight set; the batched evaluation of the runs agrees with
// each run's own loss.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeSource, initParsers, languageOf } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { RunSpec } from '../../../src/protocol';
import { batchedRunLoss } from '../../../src/trainer/batchedRuns';
import { compileLoss } from '../../../src/trainer/interpreter';
import { runLosses } from '../../../src/trainer/runLoss';
import { tf } from '../interpreter/tf';
import { root } from './helpers';

/** The first loss of a fixture, in its own language. */
async function lossFrom(relPath: string): Promise<LossModel> {
  await initParsers();
  const file = join(root, relPath);
  const model = analyzeSource(readFileSync(file, 'utf8'), languageOf(file)!, file).models[0];
  assert.ok(model, `${relPath}: a loss is found`);
  return model;
}

/** Each penalty's weighted / raw value of one run on fixed predictions. */
function weights(loss: LossModel, run: RunSpec): Record<string, number> {
  const [fn] = runLosses(tf, loss, [run], {}, compileLoss);
  const yTrue = tf.tensor2d([[0.2, 0.3, 0.5, 0], [0.1, 0.1, 0.4, 0.4]]);
  const yPred = tf.tensor2d([[0.9, -0.4, 0.8, 0.3], [1.4, 0.2, -0.3, 0.6]]);
  const out = fn!(yTrue, yPred);
  return Object.fromEntries(Object.entries(out.terms).filter(([id]) => id !== 't0').map(([id, v]) => [id, Number((v.weighted.dataSync()[0]! / v.raw.dataSync()[0]!).toPrecision(6))]));
}

test('parameter λs: each penalty weighted by its own', async () => {
  const loss = await lossFrom('test/fixtures/sweep2/two_penalties.py');
  assert.deepEqual(weights(loss, { id: 'r', label: '', lambda: 3, lambdas: { lam_sum: 3, lam_box: 0.25 } }), { t1: 3, t2: 0.25 });
  // without lambdas the run's one λ binds the loss's lambdaParam (the first penalty's, lam_sum); lam_box keeps its 1.0
  assert.equal(loss.lambdaParam, 'lam_sum');
  assert.deepEqual(weights(loss, { id: 'r', label: '', lambda: 3 }), { t1: 3, t2: 1 });
});

test('a parameter shared by two penalties weights both', async () => {
  await initParsers();
  const source = 'import tensorflow as tf\n\ndef shared(y_true, y_pred, lam_sum=0.1, lam_box=1.0):\n    mse = tf.reduce_mean(tf.square(y_true - y_pred))\n    sum_penalty = tf.reduce_mean(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0))\n    upper = tf.reduce_mean(tf.nn.relu(y_pred - 1.0))\n    lower = tf.reduce_mean(tf.nn.relu(-y_pred))\n    return mse + lam_sum * sum_penalty + lam_box * upper + lam_box * lower\n';
  const loss = analyzeSource(source, 'python', 'shared.py').models[0]!;
  assert.deepEqual(weights(loss, { id: 'r', label: '', lambda: 3, lambdas: { lam_sum: 3, lam_box: 0.25 } }), { t1: 3, t2: 0.25, t3: 0.25 });
});

test('literal weights: each replaced by its penalty\'s λ', async () => {
  const loss = await lossFrom('test/fixtures/sweep2/literal_weights.js');
  assert.deepEqual(weights(loss, { id: 'r', label: '', lambda: 2, lambdas: { t1: 2, t2: 40 } }), { t1: 2, t2: 40 });
});

test('the batched runs agree with each run\'s own loss', async () => {
  const loss = await lossFrom('test/fixtures/sweep2/two_penalties.ts');
  const runs: RunSpec[] = [
    { id: 'a', label: '', lambda: 0, lambdas: { LAMBDA_SUM: 0, LAMBDA_NEG: 1 } },
    { id: 'b', label: '', lambda: 10, lambdas: { LAMBDA_SUM: 10, LAMBDA_NEG: 1 } },
    { id: 'c', label: '', lambda: 5, lambdas: { LAMBDA_SUM: 0.1, LAMBDA_NEG: 5 } },
  ];
  assert.deepEqual(weights(loss, runs[2]!), { t1: 0.1, t2: 5 });
  const perRun = runLosses(tf, loss, runs, {}, compileLoss);
  const yPred = tf.tensor2d([[0.9, -0.4, 0.8, 0.3], [1.4, 0.2, -0.3, 0.6], [0.1, 0.1, 0.1, 0.1]]);
  const yTrue = tf.tensor2d([[0.2, 0.3, 0.5, 0], [0.1, 0.1, 0.4, 0.4], [0.25, 0.25, 0.25, 0.25]]);
  const choice = batchedRunLoss(tf, loss, runs, {}, perRun, { yTrue, yPred });
  assert.ok('loss' in choice, 'reason' in choice ? choice.reason : '');
});
