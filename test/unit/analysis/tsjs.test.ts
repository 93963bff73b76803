// TypeScript/JavaScript (TF.js) front end: the same IR as Python, arithmetic methods normalised to binary nodes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DocumentAnalyzer } from '../../../src/analysis/index';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { check } from '../rules/corpus';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

describe('TF.js front end', () => {
  it('reads a function declaration wrapped in tf.tidy with chained methods, and its bare compile', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
import { losses as L } from '@tensorflow/tfjs-core';

export function sumLoss(yTrue: tf.Tensor, yPred: tf.Tensor, lam = 0.5): tf.Scalar {
  return tf.tidy(() => {
    const base = L.meanSquaredError(yTrue, yPred);
    const sumPenalty = yPred.sum(-1).sub(1).abs().mean();
    return tf.add(base, tf.mul(lam, sumPenalty));
  });
}
const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'sigmoid' })] });
model.compile({ optimizer: 'adam', loss: sumLoss });
await model.fit(xs, ys);
`, 'typescript', 'loss.ts');
    assert.equal(a.framework, 'tfjs');
    assert.deepEqual(a.syntaxErrors, []);
    const m = model(a, 'sumLoss');
    assert.equal(m.kind, 'function');
    assert.equal(m.language, 'typescript');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:base', 'penalty:+:sumPenalty*lam']);
    const base = m.terms[0].expr;
    assert.equal(base.kind === 'call' && base.callee, 'tf.losses.meanSquaredError');
    // yPred.sum(-1).sub(1) is a binary '-' whose left is the method call sum
    const abs = m.terms[1].expr.kind === 'method' ? m.terms[1].expr.object : undefined;
    const diff = abs?.kind === 'method' ? abs.object : undefined;
    assert.equal(diff?.kind === 'binary' && diff.op, '-');
    assert.deepEqual(m.terms[1].constraint, { kind: 'sum-to-one', params: { target: 1 } });
    assert.equal(m.outputActivation, 'sigmoid');
    assert.deepEqual(m.usages.map((u) => [u.kind, u.passesBareFunction ?? null]), [['compile', true], ['fit', null]]);
  });

  it('splits a.add(b.mul(lam)) and tf.add(a, tf.mul(lam, b)) the same way', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
const chained = (yTrue, yPred, lam = 2) => tf.losses.softmaxCrossEntropy(yTrue, yPred).add(tf.relu(yPred.neg()).square().mean().mul(lam));
const nested = (yTrue, yPred, lam = 2) => tf.add(tf.losses.softmaxCrossEntropy(yTrue, yPred), tf.mul(lam, tf.relu(tf.neg(yPred)).square().mean()));
`, 'javascript', 'loss.js');
    const c = model(a, 'chained');
    const n = model(a, 'nested');
    assert.equal(c.kind, 'arrow');
    for (const m of [c, n]) {
      assert.deepEqual(m.terms.map((t) => [t.role, t.weightParam ?? null, t.constraint?.kind ?? null]), [['base', null, null], ['penalty', 'lam', 'non-negativity']]);
    }
  });

  it('reads a factory returning an arrow, with the factory call bound in compile', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
function makeBounded(lam = 10.0, lower = 0.0, upper = 1.0) {
  return (yTrue, yPred) => tf.tidy(() => {
    const base = tf.losses.meanSquaredError(yTrue, yPred);
    const lowerPenalty = tf.mean(tf.square(tf.relu(tf.sub(lower, yPred))));
    const upperPenalty = tf.mean(tf.square(tf.relu(tf.sub(yPred, upper))));
    return tf.add(base, tf.mul(lam, tf.add(lowerPenalty, upperPenalty)));
  });
}
const makeArrow = (lam = 1) => (yTrue, yPred) => tf.losses.meanSquaredError(yTrue, yPred).add(yPred.abs().mean().mul(lam));
model.compile({ optimizer: 'adam', loss: makeBounded(5, -1) });
`, 'javascript');
    const m = model(a, 'makeBounded');
    assert.equal(m.kind, 'factory');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:base', 'penalty:+:lowerPenalty + upperPenalty*lam']);
    assert.deepEqual(m.terms[1].constraint, { kind: 'bounds', params: { lower: 0, upper: 1 } });
    assert.deepEqual(m.usages.map((u) => [u.kind, u.boundArgs ?? null]), [['compile', null], ['factory-call', { lam: 5, lower: -1 }]]);
    const arrow = model(a, 'makeArrow');
    assert.equal(arrow.kind, 'factory');
    assert.deepEqual(arrow.terms[1].constraint, { kind: 'output-sparsity', params: {} });
  });

  it('reads function expressions, let/+= and if/else in TF.js', () => {
    const a = analyze(`const tf = require('@tensorflow/tfjs-node');
const fexpr = function (yTrue, yPred, lam = 0.1) {
  let loss = tf.metrics.meanSquaredError(yTrue, yPred).mean();
  loss += lam * yPred.abs().mean();
  return loss;
};
`, 'javascript');
    const m = model(a, 'fexpr');
    assert.equal(a.framework, 'tfjs');
    assert.equal(m.kind, 'function');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:loss', 'penalty:+:yPred.abs()*lam']);
  });

  it('picks the TSX grammar for JSX when no file name says which, in one-shot and incremental analysis', () => {
    const src = `import * as tf from '@tensorflow/tfjs';
const l = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.meanSquaredError(yTrue, yPred);
export const View = () => <div className="x">{String(1)}</div>;
`;
    assert.deepEqual(analyze(src, 'typescript').syntaxErrors, []);
    const doc = new DocumentAnalyzer('typescript');
    assert.ok(doc.update('const a = 1;\n').syntaxErrors.length === 0);
    const withJsx = doc.update(src); // JSX appears: a new parser, no old tree reused
    assert.deepEqual(withJsx.syntaxErrors, []);
    assert.deepEqual(withJsx.models.map((m) => m.name), ['l']);
    doc.dispose();
    // an old-style type assertion in a .ts file keeps the TypeScript grammar
    assert.deepEqual(analyze('const x = <number>y;\nconst l = (yTrue, yPred) => (<any>yPred).abs().mean();\n', 'typescript', 'a.ts').syntaxErrors, []);
  });

  it('parses .tsx with the TSX grammar', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
const l = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.meanSquaredError(yTrue, yPred);
export const View = () => <div className="x">{String(1)}</div>;
`, 'typescript', 'view.tsx');
    assert.deepEqual(a.syntaxErrors, []);
    assert.deepEqual(a.models.map((m) => m.name), ['l']);
  });
});

