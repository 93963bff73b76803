// Issue 9 §4: the rules judge real code as a careful reviewer would. The fixture corpus holds one file per case;
// these tests pin what the corpus cannot: how many times a finding is reported, what a message names, and that a
// penalty read through an IR node the rules do not list (a loop over `tf.unstack(y_pred)`) still has a gradient.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { SourceText } from '../../../src/analysis/fixes/text';
import { initParsers } from '../../../src/analysis/index';
import type { Expr, LossModel } from '../../../src/analysis/ir';
import { checkNoGradient } from '../../../src/analysis/rules/noGradient';
import { check, rulesRoot } from './corpus';

const fixture = (path: string): string => readFileSync(join(rulesRoot, path), 'utf8');

describe('rules on real shapes', () => {
  before(async () => {
    await initParsers();
  });

  it('reports a division once, though the local holding it is read by two terms', () => {
    const { findings } = check(fixture('LL112/fires/keras_fraction_used_twice.py'), 'python', 'f.py');
    assert.equal(findings.filter((f) => f.code === 'LL112').length, 1, findings.map((f) => f.message).join('\n'));
  });

  it('1 - overlap is one penalty added without λ, not a constant term beside a subtracted one', () => {
    const { findings } = check(fixture('LL101/fires/keras_one_minus_overlap.py'), 'python', 'f.py');
    assert.deepEqual(
      findings.map((f) => `${f.code} ${f.message.split(' is ')[0]}`),
      ['LL101 Penalty `1.0 - overlap`'],
    );
  });

  it('a frozen copy of a layer\'s weights: the message names the copy', () => {
    const { findings } = check(fixture('LL105/fires/keras_frozen_kernel_copy.py'), 'python', 'f.py');
    const f = findings.find((x) => x.code === 'LL105');
    assert.ok(f);
    assert.match(f.message, /`K\.variable\(hidden\.get_weights\(\)\[0\]\)`, a frozen copy/);
    assert.equal(f.range.startLine, 8, 'anchored on the copy');
  });

  it('a factory passed itself to compile is reported whatever its parameter is called, in TS/JS too', () => {
    const ts = `import * as tf from '@tensorflow/tfjs';
export function makeLoss(weights: number) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.losses.meanSquaredError(yTrue, yPred).add(tf.mul(weights, tf.mean(tf.relu(tf.neg(yPred)))));
}
const model = tf.sequential();
model.compile({ optimizer: 'adam', loss: makeLoss });
`;
    const { findings } = check(ts, 'typescript', 'f.ts');
    const f = findings.find((x) => x.code === 'LL102');
    assert.ok(f, findings.map((x) => x.code).join(', '));
    assert.match(f.message, /`makeLoss` is a factory \(it takes `weights`/);
  });

  it('a penalty over the loop variables of tf.unstack(y_pred) depends on the prediction (any IR node the rules do not list)', () => {
    const r = { startLine: 0, startCol: 0, endLine: 0, endCol: 1 };
    const name = (n: string, ref: 'yPred' | 'yTrue' | 'param'): Expr => ({ kind: 'name', name: n, ref, range: r, text: n });
    const loopVar = { kind: 'name', name: 'p', ref: 'loop', range: r, text: 'p' } as unknown as Expr;
    const unstack: Expr = { kind: 'call', callee: 'tf.unstack', args: [name('y_pred', 'yPred')], kwargs: {}, range: r, text: 'tf.unstack(y_pred, axis=1)' };
    const body: Expr = { kind: 'call', callee: 'tf.reduce_mean', args: [{ kind: 'call', callee: 'tf.nn.relu', args: [loopVar], kwargs: {}, range: r, text: 'tf.nn.relu(p)' }], kwargs: {}, range: r, text: 'tf.reduce_mean(tf.nn.relu(p))' };
    const loop = { kind: 'loop', variables: ['p'], iterable: unstack, body, range: r, text: 'for p in tf.unstack(y_pred, axis=1): …' } as unknown as Expr;
    const model = {
      id: 'l:1', name: 'l', kind: 'function', framework: 'keras', language: 'python', yTrue: 'y_true', yPred: 'y_pred', usages: [],
      params: [
        { name: 'y_true', role: 'yTrue', range: r },
        { name: 'y_pred', role: 'yPred', range: r },
      ],
      body: loop, range: r, nameRange: r, returnRange: r,
      terms: [
        { id: 't0', role: 'base', sign: 1, expr: name('y_true', 'yTrue'), label: 'base', range: r },
        { id: 't1', role: 'penalty', sign: 1, expr: loop, label: 'penalty', range: r },
      ],
    } as LossModel;
    const reports = checkNoGradient({ analysis: { language: 'python', models: [model], syntaxErrors: [] }, model, text: new SourceText('') });
    assert.deepEqual(reports, []);
  });
});
