// No input may hang the analysis: every parse has a deadline, binary files are not parsed, and IR texts stay small.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { EXPR_TEXT_MAX } from '../../../src/analysis/exprText';
import { analyzeSource, DocumentAnalyzer } from '../../../src/analysis/index';
import type { Expr } from '../../../src/analysis/ir';
import { cpuClockMs, deadlineIn } from '../../../src/analysis/parsing/deadline';
import { fixture, ready } from './helpers';

before(() => ready);

/** The upstream tree-sitter-typescript input that never finishes parsing. */
const tsxHang = fixture('hang/upstream-tsx-hang.tsx');
const seed1 = fixture('seed-1-sum-to-one.py');

describe('parse deadlines', () => {
  it('gives up on the TSX line that never parses, within its deadline, and says so', () => {
    const t0 = performance.now();
    const a = analyzeSource(tsxHang, 'typescript', 'x.tsx', { parseBaseMs: 200 });
    const ms = performance.now() - t0;
    assert.deepEqual(a.notAnalysed, { reason: 'timeout', message: 'not analysed: the parser gave up after 200 ms' });
    assert.deepEqual(a.models, []);
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });

  it('measures deadlines in CPU time: waiting for a busy machine does not use up the budget', () => {
    const deadline = deadlineIn(1000);
    // Blocked without using the CPU, as a process is while other processes hold both cores. (The process's other
    // threads, GC and compilers, do use some CPU meanwhile: the budget leaves them room.)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
    assert.ok(cpuClockMs() < deadline.at, 'still within the budget after 1.5 s of waiting');
  });

  it('parses the next file normally after a cancelled parse (the parser was reset)', () => {
    analyzeSource(tsxHang, 'typescript', 'x.tsx', { parseBaseMs: 100 });
    const a = analyzeSource('import * as tf from "@tensorflow/tfjs";\nconst f = (a: number) => <b>{a}</b>;\n', 'typescript', 'y.tsx');
    assert.equal(a.notAnalysed, undefined);
    assert.deepEqual(a.syntaxErrors, []);
  });

  it('a document analyzer times out on the hang, then analyses the fixed text', () => {
    const doc = new DocumentAnalyzer('typescript', { fileName: 'loss.tsx', parseBaseMs: 150 });
    const src = 'import * as tf from "@tensorflow/tfjs";\nexport function loss(yTrue: tf.Tensor, yPred: tf.Tensor, lam = 0.1) {\n  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.mul(lam, tf.relu(yPred.neg()).sum()));\n}\n';
    assert.equal(doc.update(`${src}${tsxHang}`).notAnalysed?.reason, 'timeout');
    const a = doc.update(src);
    assert.equal(a.notAnalysed, undefined);
    assert.deepEqual(a.models.map((m) => m.name), ['loss']);
    doc.dispose();
  });
});

describe('binary files', () => {
  it('skips text with NUL bytes or many invalid UTF-8 sequences, with the reason', () => {
    const nul = analyzeSource(`G\u0000\u0011\u0010${'\u00ff'.repeat(100)}`, 'typescript', 'video.ts');
    assert.deepEqual(nul.notAnalysed, { reason: 'binary', message: 'not analysed: it is not text (NUL bytes)' });
    const mpeg = Buffer.from(Array.from({ length: 188 * 3 }, (_, i) => (i % 188 === 0 ? 0x47 : (i * 37 + 11) % 256 || 1)));
    const invalid = analyzeSource(mpeg.toString('utf8'), 'typescript', 'video.ts');
    assert.equal(invalid.notAnalysed?.reason, 'binary');
    assert.match(invalid.notAnalysed?.message ?? '', /not text \(\d+ invalid UTF-8 sequences\)/);
  });

  it('still reads a file with a stray invalid byte in a comment', () => {
    const a = analyzeSource(`# caf\uFFFD\n${seed1}`, 'python', 'loss.py');
    assert.equal(a.notAnalysed, undefined);
    assert.deepEqual(a.models.map((m) => m.name), ['constrained_loss']);
  });
});

/** The longest `Expr.text` under a value. */
function longestText(value: unknown): number {
  let longest = 0;
  const walk = (e: unknown): void => {
    if (typeof e !== 'object' || e === null) return;
    const n = e as Partial<Expr>;
    if (typeof n.text === 'string' && n.kind) longest = Math.max(longest, n.text.length);
    for (const v of Object.values(e)) walk(v);
  };
  walk(value);
  return longest;
}

describe('IR texts', () => {
  it('keeps them short after an edit too: the definition the edit adds is clipped, the unchanged ones stay clipped', () => {
    const long = `${'tf.math.reduce_max( 1.0 * '.repeat(60)}y_pred${')'.repeat(60)}`;
    const first = `import tensorflow as tf\ndef a(y_true, y_pred, lam=0.1):\n    return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * tf.reduce_mean(${long})\n`;
    const doc = new DocumentAnalyzer('python');
    assert.ok(longestText(doc.update(first).models) <= EXPR_TEXT_MAX);
    const added = `${first}\ndef b(y_true, y_pred, mu=0.2):\n    return tf.reduce_mean(tf.abs(y_true - y_pred)) + mu * tf.reduce_mean(${long.replace(/max/g, 'min')})\n`;
    const at = first.length;
    const point = { row: first.split('\n').length - 1, column: 0 };
    const end = { row: added.split('\n').length - 1, column: 0 };
    const after = doc.update(added, [{ startIndex: at, oldEndIndex: at, newEndIndex: added.length, startPosition: point, oldEndPosition: point, newEndPosition: end }]);
    assert.deepEqual(after.models.map((m) => m.name), ['a', 'b']);
    assert.ok(longestText(after.models) <= EXPR_TEXT_MAX, `an Expr.text of ${longestText(after.models)} characters`);
    doc.dispose();
  });

  it('keeps every expression text short on a deeply nested 16 KB line (ranges hold the rest)', () => {
    const depth = 620; // deeper overflows the front end's stack: reported as a problem, tested by the fuzz suite
    const line = `${'tf.math.reduce_max( 1.0 * '.repeat(depth)}y_pred${')'.repeat(depth)}`;
    const src = `import tensorflow as tf\ndef loss(y_true, y_pred, lam=0.1):\n    return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * tf.reduce_mean(${line})\n`;
    assert.ok(src.length > 16_000);
    const a = analyzeSource(src, 'python', 'deep.py');
    assert.equal(a.models.length, 1);
    const longest = longestText(a.models);
    assert.ok(longest <= EXPR_TEXT_MAX, `an Expr.text of ${longest} characters`);
    const spec = JSON.stringify(a.models);
    assert.ok(spec.length < 2_000_000, `the IR serialises to ${spec.length} characters`);
    const penalty = a.models[0].terms[1];
    assert.equal(penalty.weightParam, 'lam');
    assert.match(penalty.expr.text, /^tf\.reduce_mean\(tf\.math\.reduce_max\( 1\.0 \* tf\.math.*…$/);
  });
});
