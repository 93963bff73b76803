// Half-typed code and syntax errors: analysis never throws, says what and where, and keeps the functions that parse.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { languageOf } from '../../../src/analysis/index';
import { analyze, fixture, ready } from './helpers';

before(() => ready);

const seed1 = fixture('seed-1-sum-to-one.py');

describe('bad input', () => {
  it('keeps a complete loss while the next one is half typed, and reports the error line', () => {
    const src = `${seed1}\ndef second(y_true, y_pred, lam=1.0):\n    p = tf.\n`;
    const a = analyze(src);
    assert.deepEqual(a.models.map((m) => m.name), ['constrained_loss']);
    assert.equal(a.models[0].terms.length, 2);
    assert.ok(a.syntaxErrors.length > 0);
    const lines = a.syntaxErrors.map((e) => e.range.startLine);
    assert.ok(lines.some((l) => l >= 20), `error lines ${lines}`);
    assert.match(a.syntaxErrors[0].message, /Syntax error .*line \d+/);
  });

  it('finds losses before and after a broken statement', () => {
    const a = analyze(`import tensorflow as tf
def first(y_true, y_pred, lam=1.0):
    return tf.keras.losses.mse(y_true, y_pred) + lam * tf.reduce_mean(tf.abs(y_pred))

x = = (]  # λ 😀

def third(y_true, y_pred, lam=0.5):  # λ
    return tf.keras.losses.mse(y_true, y_pred) + lam * tf.reduce_mean(tf.nn.relu(-y_pred))
`);
    assert.deepEqual(a.models.map((m) => m.name), ['first', 'third']);
    assert.ok(a.syntaxErrors.some((e) => e.range.startLine === 4));
    assert.deepEqual(a.models[1].terms[1].constraint?.kind, 'non-negativity');
    // re-parsed on its own, with the file's positions (UTF-16 columns after the emoji line)
    assert.deepEqual(a.models[1].nameRange, { startLine: 6, startCol: 4, endLine: 6, endCol: 9 });
    assert.equal(a.models[1].terms[1].range.startLine, 7);
  });

  it('survives a half-typed return, an unclosed call and odd literals without throwing', () => {
    const sources = [
      'def l(y_true, y_pred, lam=1e999):\n    return y_true - y_pred +',
      'def l(y_true, y_pred):\n    return tf.reduce_mean(tf.square(y_true - y_pred)',
      'def l(y_true, y_pred, lam=):\n    return lam * ',
      'def l(y_true, y_pred):\n    return [p for p in y_pred] + (lambda z: z)(y_true) + {**x} + y_pred[...] @ y_true',
      '\u0000\u0001 def ) ( λ = 😀',
      '',
      'class X(nn.Module):\n    def forward(self, pred, target):\n        return',
    ];
    for (const src of sources) {
      const a = analyze(src);
      assert.equal(a.language, 'python');
      for (const m of a.models) assert.ok(m.terms.length > 0);
    }
    const unsupported = analyze(sources[3]).models[0];
    assert.ok(unsupported.terms.some((t) => t.expr.kind === 'loop'), 'the list comprehension is a loop node');
  });

  it('keeps TF.js losses around a syntax error', () => {
    const a = analyze(`import * as tf from '@tensorflow/tfjs';
const ok1 = (yTrue, yPred) => tf.losses.meanSquaredError(yTrue, yPred);
const broken = (yTrue, yPred) => tf.add(yTrue,
function ok2(yTrue, yPred, lam = 1) { return tf.losses.meanSquaredError(yTrue, yPred).add(yPred.abs().mean().mul(lam)); }
`, 'typescript');
    assert.ok(a.syntaxErrors.length > 0);
    assert.ok(a.models.some((m) => m.name === 'ok1'));
  });

  it('maps file names and VS Code language ids to languages', () => {
    assert.equal(languageOf('train.py'), 'python');
    assert.equal(languageOf('python'), 'python');
    assert.equal(languageOf('src/loss.TSX'), 'typescript');
    assert.equal(languageOf('typescriptreact'), 'typescript');
    assert.equal(languageOf('a.mjs'), 'javascript');
    assert.equal(languageOf('README.md'), undefined);
    assert.equal(languageOf('constructor'), undefined);
  });
});
