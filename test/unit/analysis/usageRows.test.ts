// Reading a file's call sites asks, for each, whether it lies inside a loss: a binary search over the losses'
// ranges (nested ones too: a factory and its inner loss), not a scan of every loss per call site.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { DocumentAnalyzer, initParsers } from '../../../src/analysis/index';
import type { SourceRange } from '../../../src/analysis/ir';
import { rowInRanges } from '../../../src/analysis/python/usages';

before(() => initParsers());

const lines = (startLine: number, endLine: number): SourceRange => ({ startLine, startCol: 0, endLine, endCol: 0 });

test('a row is inside the ranges exactly when a scan of them says so, with nested, overlapping and unsorted ranges', () => {
  const ranges = [lines(40, 44), lines(3, 20), lines(5, 8), lines(10, 12), lines(30, 30), lines(18, 25), lines(60, 90), lines(61, 62)];
  const inside = rowInRanges(ranges);
  for (let row = 0; row <= 100; row++) {
    const want = ranges.some((r) => row >= r.startLine && row <= r.endLine);
    assert.equal(inside(row), want, `row ${row}`);
  }
  assert.equal(rowInRanges([])(0), false);
});

test("a helper's softmax stays the loss's after edits that leave the helper's body as it was", () => {
  const source = [
    'import torch',
    'import torch.nn as nn',
    'net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))',
    '',
    'def entropy(logits):',
    '    p = torch.softmax(logits, dim=1)',
    '    return -(p * torch.log(p)).sum(1).mean()',
    '',
    'def loss_fn(pred, target, lam=0.1):',
    '    return nn.functional.mse_loss(pred, target) + lam * entropy(pred)',
    '',
  ].join('\n');
  const doc = new DocumentAnalyzer('python');
  let text = source;
  const first = doc.update(text);
  assert.equal(first.models.find((m) => m.name === 'loss_fn')?.outputActivation, 'linear');
  for (const digit of ['5', '7']) {
    const at = text.indexOf('lam=0.1') + 'lam=0.'.length;
    const next = `${text.slice(0, at)}${digit}${text.slice(at)}`;
    const point = (t: string, i: number) => ({ row: t.slice(0, i).split('\n').length - 1, column: i - (t.lastIndexOf('\n', i - 1) + 1) });
    const result = doc.update(next, [{ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: point(text, at), oldEndPosition: point(text, at), newEndPosition: point(next, at + 1) }]);
    text = next;
    assert.equal(result.models.find((m) => m.name === 'loss_fn')?.outputActivation, 'linear', `after typing ${digit}`);
  }
  doc.dispose();
});
