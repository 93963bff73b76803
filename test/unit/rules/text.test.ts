// The text helpers every fix relies on: ranges ↔ offsets in UTF-16 units (as VS Code counts), CRLF files, and
// applying several edits at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../../src/analysis/fixes/apply';
import { SourceText } from '../../../src/analysis/fixes/text';

const r = (startLine: number, startCol: number, endLine: number, endCol: number) => ({ startLine, startCol, endLine, endCol });

describe('SourceText', () => {
  it('maps ranges to text in UTF-16 columns, also after non-ASCII and in CRLF files', () => {
    const t = new SourceText('# λ → 𝜆\r\nloss = ce + p\r\n');
    assert.equal(t.slice(r(1, 7, 1, 9)), 'ce');
    assert.equal(t.slice(r(0, 2, 0, 3)), 'λ');
    assert.equal(t.slice(r(0, 6, 0, 8)), '𝜆');
    assert.deepEqual(t.positionAt(t.offsetAt(1, 12)), { line: 1, col: 12 });
    assert.equal(t.lines[1], 'loss = ce + p');
  });

  it('finds the bracket that closes a parameter list, skipping strings and nested brackets', () => {
    const src = 'def f(y_true, y_pred, shape=(1, 2), name=")"):\n    pass\n';
    const t = new SourceText(src);
    const close = t.enclosingClose(src.indexOf('y_pred'));
    assert.equal(src.slice(close ?? 0), '):\n    pass\n');
    assert.equal(t.matchingClose(0), close);
  });

  it('reads the indentation unit of the file', () => {
    assert.equal(new SourceText('def f():\n  if x:\n    pass\n').indentUnit(), '  ');
    assert.equal(new SourceText('x = 1\n').indentUnit(), '    ');
  });
});

describe('applyEdits', () => {
  it('applies edits given in any order against the original positions', () => {
    const src = 'return mse - lam * tf.abs(r)\n';
    const out = applyEdits(src, [
      { range: r(0, 19, 0, 25), newText: 'tf.square' },
      { range: r(0, 11, 0, 12), newText: '+' },
    ]);
    assert.equal(out, 'return mse + lam * tf.square(r)\n');
  });

  it('refuses overlapping edits instead of corrupting the file', () => {
    assert.throws(() => applyEdits('abcdef', [
      { range: r(0, 0, 0, 4), newText: 'x' },
      { range: r(0, 2, 0, 5), newText: 'y' },
    ]), /overlapping edits/);
  });
});
