// Python's numeric builtins on the static numbers a loss derives sizes and counts from (`round(time_len * ratio)`,
// `np.prod(input_shape)`, `math.ceil(n / 2)`): each as Python computes it, so a loss using one trains instead of
// being refused (LL113) for an op on plain numbers.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { evaluateExpr } from '../../../src/trainer/interpreter';
import { call, lossModel, num, tuple, yp } from './ir';
import { close, cpu, run, tf } from './tf';

const evalNumber = (expr: Parameters<typeof evaluateExpr>[2]): unknown => evaluateExpr(tf, lossModel('pytorch', []), expr, tf.scalar(0), tf.scalar(0));

describe("Python's numeric builtins", () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it('round() sends halves to the even neighbour, as Python 3 does, and keeps ndigits decimals', () => {
    // python3 -c "print(round(2.5), round(3.5), round(-2.5), round(7.3), round(0.125, 2), round(2.675, 1))" → 2 4 -2 7 0.12 2.7
    assert.deepEqual([2.5, 3.5, -2.5, 7.3].map((x) => evalNumber(call('round', [num(x)]))), [2, 4, -2, 7]);
    assert.equal(evalNumber(call('round', [num(0.125), num(2)])), 0.12);
    assert.equal(evalNumber(call('round', [num(2.675), num(1)])), 2.7);
  });

  it('math.floor/ceil/log2/log10/pow and log with a base', () => {
    assert.deepEqual(
      [call('math.floor', [num(-1.5)]), call('math.ceil', [num(4.2)]), call('math.log2', [num(8)]), call('math.log10', [num(1000)]), call('math.pow', [num(2), num(10)])].map(evalNumber),
      [-2, 5, 3, 3, 1024],
    );
    assert.ok(Math.abs((evalNumber(call('math.log', [num(81), num(3)])) as number) - 4) < 1e-12);
  });

  it('np.prod and math.prod of a static shape; a tensor is refused with the op to use', () => {
    assert.equal(evalNumber(call('np.prod', [tuple(num(4), num(8), num(3))])), 96);
    assert.equal(evalNumber(call('math.prod', [tuple(num(2), num(5))])), 10);
    assert.throws(() => evaluateExpr(tf, lossModel('pytorch', []), call('np.prod', [yp]), tf.scalar(0), tf.ones([2, 2])), /torch\.prod/);
  });

  it('numpy on static numbers (`z * sigma * np.sqrt(horizon)`) is computed; on a tensor it is refused, as it has no gradient', () => {
    // python3 -c "import numpy as np; print(np.sqrt(2.0), np.log(10.0), np.square(-3.0), np.abs(-0.5), np.floor(-1.5))"
    const got = [call('np.sqrt', [num(2)]), call('np.log', [num(10)]), call('np.square', [num(-3)]), call('np.abs', [num(-0.5)]), call('np.floor', [num(-1.5)])].map(evalNumber);
    const want = [Math.SQRT2, Math.LN10, 9, 0.5, -2];
    for (const [i, w] of want.entries()) assert.ok(Math.abs((got[i] as number) - w) < 1e-12, `item ${i}: ${String(got[i])}`);
    assert.throws(() => evaluateExpr(tf, lossModel('keras', []), call('np.sqrt', [yp]), tf.scalar(0), tf.ones([2, 2])), /np\.sqrt of a tensor .*no gradient.*tf\.math\.sqrt/);
  });

  it('a constant imported by name (`from numpy import pi`, `from math import pi as PI`) is the library constant', () => {
    for (const [imports, use] of [['from numpy import pi', 'pi'], ['from math import pi as PI', 'PI']]) {
      const loss = analyzeSource(`import tensorflow as tf
${imports}

def gaussian_nll(y_true, y_pred):
    var = tf.exp(y_pred)
    return tf.reduce_mean(tf.math.log(2 * ${use} * var) / 2 + tf.square(y_true) / (2 * var))
`, 'python', 'loss.py').models[0]!;
      // y_pred = 0: var = 1, so the loss is log(2π)/2 + mean(y_true²)/2
      close(run(loss, [[1, 3]], [[0, 0]]).total, Math.log(2 * Math.PI) / 2 + (1 + 9) / 4, 1e-5, imports);
    }
  });
});
