// Weight decay as real code writes it, with the weight inside what sums the parts (terms/innerWeights.ts):
// `tf.add_n([WD * tf.nn.l2_loss(v) for v in …])`, `sum(lam * p.pow(2).sum() for p in model.parameters())` and a
// Keras regularizer applied on the spot (`regularizers.l2(1e-4)(v)`).
// The weight is the penalty's λ (no LL101 "added without a weight"); a weight that varies with the loop stays inside.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { penaltyKnobs } from '../../../src/analysis/knobs';
import { writeKnobs, writeLambda } from '../../../src/analysis/lambdaSite';
import { runRules } from '../../../src/analysis/rules/index';
import { close, cpu, run } from '../interpreter/tf';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const keras = (reg: string) => `import tensorflow as tf
WD = 1e-4

def loss_fn(y_true, y_pred, model, l2=5e-4):
    ce = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y_true, y_pred))
    reg = ${reg}
    return ce + reg
`;

const torch = (reg: string) => `import torch
import torch.nn.functional as F
L1 = 1e-4

def loss_fn(pred, target, model, lam=1e-3):
    mse = F.mse_loss(pred, target)
${reg}
    return mse + reg
`;

const codes = (source: string): string[] => runRules(analyze(source), source).map((f) => f.code);

const cases: { what: string; source: string; summary: string; lambdaParam?: string; term: string }[] = [
  {
    what: 'a module constant inside tf.add_n over the variables',
    source: keras('tf.add_n([WD * tf.nn.l2_loss(v) for v in model.trainable_variables])'),
    summary: 'penalty:+:reg*WD',
    lambdaParam: 'WD',
    term: 'tf.add_n([tf.nn.l2_loss(v) for v in model.trainable_variables])',
  },
  {
    what: 'tf.add_n given a name for the graph (TF1 tutorials: `name="l2_loss"`)',
    source: keras("tf.add_n([WD * tf.nn.l2_loss(tf.cast(v, tf.float32)) for v in model.trainable_variables], name='l2_loss')"),
    summary: 'penalty:+:reg*WD',
    lambdaParam: 'WD',
    term: "tf.add_n([tf.nn.l2_loss(tf.cast(v, tf.float32)) for v in model.trainable_variables], name='l2_loss')",
  },
  {
    what: "a Keras regularizer's positional coefficient, applied on the spot in a list",
    source: keras('tf.add_n([tf.keras.regularizers.l2(1e-4)(v) for v in model.trainable_variables])'),
    summary: 'penalty:+:reg*1e-4',
    term: 'tf.add_n([tf.keras.regularizers.l2(1)(v) for v in model.trainable_variables])',
  },
  {
    what: "a Keras regularizer's coefficient by keyword, from the loss's own parameter",
    source: keras('tf.add_n([tf.keras.regularizers.l2(l2=l2)(v) for v in model.trainable_variables])'),
    summary: 'penalty:+:reg*l2',
    lambdaParam: 'l2',
    term: 'tf.add_n([tf.keras.regularizers.l2(l2=1)(v) for v in model.trainable_variables])',
  },
  {
    what: 'a parameter inside a generator summed over model.parameters()',
    source: torch('    reg = sum(lam * p.pow(2).sum() for p in model.parameters())'),
    summary: 'penalty:+:reg*lam',
    lambdaParam: 'lam',
    term: 'sum(p.pow(2).sum() for p in model.parameters())',
  },
];

describe('a weight inside what sums the penalty is its λ', () => {
  for (const c of cases) {
    it(c.what, () => {
      const m = model(analyze(c.source), 'loss_fn');
      assert.deepEqual(m.terms.map(termSummary).slice(1), [c.summary]);
      assert.equal(m.terms[1]!.expr.text, c.term, 'the term is what the weight multiplies');
      assert.equal(m.lambdaParam, c.lambdaParam);
      assert.ok(!codes(c.source).includes('LL101'), 'no "penalty added without a weight"');
    });
  }

  it('a weight that changes with the loop (one decay per parameter) stays in the term', () => {
    const source = torch('    reg = sum(d * p.pow(2).sum() for d, p in zip((1e-3, 1e-4), model.parameters()))');
    const m = model(analyze(source), 'loss_fn');
    assert.equal(m.terms[1]!.weight, undefined);
  });
});

