import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { TrialSpec } from '../../../src/protocol';
import { buildTrialSpec, codeLambda, inferTask, lambdaRuns, type TrainingSettings } from '../../../src/trial/spec';
import { bounded, literalWeight, noPenalty, sparse, sumToOne } from '../panel/lossModels';

const defaults: TrainingSettings = {
  lambdas: [0, 0.1, 1, 10], includeCodeLambda: true, steps: 300, batchSize: 64, hiddenLayers: [64, 64],
  outputActivation: 'auto', optimizer: 'adam', learningRate: 0.01, dataset: '', seed: 42, backend: 'auto',
};

describe('lambdaRuns', () => {
  it('adds the code λ to the spread and removes duplicates (sum-to-one: λ=1 already in the spread)', () => {
    const runs = lambdaRuns(sumToOne, defaults);
    assert.deepEqual(runs.map((r) => r.lambda), [0, 0.1, 1, 10]);
    assert.equal(runs.find((r) => r.lambda === 1)?.label, 'λ = 1 (code)');
    assert.equal(new Set(runs.map((r) => r.id)).size, runs.length);
  });
  it('sorts a code λ outside the spread into place (sparse: 0.01)', () => {
    assert.deepEqual(lambdaRuns(sparse, defaults).map((r) => r.lambda), [0, 0.01, 0.1, 1, 10]);
  });
  it('treats float noise as the same λ', () => {
    assert.deepEqual(lambdaRuns(sumToOne, { lambdas: [0.1, 0.30000000000000004, 0.3], includeCodeLambda: false }).map((r) => r.lambda), [0.1, 0.3]);
  });
  it('leaves the code λ out when includeCodeLambda is off', () => {
    assert.deepEqual(lambdaRuns(sparse, { lambdas: [1, 10], includeCodeLambda: false }).map((r) => r.lambda), [1, 10]);
  });
  it('falls back to the code λ when the spread is empty', () => {
    assert.deepEqual(lambdaRuns(bounded, { lambdas: [], includeCodeLambda: false }).map((r) => r.lambda), [10]);
  });
  it('trains a loss without penalty once', () => {
    const runs = lambdaRuns(noPenalty, defaults);
    assert.equal(runs.length, 1);
    assert.match(runs[0].label, /no penalty/);
  });
});

describe('codeLambda', () => {
  it('reads the default of the λ parameter', () => {
    assert.equal(codeLambda(bounded), 10);
    assert.equal(codeLambda(sparse), 0.01);
  });
  it('prefers a value bound by functools.partial', () => {
    const m = { ...sparse, usages: [{ kind: 'partial' as const, range: sparse.range, boundArgs: { lambda_param: 0.5 } }] };
    assert.equal(codeLambda(m), 0.5);
  });
  it('reads a single literal weight when there is no λ parameter', () => {
    assert.equal(codeLambda(literalWeight), 0.5);
  });
  it('has none without a penalty', () => {
    assert.equal(codeLambda(noPenalty), undefined);
  });
});

describe('inferTask', () => {
  it('classification for categorical cross-entropy', () => assert.equal(inferTask(sumToOne), 'classification'));
  it('bounded regression for MSE with a bounds constraint', () => assert.equal(inferTask(bounded), 'bounded-regression'));
  it('regression for MSE', () => assert.equal(inferTask(sparse), 'regression'));
});

describe('buildTrialSpec', () => {
  it('gives a spec the trainer protocol accepts, from the settings', () => {
    const result = buildTrialSpec(bounded, { ...defaults, steps: 123, optimizer: 'sgd', learningRate: 0.05 }, { sourceFile: '/w/a.py' });
    assert.ok(result.ok);
    const parsed = TrialSpec.parse(result.spec);
    assert.equal(parsed.steps, 123);
    assert.deepEqual(parsed.optimizer, { name: 'sgd', learningRate: 0.05 });
    assert.equal(parsed.sourceFile, '/w/a.py');
    assert.deepEqual(parsed.dataset, { kind: 'synthetic', task: 'bounded-regression', samples: 2048, features: 8, outputs: 4 });
    assert.deepEqual(parsed.model.hidden, [64, 64]);
    assert.equal(result.codeLambda, 10);
  });
  it('resolves a relative dataset against the workspace folder', () => {
    const result = buildTrialSpec(sparse, { ...defaults, dataset: 'data/train.csv' }, { workspaceDir: '/w' });
    assert.ok(result.ok);
    assert.deepEqual(result.spec.dataset, { kind: 'file', path: join('/w', 'data/train.csv') });
  });
  it('says what is wrong with a dataset it cannot read', () => {
    const result = buildTrialSpec(sparse, { ...defaults, dataset: 'data.parquet' }, { workspaceDir: '/w' });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.message : '', /data\.parquet.*\.csv, \.json or \.npy/);
  });
  it('clamps odd numeric settings instead of sending an invalid spec', () => {
    const result = buildTrialSpec(sumToOne, { ...defaults, steps: 12.7, batchSize: 0, hiddenLayers: [32, -1, 9999] });
    assert.ok(result.ok);
    const parsed = TrialSpec.parse(result.spec);
    assert.equal(parsed.steps, 13);
    assert.equal(parsed.batchSize, 1);
    assert.deepEqual(parsed.model.hidden, [32, 4096]);
  });
  it('leaves the activation to the trainer when the setting is auto, and passes an explicit setting on', () => {
    const auto = buildTrialSpec({ ...sumToOne, outputActivation: 'softmax' }, defaults);
    assert.ok(auto.ok);
    assert.equal(auto.spec.model.outputActivation, 'auto');
    const set = buildTrialSpec({ ...sumToOne, outputActivation: 'softmax' }, { ...defaults, outputActivation: 'tanh' });
    assert.ok(set.ok);
    assert.equal(set.spec.model.outputActivation, 'tanh');
  });
});

