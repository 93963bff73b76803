// Whole-file text scans read per top-level segment (parsing/textSegments.ts): a statement is never cut in two, an
// edit inside one definition re-scans only its segment, and what the scans find equals one scan of the whole text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callNames } from '../../../src/analysis/parsing/callNames';
import { callsNamed, scanSegments, TextMemo, textSegments } from '../../../src/analysis/parsing/textSegments';
import { readLossUses } from '../../../src/analysis/python/usedAsLoss';

const FILE = `import tensorflow as tf

@tf.function
def loss_a(y_true, y_pred, lam=0.1):
    return tf.reduce_mean((y_true - y_pred) ** 2) + lam * tf.reduce_sum(y_pred)


def make_loss(lam=1.0):
    def inner(y_true, y_pred):
        return tf.reduce_mean(y_true - y_pred) + lam
    return inner

model.compile(optimizer='adam',
loss=loss_a)
DOC = """
def not_a_segment(x):
    pass
"""
x = 1 + \\
2
criterion = make_loss(0.5)
loss = criterion(out, y)
loss.backward()
`;

describe('textSegments', () => {
  it('starts a segment at each column-0 statement, never inside brackets, strings or a continuation, and keeps a decorator with its def', () => {
    const segs = textSegments(FILE);
    assert.deepEqual(
      segs.map((s) => s.text.split('\n')[0]),
      ['import tensorflow as tf', '@tf.function', 'def make_loss(lam=1.0):', "model.compile(optimizer='adam',", 'DOC = """', 'x = 1 + \\', 'criterion = make_loss(0.5)', 'loss = criterion(out, y)', 'loss.backward()'],
    );
    assert.equal(segs.map((s) => s.text).join(''), FILE, 'the segments are the whole text, in order');
    for (const s of segs) {
      assert.equal(FILE.slice(s.start, s.start + s.text.length), s.text);
      assert.equal(s.row, FILE.slice(0, s.start).split('\n').length - 1);
    }
  });

  it('finds the same calls and loss uses as one scan of the whole text', () => {
    assert.deepEqual(callsNamed(FILE, undefined, 'make_loss'), [...callNames(FILE)].filter((c) => c.name === 'make_loss').map((c) => c.index));
    // what one regular-expression pass over the whole text found before (same names, same order)
    const uses = readLossUses(FILE, new TextMemo());
    assert.deepEqual([...uses.lossFns], ['loss_a', 'loss', 'criterion']);
    assert.deepEqual([...uses.factories], ['make_loss', 'criterion']);
    assert.deepEqual([...uses.passed], ['loss_a', 'loss']);
  });

  it('after an edit inside one definition re-scans only that segment, with the results of an unmemoised scan', () => {
    const memo = new TextMemo();
    const count = (text: string) => scanSegments(text, memo, 'lines', (t) => t.split('\n').length);
    count(FILE);
    const first = { hits: memo.hits, misses: memo.misses };
    assert.equal(first.hits, 0);
    const edited = FILE.replace('lam=1.0', 'lam=1.05');
    const after = count(edited);
    assert.equal(memo.misses - first.misses, 1, 'only the edited segment is read again');
    assert.equal(memo.hits - first.hits, textSegments(edited).length - 1);
    assert.deepEqual(
      after.map((p) => [p.segment.start, p.value]),
      scanSegments(edited, undefined, 'lines', (t) => t.split('\n').length).map((p) => [p.segment.start, p.value]),
    );
    assert.deepEqual(callsNamed(edited, memo, 'make_loss'), callsNamed(edited, undefined, 'make_loss'));
  });

  it('an unclosed bracket while typing makes one long segment, not a cut statement', () => {
    const typing = FILE.replace("model.compile(optimizer='adam',", "model.compile((optimizer='adam',");
    const segs = textSegments(typing);
    assert.equal(segs.at(-1)?.text.split('\n')[0], "model.compile((optimizer='adam',");
    assert.deepEqual(callsNamed(typing, new TextMemo(), 'criterion'), [...callNames(typing)].filter((c) => c.name === 'criterion').map((c) => c.index));
  });
});