describe('what a Keras regularizer applied on the spot measures', () => {
  it('an l2 regularizer over the variables is weight decay (its own value), not weight sparsity', () => {
    const m = model(analyze(keras('tf.add_n([tf.keras.regularizers.l2(1e-4)(v) for v in model.trainable_variables])')), 'loss_fn');
    assert.notEqual(m.terms[1]!.constraint?.kind, 'weight-sparsity');
  });

  it('an l1 regularizer over the variables is weight sparsity', () => {
    const m = model(analyze(keras('tf.add_n([tf.keras.regularizers.l1(1e-4)(v) for v in model.trainable_variables])')), 'loss_fn');
    assert.equal(m.terms[1]!.constraint?.kind, 'weight-sparsity');
  });

  it('a positive weight inside a hinge at zero is its λ (max(0, c·x) = c·max(0, x)), also kept in a variable; a negative one stays', () => {
    const torchLoss = (body: string) => `import torch
import torch.nn.functional as F

def quantile_gap_loss(pred, target, margin=0.1):
    ${body}
`;
    const lambdaOf = (body: string) => {
      const m = model(analyze(torchLoss(body)), 'quantile_gap_loss');
      const penalty = m.terms.find((t) => t.role === 'penalty');
      return [penalty?.label, penalty?.weight?.text];
    };
    assert.deepEqual(lambdaOf('gap = torch.sum(torch.max(torch.tensor(0.0), 10 * (margin - pred)), dim=0)\n    return F.mse_loss(pred, target) + gap'), ['gap', '10']);
    assert.deepEqual(lambdaOf('return F.mse_loss(pred, target) + torch.clamp(3 * (pred - 1), min=0).mean()'), ['clamp(pred - 1, min=0)', '3']);
    assert.deepEqual(lambdaOf('return F.mse_loss(pred, target) + torch.relu(-2 * pred).mean()'), ['relu(-2 * pred)', undefined]);
  });

  it('the hinge with its weight taken out trains the same loss: the code λ gives the value the code computes', async () => {
    await cpu();
    const m = model(analyze(`import torch
import torch.nn.functional as F

def quantile_gap_loss(pred, target, margin=0.1):
    gap = torch.sum(torch.max(torch.tensor(0.0), 10 * (margin - pred)), dim=0)
    return torch.mean(F.mse_loss(pred, target, reduction="none") + gap)
`), 'quantile_gap_loss');
    const pred = [[0.0, 0.3], [0.05, -0.2]];
    const target = [[0.1, 0.2], [0.0, 0.0]];
    // python3: import torch, torch.nn.functional as F; p=torch.tensor(pred); t=torch.tensor(target)
    //   torch.mean(F.mse_loss(p, t, reduction='none') + torch.sum(torch.max(torch.tensor(0.0), 10 * (0.1 - p)), dim=0))
    //   → 2.265625
    assert.equal(m.terms[1]!.weight?.text, '10');
    close(run(m, target, pred).total, 2.265625, 1e-5);
  });
});


