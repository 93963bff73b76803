// The seed article's three Keras examples, verbatim (test/fixtures/analysis/seed-*.py), read as a reviewer would.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, fixture, model, ready, termSummary } from './helpers';

before(() => ready);

describe('seed example 1: sum-to-one', () => {
  it('splits cross-entropy and the λ-weighted sum penalty, recognises sum-to-one, sees the bare compile', () => {
    const a = analyze(fixture('seed-1-sum-to-one.py'));
    assert.equal(a.framework, 'keras');
    assert.deepEqual(a.syntaxErrors, []);
    const m = model(a, 'constrained_loss');
    assert.equal(m.id, 'constrained_loss:3');
    assert.equal(m.kind, 'function');
    assert.deepEqual([m.yTrue, m.yPred], ['y_true', 'y_pred']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:cross_entropy', 'penalty:+:sum_penalty*lambda_param']);
    assert.equal(m.terms[0].expr.kind === 'call' && m.terms[0].expr.callee, 'tf.keras.losses.categorical_crossentropy');
    assert.equal(m.terms[1].weightParam, 'lambda_param');
    assert.deepEqual(m.terms[1].constraint, { kind: 'sum-to-one', params: { target: 1 } });
    assert.equal(m.lambdaParam, 'lambda_param');
    const lam = m.params.find((p) => p.name === 'lambda_param');
    assert.equal(lam?.role, 'hyper');
    assert.equal(lam?.default, 1);
    assert.deepEqual(m.usages.map((u) => [u.kind, u.passesBareFunction]), [['compile', true]]);
    // the penalty's range is where `sum_penalty` is written (line 16, 0-based 15), not the return line
    assert.equal(m.terms[1].expr.range.startLine, 15);
    assert.equal(m.returnRange.startLine, 16);
  });
});

describe('seed example 2: bounded output', () => {
  it('keeps lower + upper penalties as one λ-weighted penalty with bounds [0, 1] from the defaults', () => {
    const m = model(analyze(fixture('seed-2-bounded.py')), 'bounded_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse', 'penalty:+:lower_penalty + upper_penalty*lambda_param']);
    assert.deepEqual(m.terms[1].constraint, { kind: 'bounds', params: { lower: 0, upper: 1 } });
    assert.equal(m.lambdaParam, 'lambda_param');
    assert.deepEqual(
      m.params.map((p) => [p.name, p.role, p.default]),
      [['y_true', 'yTrue', undefined], ['y_pred', 'yPred', undefined], ['lower_bound', 'hyper', 0], ['upper_bound', 'hyper', 1], ['lambda_param', 'hyper', 10]],
    );
    assert.deepEqual(m.usages.map((u) => [u.kind, u.passesBareFunction]), [['compile', true]]);
  });
});

describe('seed example 3: "sparsity" on the outputs', () => {
  it('recognises mean |y_pred| as output sparsity (not weight sparsity)', () => {
    const m = model(analyze(fixture('seed-3-sparse.py')), 'sparse_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse', 'penalty:+:l1_penalty*lambda_param']);
    assert.deepEqual(m.terms[1].constraint, { kind: 'output-sparsity', params: {} });
    assert.equal(m.params.find((p) => p.name === 'lambda_param')?.default, 0.01);
    assert.deepEqual(m.usages.map((u) => [u.kind, u.passesBareFunction]), [['compile', true]]);
  });
});
