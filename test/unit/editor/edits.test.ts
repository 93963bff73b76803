// The editor turns VS Code content changes into tree-sitter edits (src/editor/analysis/edits.ts). Checked against a
// real web-tree-sitter: after each edit + incremental reparse, the tree must equal a fresh parse of the new text,
// node positions included, also with non-ASCII text (λ, Σ, an emoji outside the BMP) and Windows line endings.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Language, type Node, Parser, type Tree } from 'web-tree-sitter';
import { type ContentChange, endPointAfter, toTreeEdit } from '../../../src/editor/analysis/edits';

let parser: Parser;

before(async () => {
  await Parser.init();
  parser = new Parser();
  parser.setLanguage(await Language.load('node_modules/tree-sitter-python/tree-sitter-python.wasm'));
});

/** Line/character of a UTF-16 offset, as VS Code computes them. */
function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** The change event VS Code gives for replacing `[from, to)` of `text` by `insert`. */
function change(text: string, from: number, to: number, insert: string): ContentChange {
  return { range: { start: positionAt(text, from), end: positionAt(text, to) }, rangeOffset: from, rangeLength: to - from, text: insert };
}

function shape(node: Node): string {
  const kids = node.children.filter((c): c is Node => c !== null).map(shape).join(' ');
  return `${node.type}@${node.startIndex}-${node.endIndex}[${node.startPosition.row}:${node.startPosition.column}-${node.endPosition.row}:${node.endPosition.column}](${kids})`;
}

function applyAll(start: string, steps: [from: number, to: number, insert: string][]): void {
  let text = start;
  let tree: Tree = parser.parse(text)!;
  for (const [from, to, insert] of steps) {
    const edit = toTreeEdit(change(text, from, to, insert));
    text = text.slice(0, from) + insert + text.slice(to);
    tree.edit(edit);
    const next = parser.parse(text, tree)!;
    tree.delete();
    tree = next;
    const fresh = parser.parse(text)!;
    assert.equal(shape(tree.rootNode), shape(fresh.rootNode), `after inserting ${JSON.stringify(insert)} at ${from}`);
    fresh.delete();
  }
  tree.delete();
}

const loss = [
  'import tensorflow as tf',
  '',
  'def constrained_loss(y_true, y_pred, lam=0.1):  # λ · Σp',
  '    ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)',
  '    s = "😀 Σ"',
  '    penalty = tf.square(tf.reduce_sum(y_pred, axis=-1) - 1.0)',
  '    return ce + lam * penalty',
  '',
].join('\n');

test('single-line inserts and deletes after non-ASCII text keep the tree equal to a fresh parse', () => {
  const afterEmoji = loss.indexOf('"😀 Σ"') + 5;
  const lamUse = loss.indexOf('lam * penalty');
  applyAll(loss, [
    [afterEmoji, afterEmoji, 'λλ'],
    [lamUse, lamUse + 6, ''],
    [lamUse, lamUse, '2.0 * lam * '],
  ]);
});

test('multi-line inserts, joins and a syntax error then its repair stay in step', () => {
  const ret = loss.indexOf('    return');
  const sig = loss.indexOf('lam=0.1)');
  applyAll(loss, [
    [ret, ret, '    extra = tf.abs(\n        y_pred - 0.5)\n'],
    [sig, sig + 8, 'lam=0.1'], // unclosed parameter list: syntax error
    [sig + 7, sig + 7, ')'],
    [0, loss.indexOf('\n') + 1, ''],
  ]);
});

test('CRLF text: rows split at \\n, the \\r stays in the column count', () => {
  const crlf = loss.replaceAll('\n', '\r\n');
  const at = crlf.indexOf('    return');
  applyAll(crlf, [[at, at, '    x = 1\r\n    y = (\r\n 2)\r\n']]);
  assert.deepEqual(endPointAfter({ row: 3, column: 4 }, 'a\r\nbc'), { row: 4, column: 2 });
});

test('the new end point counts UTF-16 code units, as VS Code columns do', () => {
  assert.deepEqual(endPointAfter({ row: 2, column: 5 }, '😀λ'), { row: 2, column: 8 });
  assert.deepEqual(endPointAfter({ row: 2, column: 5 }, 'x\n\n😀'), { row: 4, column: 2 });
  const edit = toTreeEdit(change('ab😀cd', 4, 5, 'XYZ'));
  assert.deepEqual(edit, {
    startIndex: 4,
    oldEndIndex: 5,
    newEndIndex: 7,
    startPosition: { row: 0, column: 4 },
    oldEndPosition: { row: 0, column: 5 },
    newEndPosition: { row: 0, column: 7 },
  });
});