describe('one weight on every addend of a reduced sum', () => {
  const fm = (lw: string, lv: string) => `import tensorflow as tf

def ridge_loss(y, y_hat, V, W):
    lambda_w = ${lw}
    lambda_v = ${lv}
    l2_norm = tf.reduce_sum(tf.add(tf.multiply(lambda_w, tf.pow(W, 2)), tf.multiply(lambda_v, tf.pow(V, 2))))
    error = tf.reduce_mean(tf.square(tf.subtract(y, y_hat)))
    return error + l2_norm
`;
  const penalty = (src: string) => model(analyze(src), 'ridge_loss').terms.find((t) => t.role === 'penalty');

  it('equal tf.constant weights (named apart) are the λ of the sum, 0.001; no LL101', () => {
    const src = fm('tf.constant(0.001, name="lambda_w")', 'tf.constant(0.001, name="lambda_v")');
    const p = penalty(src);
    assert.equal(p?.weight?.text, 'tf.constant(0.001, name="lambda_w")');
    assert.equal(p?.expr.text, 'tf.reduce_sum(tf.pow(W, 2) + tf.pow(V, 2))');
    assert.ok(!codes(src).includes('LL101'));
  });

  it('"Use λ" sets every one of the equal constants, so the code keeps one λ', () => {
    const src = fm('tf.constant(0.001, name="lambda_w")', 'tf.constant(0.001, name="lambda_v")');
    const r = writeLambda(model(analyze(src), 'ridge_loss'), src, 0.02);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.ok(r.text.includes('tf.constant(0.02, name="lambda_w")') && r.text.includes('tf.constant(0.02, name="lambda_v")'), r.text);
  });

  it('a sweep over several penalties writes that λ into each constant too', () => {
    const src = fm('tf.constant(0.001, name="lambda_w")', 'tf.constant(0.001, name="lambda_v")').replace('return error + l2_norm', 'return error + l2_norm + 0.5 * tf.reduce_mean(tf.nn.relu(-y_hat))');
    const m = model(analyze(src), 'ridge_loss');
    const knobs = penaltyKnobs(m);
    assert.equal(knobs.length, 2);
    const r = writeKnobs(m, src, knobs.map((k, i) => ({ id: k.id, label: k.label, value: i === 0 ? 0.02 : 0.7 })));
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.ok(r.text.includes('tf.constant(0.02, name="lambda_w")') && r.text.includes('tf.constant(0.02, name="lambda_v")'), r.text);
  });

  it('two settings of one value named apart are no one λ a write could set: left as written', () => {
    const src = `LAM_W = 0.001\nLAM_V = 0.001\n${fm('LAM_W', 'LAM_V')}`;
    assert.equal(penalty(src)?.weight, undefined);
  });

  it('different weights are no one λ: the sum stays as written, unweighted', () => {
    assert.equal(penalty(fm('tf.constant(0.001, name="lambda_w")', 'tf.constant(0.01, name="lambda_v")'))?.weight, undefined);
  });
});

describe('a weight inside a copy of the value', () => {
  it('TF.js: tf.scalar(tf.mul(this.l2, tf.sum(tf.square(x))).arraySync()): the λ is this.l2, and the copy still has no gradient', () => {
    const src = `import * as tf from '@tensorflow/tfjs';

class SquaredKernel extends tf.serialization.Serializable {
  constructor(config) {
    super();
    this.l2 = config.l2;
  }

  apply(x) {
    return tf.tidy(() => {
      const regularization = tf.mul(this.l2, tf.sum(tf.square(x)));
      return tf.scalar(regularization.arraySync());
    });
  }
}

const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [8], units: 4, kernelRegularizer: new SquaredKernel({ l2: 1e-3 }) }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
`;
    const a = analyze(src, 'javascript');
    const penalty = a.models.flatMap((m) => m.terms).find((t) => t.role === 'penalty');
    assert.equal(penalty?.weight?.text, 'this.l2');
    const found = runRules(a, src).map((f) => f.code);
    assert.ok(found.includes('LL105') || found.includes('LL106'), found.join(', '));
  });

  it('PyTorch: float((lam * p).detach()) weighs by lam', () => {
    const src = torch('    reg = float((lam * pred.abs().mean()).detach())');
    assert.deepEqual(model(analyze(src), 'loss_fn').terms.map(termSummary).slice(1), ['penalty:+:reg*lam']);
  });
});
