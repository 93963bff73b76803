// Issue 10 "no silent substitution": after a reduction is split into terms (issue 9 §3), the trainer measures
// exactly those terms, and their weighted sum is the loss as written: the whole returned expression, interpreted
// as one term, equals Σ sign·weight·term on the same data, for Keras and PyTorch losses. A trial's per-term
// curves are the split terms.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel, SourceLanguage } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { compileLoss } from '../../../src/trainer/interpreter';
import { runTrial } from '../../../src/trainer/trial';
import { cpu, tf } from '../interpreter/tf';
import { specFor } from './helpers';

function loss(source: string, name: string, language: SourceLanguage = 'python'): LossModel {
  const m = analyzeSource(source, language, language === 'python' ? 'loss.py' : 'loss.ts').models.find((x) => x.name === name);
  assert.ok(m, `${name} is found`);
  return m;
}

/** The same loss with no terms: the trainer then evaluates the returned expression whole, as one term. */
const whole = (m: LossModel): LossModel => ({ ...m, terms: [] });

const keras = `import tensorflow as tf
from tensorflow.keras import backend as K

def act_reg(y_true, y_pred, lam=0.3):
    se = K.square(y_true - y_pred)
    act = K.abs(y_pred)
    return K.mean(se + lam * act, axis=-1)

def halved(y_true, y_pred, lam=0.3):
    return 0.5 * tf.reduce_mean(tf.square(y_true - y_pred) - lam * tf.nn.relu(y_pred - 0.5))

def margin(y_true, y_pred, c=0.4):
    se = tf.reduce_mean(tf.square(y_true - y_pred))
    return se + tf.reduce_mean(-c * tf.minimum(c - y_pred, 0.0)) + tf.reduce_mean(tf.nn.relu(-y_pred)) / 4.0
`;

const pytorch = `import torch
import torch.nn.functional as F

def summed(pred, target, lam=0.5):
    err = (pred - target) ** 2
    balance = lam * torch.relu(pred - 0.5)
    return torch.sum(err + balance)

def nested(pred, target, lam=0.2):
    return torch.mean(torch.sum((pred - target) ** 2 + lam * torch.relu(-pred), dim=1))

def meaned(pred, target, C=0.7):
    a = (pred - target) ** 2
    b = torch.relu(pred - 0.2)
    return (a + torch.mul(C, b)).mean() + b.mean().mul(C)

def per_row(pred, target, w=0.2):
    err = ((pred - target) ** 2).sum(dim=1)
    balance = (pred.sum(dim=1) - 1.0) ** 2
    return torch.sum(err + w * balance) / pred.shape[0]
`;

const tfjs = `import * as tf from '@tensorflow/tfjs';
export function hingeLoss(yTrue: tf.Tensor, yPred: tf.Tensor, lam = 0.25): tf.Tensor {
  const se = tf.square(tf.sub(yTrue, yPred));
  const hinge = tf.relu(tf.neg(yPred));
  return tf.mean(se.add(hinge.mul(lam)));
}
`;

const cases: { source: string; name: string; language?: SourceLanguage; terms: number }[] = [
  { source: keras, name: 'act_reg', terms: 2 },
  { source: keras, name: 'halved', terms: 2 },
  { source: keras, name: 'margin', terms: 3 },
  { source: pytorch, name: 'summed', terms: 2 },
  { source: pytorch, name: 'nested', terms: 2 },
  { source: pytorch, name: 'meaned', terms: 3 },
  { source: pytorch, name: 'per_row', terms: 2 },
  { source: tfjs, name: 'hingeLoss', language: 'typescript', terms: 2 },
];

describe('split terms sum to the loss as written', () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  for (const c of cases) {
    it(`${c.name}: interpreted whole == Σ sign·weight·term`, () => {
      const m = loss(c.source, c.name, c.language);
      assert.equal(m.terms.length, c.terms, `split into ${m.terms.map((t) => t.label).join(', ')}`);
      const yTrue = tf.randomUniform([16, 3], -1, 1, 'float32', 11);
      const yPred = tf.randomUniform([16, 3], -1, 1, 'float32', 12);
      const bindings = Object.fromEntries(m.params.flatMap((p) => (p.role === 'hyper' && typeof p.default === 'number' ? [[p.name, p.default]] : [])));
      const split = compileLoss(tf, m, bindings)(yTrue, yPred);
      const one = compileLoss(tf, whole(m), bindings)(yTrue, yPred);
      const want = one.total.dataSync()[0]!;
      const terms = m.terms.map((t) => split.terms[t.id]!);
      const sum = terms.reduce((acc, t) => acc + t.weighted.dataSync()[0]!, 0);
      assert.ok(Math.abs(sum - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${c.name}: Σ weighted terms ${sum} vs whole loss ${want}`);
      assert.ok(Math.abs(split.total.dataSync()[0]! - want) <= 1e-5 * Math.max(1, Math.abs(want)), 'the total the trainer minimises is the loss');
      // every penalty really contributes (a term evaluated as zero would make the sum trivially right)
      for (const t of m.terms) assert.notEqual(split.terms[t.id]!.raw.dataSync()[0], 0, `${t.label} is measured`);
    });
  }

  it('a trial reports the split terms as its per-term curves, and their weighted sum is each step\'s total', async () => {
    const m = loss(pytorch, 'summed');
    const messages: TrainerToHost[] = [];
    await runTrial(specFor(m, { steps: 5, backend: 'cpu', sourceFile: 'loss.py' }), { send: (x) => messages.push(x), shouldStop: () => false });
    const started = messages.find((x) => x.type === 'started');
    assert.ok(started?.type === 'started', JSON.stringify(messages.filter((x) => x.type === 'error')));
    assert.deepEqual(
      started.terms.map((t) => `${t.role}:${t.label}`),
      ['base:err', 'penalty:balance'],
    );
    const points = messages.flatMap((x) => (x.type === 'metrics' ? x.points : []));
    assert.equal(points.length, 5 * 2);
    for (const p of points) {
      assert.deepEqual(Object.keys(p.terms).sort(), m.terms.map((t) => t.id).sort());
      const sum = Object.values(p.terms).reduce((acc, t) => acc + t.weighted, 0);
      assert.ok(Math.abs(sum - p.total) <= 1e-4 * Math.max(1, Math.abs(p.total)), `step ${p.step} ${p.runId}: ${sum} vs ${p.total}`);
    }
  });
});
