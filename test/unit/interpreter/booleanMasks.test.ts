// Boolean masks as real losses combine them: Python's `&`, `|`, `^`, `~` on comparisons (torch and TF give the
// element-wise logical ops on bool tensors), `tf.logical_not`/`tf.logical_xor` and their spellings. The numbers of a
// whole loss written this way are checked against torch in torchLosses.test.ts (golden "boolean masks …").
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { evaluateExpr, findUnsupported, type Tensor } from '../../../src/trainer/interpreter';
import { bin, bool, call, lossModel, num, yp, yt } from './ir';
import { cpu, run, tf } from './tf';

const values = (v: unknown): number[] => Array.from((v as Tensor).dataSync());

describe('boolean masks: &, |, ^, ~ and the logical ops', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('a torch loss masking with (a >= lo) & (a <= hi), ~mask and | is interpreted, with the masks as torch makes them', () => {
    const source = `import torch

def window_loss(pred, target, lam=2.0):
    inside = (target >= 0.0) & (target <= 1.0)
    off = ~inside | (pred > 2.0)
    return ((pred - target) ** 2).mean() + lam * (pred * off.float()).mean()
`;
    const model = analyzeSource(source, 'python', 'loss.py').models[0]!;
    assert.deepEqual(findUnsupported(model), []);
    // target [0.5, 1.5, -1, 0.2] → inside [1, 0, 0, 1]; pred [3, 1, 2, 0.5] → off = [1, 1, 1, 0]: penalty (3 + 1 + 2) / 4
    const v = run(model, [0.5, 1.5, -1, 0.2], [3, 1, 2, 0.5]);
    const mse = (2.5 ** 2 + 0.5 ** 2 + 3 ** 2 + 0.3 ** 2) / 4;
    assert.ok(Math.abs(v.total - (mse + 2 * (6 / 4))) < 1e-5, `total ${v.total}`);
  });

  it('^ is the element-wise exclusive or of two masks', () => {
    const expr = bin('^', bin('>', yp, num(0)), bin('>', yt, num(0)));
    const out = evaluateExpr(tf, lossModel('pytorch', []), expr, tf.tensor([1, -1, 1, -1]), tf.tensor([1, 1, -1, -1]));
    assert.equal((out as Tensor).dtype, 'bool');
    assert.deepEqual(values(out), [0, 1, 1, 0]);
  });

  it('a Python bool beside a mask is a boolean operand (mask & True keeps the mask)', () => {
    const out = evaluateExpr(tf, lossModel('pytorch', []), bin('&', bin('>', yp, num(0)), bool(true)), tf.scalar(0), tf.tensor([1, -1]));
    assert.deepEqual(values(out), [1, 0]);
  });

  it('on Python numbers they are the bitwise ops, and two bools stay bools', () => {
    const m = lossModel('pytorch', []);
    assert.equal(evaluateExpr(tf, m, bin('&', num(6), num(3)), tf.scalar(0), tf.scalar(0)), 2);
    assert.equal(evaluateExpr(tf, m, bin('|', num(6), num(3)), tf.scalar(0), tf.scalar(0)), 7);
    assert.equal(evaluateExpr(tf, m, bin('&', bool(true), bool(false)), tf.scalar(0), tf.scalar(0)), false);
  });

  it('& on float tensors (a bitwise op in torch and TF) is refused with the reason', () => {
    const expr = bin('&', yp, yt);
    assert.throws(() => evaluateExpr(tf, lossModel('pytorch', []), expr, tf.tensor([1, 0]), tf.tensor([1, 1])), /`&` on a float32 tensor is a bitwise operation.*boolean masks/);
  });

  it('Keras: tf.logical_not, tf.logical_xor and tf.math.logical_not are in the op table', () => {
    const source = `import tensorflow as tf

def masked(y_true, y_pred):
    a = tf.equal(tf.argmax(y_true, axis=-1), 0)
    b = tf.equal(tf.argmax(y_pred, axis=-1), 0)
    both = tf.logical_and(tf.logical_not(a), tf.math.logical_not(b))
    either = tf.logical_xor(a, b)
    ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)
    return ce + 3 * ce * tf.cast(both, tf.float32) + 2 * ce * tf.cast(either, tf.float32)
`;
    const model = analyzeSource(source, 'python', 'loss.py').models[0]!;
    assert.deepEqual(findUnsupported(model), []);
    // sample 1: true 0, pred 0 → neither mask; sample 2: true 1, pred 0 → xor; sample 3: true 1, pred 1 → not-and-not
    const yTrue = [[1, 0], [0, 1], [0, 1]];
    const yPred = [[0.8, 0.2], [0.6, 0.4], [0.3, 0.7]];
    const ce = [-Math.log(0.8), -Math.log(0.4), -Math.log(0.7)];
    const expected = (ce[0]! + 3 * ce[1]! + 4 * ce[2]!) / 3;
    const v = run(model, yTrue, yPred);
    assert.ok(Math.abs(v.total - expected) < 1e-5, `total ${v.total} vs ${expected}`);
  });

  it('TF.js: tf.logicalNot and tf.logicalXor are in the op table', () => {
    const m = lossModel('tfjs', []);
    const not = evaluateExpr(tf, m, call('tf.logicalNot', [bin('>', yp, num(0))]), tf.scalar(0), tf.tensor([1, -1]));
    assert.deepEqual(values(not), [0, 1]);
    const xor = evaluateExpr(tf, m, call('tf.logicalXor', [bin('>', yp, num(0)), bin('>', yt, num(0))]), tf.tensor([1, 1]), tf.tensor([1, -1]));
    assert.deepEqual(values(xor), [0, 1]);
  });
});