describe('TF.js usages through wrappers', () => {
  it('sees a compile of an arrow that calls the loss with λ as not bare', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
function constrainedLoss(yTrue, yPred, lam = 1) { return tf.losses.meanSquaredError(yTrue, yPred).add(yPred.abs().mean().mul(lam)); }
model.compile({ optimizer: 'adam', loss: (yt, yp) => constrainedLoss(yt, yp, 0.5) });
`, 'javascript');
    assert.deepEqual(model(a, 'constrainedLoss').usages.map((u) => [u.kind, u.passesBareFunction ?? null]), [['compile', false], ['call', null]]);
  });
});

describe('TF.js: more shapes', () => {
  it('reads a factory returning a named inner function, typed arrows, and a labelled tf.tidy', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
type LossFn = (a: tf.Tensor, b: tf.Tensor) => tf.Scalar;
export function makeMono(lam: number = 1, margin = 0) {
  const n = 4;
  function monoLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
    const base = tf.losses.meanSquaredError(yTrue, yPred);
    let penalty = tf.relu(tf.neg(yPred)).mean();
    if (margin > 0) {
      penalty = penalty.mul(2);
    }
    return base.add(penalty.mul(lam)) as tf.Scalar;
  }
  return monoLoss;
}
export const typed: LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar =>
  tf.tidy('typed-loss', () => tf.losses.meanSquaredError(yTrue, yPred).sub(yPred.abs().mean().mul(0.1)));
`, 'typescript');
    const m = model(a, 'makeMono');
    assert.equal(m.kind, 'factory');
    assert.deepEqual(m.params.map((p) => [p.name, p.role, p.default ?? null]), [['lam', 'hyper', 1], ['margin', 'hyper', 0], ['yTrue', 'yTrue', null], ['yPred', 'yPred', null]]);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:base', 'penalty:+:penalty*lam']);
    assert.equal(m.terms[1].expr.kind, 'conditional');
    // `penalty * 2` in one branch is the same shape scaled
    assert.deepEqual(m.terms[1].constraint, { kind: 'non-negativity', params: {} });
    const t = model(a, 'typed');
    assert.equal(t.kind, 'arrow');
    assert.deepEqual(t.terms.map((x) => [x.role, x.sign, x.weight?.text ?? null, x.constraint?.kind ?? null]), [['base', 1, null, null], ['penalty', -1, '0.1', 'output-sparsity']]);
  });
});

describe('TF.js: a method of a module-level value', () => {
  it('`a.square()` with `const a = tf.variable(…)` at module level is a method on a global name: refused by name, no unsupported op', () => {
    const src = `const tf = require('@tensorflow/tfjs');

const RIDGE = 0.01;
const a = tf.variable(tf.scalar(Math.random()));

function loss(predictions, labels) {
  const mse = predictions.sub(labels).square().mean();
  return mse.add(a.square().mul(RIDGE));
}
`;
    const { analysis, findings } = check(src, 'javascript', 'ridge.js');
    const m = model(analysis, 'loss');
    const ridge = m.terms[1]!.expr;
    assert.equal(ridge.kind, 'method');
    assert.deepEqual(ridge.kind === 'method' && ridge.object.kind === 'name' ? [ridge.object.name, ridge.object.ref, ridge.method] : [], ['a', 'global', 'square']);
    assert.deepEqual(findings.map((f) => f.code), []);
    assert.deepEqual(findUnsupported(m).map((u) => u.op), ['a']);
  });
});
