// Linearity through a final division and through accumulators (issue 9 §3): `(hinge + sparsity + smooth) / n` is
// each term divided by n, and an accumulator that adds `x * w` on every pass from zero is w · Σ x, so its λ is w.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { check } from '../rules/corpus';
import { analyze, model, ready, termSummary } from './helpers';

const ACCUMULATED = `import torch
import torch.nn.functional as F

SPARSE_W = 1e-4


def ranking_loss(scores, targets, n_groups=4):
    hinge = torch.tensor(0.0).cuda()
    sparsity = 0.0
    scores = scores.view(n_groups, -1)
    for g in range(n_groups):
        hinge += F.relu(1.0 - scores[g, 0] + scores[g, 1])
        sparsity += scores[g].abs().sum() * SPARSE_W
    return (hinge + sparsity) / n_groups
`;

describe('a sum divided at the end, accumulators with their λ inside', () => {
  before(() => ready);

  it('(hinge + sparsity) / n: two terms, each divided by n; the accumulated λ is the sparsity weight', () => {
    const m = model(analyze(ACCUMULATED), 'ranking_loss');
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.label}`), ['base:hinge', 'penalty:sparsity']);
    const sparsity = m.terms[1]!;
    assert.equal(sparsity.weightParam, 'SPARSE_W');
    assert.match(sparsity.expr.text, /\/ n_groups$/, 'the division by the count stays in the term');
  });

  it('the accumulated sum divided after its loop is not a batch sum (no LL108) and its λ is there (no LL101)', () => {
    const codes = check(ACCUMULATED, 'python', 'loss.py').findings.map((f) => f.code);
    assert.ok(!codes.includes('LL108') && !codes.includes('LL101'), codes.join(', '));
  });

  it('a relative error divided by the target stays one term', () => {
    const src = `import torch

def rel_loss(pred, target, lam=0.1):
    rel = ((pred - target) / target).abs().mean()
    return rel + lam * torch.relu(-pred).mean()
`;
    assert.deepEqual(model(analyze(src), 'rel_loss').terms.map(termSummary), ['base:+:rel', 'penalty:+:relu(-pred)*lam']);
  });

  it('a weight that changes between passes is not a λ', () => {
    const src = ACCUMULATED.replace('scores[g].abs().sum() * SPARSE_W', 'scores[g].abs().sum() * (g + 1)');
    const sparsity = model(analyze(src), 'ranking_loss').terms.find((t) => t.label === 'sparsity');
    assert.equal(sparsity?.weight, undefined);
  });
});

describe('an accumulator that starts from the base and adds a named penalty in nested loops', () => {
  before(() => ready);
  // EWC-style: `total = bce; for j: for i: diff = …; total += (lam / 2) * diff` (the inner loop's running `total` is
  // its own; the outer loop still adds a weighted sum to the base)
  const NESTED = `import tensorflow as tf

anchors = []
fisher = []
theta = []


def ewc(y_true, y_pred, lam=0.4):
    total = tf.keras.losses.binary_crossentropy(y_true, y_pred)
    for j in range(len(anchors)):
        for i in range(len(anchors[j])):
            diff = tf.reduce_sum(fisher[j][i] * tf.square(theta[i] - anchors[j][i]))
            total += (lam / 2) * diff
    return total
`;

  it('splits the base from the penalty, named by what each pass adds, with λ = lam / 2', () => {
    const m = model(analyze(NESTED), 'ewc');
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.label}`), ['base:total', 'penalty:diff']);
    assert.equal(m.terms[1]!.weight?.text.replace(/\s/g, ''), 'lam/2');
  });

  it('a single loop names the penalty by its per-pass variable too; an unnamed addition keeps the accumulator', () => {
    const loss = (pass: string) => `import tensorflow as tf

anchors = []


def ewc(y_true, y_pred, lam=0.4):
    total = tf.keras.losses.binary_crossentropy(y_true, y_pred)
    for i in range(len(anchors)):
${pass}
    return total
`;
    const named = loss('        diff = tf.reduce_sum(tf.square(y_pred - anchors[i]))\n        total += lam * diff');
    assert.deepEqual(model(analyze(named), 'ewc').terms.map((t) => t.label), ['total', 'diff']);
    const unnamed = loss('        total += lam * tf.reduce_sum(tf.square(y_pred - anchors[i]))');
    assert.deepEqual(model(analyze(unnamed), 'ewc').terms.map((t) => t.label), ['total', 'total']);
  });
});
