// "Use λ" after a sweep over several penalties: every penalty's λ is written where it lives, as one list of edits
// (one WorkspaceEdit in the editor: one undo step), or nothing is written and the reason says which λ.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { SourceLanguage } from '../../../src/analysis/ir';
import { knobEdits, writeKnobs } from '../../../src/analysis/lambdaSite';
import { analyze, ready } from './helpers';

before(() => ready);

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/sweep2', name), 'utf8');

/** The changed lines (before → after) once both λs are written. */
function changed(name: string, language: SourceLanguage, values: { id: string; label: string; value: number }[]) {
  const source = fixture(name);
  const out = writeKnobs(analyze(source, language).models[0]!, source, values);
  if (!out.ok) return out;
  const a = source.split('\n');
  const b = out.text.split('\n');
  assert.equal(a.length, b.length, 'no line added or removed');
  return { ok: true, where: out.where, lines: a.flatMap((l, i) => (l === b[i] ? [] : [`${l.trim()} → ${b[i]!.trim()}`])) };
}

describe('writing several λs', () => {
  it('Python: both parameter defaults in the signature, in one edit list', () => {
    const source = fixture('two_penalties.py');
    const found = knobEdits(analyze(source, 'python').models[0]!, source, [{ id: 'lam_sum', label: 'lam_sum', value: 3.2 }, { id: 'lam_box', label: 'lam_box', value: 10 }]);
    assert.ok(found.ok);
    assert.equal(found.edits.length, 2);
    assert.deepEqual(changed('two_penalties.py', 'python', [{ id: 'lam_sum', label: 'lam_sum', value: 3.2 }, { id: 'lam_box', label: 'lam_box', value: 10 }]), {
      ok: true,
      where: 'the default of lam_sum (line 6), the default of lam_box (line 6)',
      lines: ['def simplex_box_loss(y_true, y_pred, lam_sum=0.1, lam_box=1.0): → def simplex_box_loss(y_true, y_pred, lam_sum=3.2, lam_box=10.0):'],
    });
  });

  it('Python: the factory call the model is compiled with, not the factory defaults', () => {
    const out = changed('two_penalties_factory.py', 'python', [{ id: 'lam_sum', label: 'lam_sum', value: 0.032 }, { id: 'lam_neg', label: 'lam_neg', value: 5 }]);
    assert.deepEqual(out.ok && out.lines, ['model.compile(optimizer="adam", loss=make_loss(lam_sum=0.5, lam_neg=2.0)) → model.compile(optimizer="adam", loss=make_loss(lam_sum=0.032, lam_neg=5.0))']);
  });

  it('TypeScript: two module constants', () => {
    const out = changed('two_penalties.ts', 'typescript', [{ id: 'LAMBDA_SUM', label: 'LAMBDA_SUM', value: 1 }, { id: 'LAMBDA_NEG', label: 'LAMBDA_NEG', value: 0.25 }]);
    assert.deepEqual(out.ok && out.lines, ['const LAMBDA_SUM = 0.1; → const LAMBDA_SUM = 1.0;', 'const LAMBDA_NEG = 1.0; → const LAMBDA_NEG = 0.25;']);
  });

  it('JavaScript: each penalty\'s own literal weight', () => {
    const out = changed('literal_weights.js', 'javascript', [{ id: 't1', label: 'λ[sumPenalty]', value: 2 }, { id: 't2', label: 'λ[negPenalty]', value: 0.05 }]);
    assert.deepEqual(out.ok && out.lines, ['return mse.add(tf.mul(0.1, sumPenalty)).add(tf.mul(0.5, negPenalty)); → return mse.add(tf.mul(2.0, sumPenalty)).add(tf.mul(0.05, negPenalty));']);
  });

  it('a λ already at the code value is left alone; one that cannot be written refuses them all', () => {
    const same = changed('two_penalties.py', 'python', [{ id: 'lam_sum', label: 'lam_sum', value: 0.1 }, { id: 'lam_box', label: 'lam_box', value: 3.2 }]);
    assert.deepEqual(same.ok && same.lines, ['def simplex_box_loss(y_true, y_pred, lam_sum=0.1, lam_box=1.0): → def simplex_box_loss(y_true, y_pred, lam_sum=0.1, lam_box=3.2):']);
    const src = 'import tensorflow as tf\nimport config\n\ndef loss(y_true, y_pred, lam_a=0.1, lam_b=config.LAM):\n    mse = tf.reduce_mean(tf.square(y_true - y_pred))\n    a = tf.reduce_mean(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0))\n    b = tf.reduce_mean(tf.nn.relu(-y_pred))\n    return mse + lam_a * a + lam_b * b\n';
    const out = writeKnobs(analyze(src, 'python').models[0]!, src, [{ id: 'lam_a', label: 'lam_a', value: 1 }, { id: 'lam_b', label: 'lam_b', value: 2 }]);
    assert.equal(out.ok, false);
    assert.match(!out.ok ? out.reason : '', /^lam_b: /);
  });
});