describe('buildTrialSpec on the seed article (real Python front end)', () => {
  const seed = join(__dirname, '../../fixtures/seed');
  const cases = [
    { file: 'example1_sum_to_one.py', lambdas: [0, 0.1, 1, 10], code: 1, task: 'classification' },
    { file: 'example2_bounded_output.py', lambdas: [0, 0.1, 1, 10], code: 10, task: 'bounded-regression' },
    { file: 'example3_sparsity.py', lambdas: [0, 0.01, 0.1, 1, 10], code: 0.01, task: 'regression' },
  ];
  for (const c of cases) {
    it(`${c.file}: runs λ ${c.lambdas.join(', ')} with the code λ ${c.code}, ${c.task} data`, async () => {
      await initParsers();
      const analysis = analyzeSource(readFileSync(join(seed, c.file), 'utf8'), 'python', c.file);
      assert.equal(analysis.models.length, 1);
      const result = buildTrialSpec(analysis.models[0], defaults, { sourceFile: join(seed, c.file) });
      assert.ok(result.ok);
      const spec = TrialSpec.parse(result.spec);
      assert.deepEqual(spec.runs.map((r) => r.lambda), c.lambdas);
      assert.equal(result.codeLambda, c.code);
      assert.equal(spec.runs.filter((r) => r.label.endsWith('(code)')).map((r) => r.lambda)[0], c.code);
      assert.equal(spec.dataset.kind === 'synthetic' && spec.dataset.task, c.task);
    });
  }
});

describe('codeLambda of a factory whose λ is unpacked from a tuple argument', () => {
  it('`tol, lam = settings` with make_loss((0.01, 0.5)) runs with λ = 0.5', async () => {
    await initParsers();
    const src = `import tensorflow as tf

def make_loss(settings):
    tol, lam = settings

    def loss(y_true, y_pred):
        ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)
        return ce + lam * tf.nn.relu(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0) - tol)

    return loss

model.compile(optimizer="adam", loss=make_loss((0.01, 0.5)))
`;
    const m = analyzeSource(src, 'python', 'f.py').models[0]!;
    assert.equal(m.lambdaParam, 'lam');
    assert.equal(codeLambda(m), 0.5);
  });
});

describe('outputs of a binary trial', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
export function multiLabelLoss(yTrue, yPred) {
  const ce = tf.losses.sigmoidCrossEntropy(yTrue, yPred);
  const total = tf.sum(tf.sigmoid(yPred), -1);
  const overshoot = tf.mean(tf.square(tf.relu(tf.sub(total, 1))));
  return ce.add(tf.scalar(2).mul(overshoot));
}
`;
  it('a penalty summing the outputs (a cap on Σσ(logits)) makes the binary task multi-label: several outputs, not one', async () => {
    await initParsers();
    const loss = analyzeSource(source, 'typescript', 'm.ts').models[0]!;
    assert.equal(inferTask(loss), 'binary');
    const result = buildTrialSpec(loss, defaults);
    assert.ok(result.ok);
    assert.deepEqual(result.spec.dataset, { kind: 'synthetic', task: 'binary', samples: result.spec.dataset.kind === 'synthetic' ? result.spec.dataset.samples : 0, features: 8, outputs: 4 });
    // without the sum over the outputs, one output as before
    const plain = analyzeSource(source.replace('tf.sum(tf.sigmoid(yPred), -1)', 'tf.sigmoid(yPred)'), 'typescript', 'm.ts').models[0]!;
    const one = buildTrialSpec(plain, defaults);
    assert.ok(one.ok);
    assert.equal(one.spec.dataset.kind === 'synthetic' && one.spec.dataset.outputs, 1);
  });
});
