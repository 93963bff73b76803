// TF.js spellings beside the main table (ops/tfjsSpellings.ts), against closed-form values.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { call, idx, literal, method, num, sub, yp, yt } from './ir';
import { close, cpu, evalTensor } from './tf';

const x = [[0.5, -2], [3, 1.5]];
const values = (e: Parameters<typeof evalTensor>[1]) => evalTensor('tfjs', e, [[1, 2], [3, 4]], x).values;

describe('TF.js spellings', () => {
  before(cpu);

  it('atan, erf, mod, floorDiv, reverse, as functions and chained', () => {
    const atan = values(call('tf.atan', [yp]));
    for (const [i, v] of x.flat().entries()) close(atan[i]!, Math.atan(v), 1e-6, `atan ${v}`);
    close(values(method(yp, 'erf'))[0]!, 0.5204999, 1e-5, 'erf(0.5)');
    assert.deepEqual(values(call('tf.mod', [yp, num(2)])), [0.5, 0, 1, 1.5]);
    assert.deepEqual(values(method(yp, 'floorDiv', [num(2)])), [0, -1, 1, 0]);
    assert.deepEqual(values(call('tf.reverse', [yp, num(1)])), [-2, 0.5, 1.5, 3]);
  });

  it('split gives a list of parts', () => {
    assert.deepEqual(values(sub(call('tf.split', [yp, num(2), num(1)]), idx(1))), [-2, 1.5]);
  });

  it('the chained concat and stack, pad, range, linspace', () => {
    assert.deepEqual(values(method(yp, 'concat', [yt, num(1)])), [0.5, -2, 1, 2, 3, 1.5, 3, 4]);
    assert.deepEqual(evalTensor('tfjs', method(yp, 'stack', [yt]), [[1, 2], [3, 4]], x).shape, [2, 2, 2]);
    assert.deepEqual(values(call('tf.pad', [yp, literal([[0, 0], [1, 0]])])), [0, 0.5, -2, 0, 3, 1.5]);
    assert.deepEqual(values(call('tf.range', [num(0), num(3)])), [0, 1, 2]);
    assert.deepEqual(values(call('tf.linspace', [num(0), num(1), num(3)])), [0, 0.5, 1]);
  });

  it('a tensor\'s conversion methods cast: toInt truncates toward zero, toBool is nonzero, toFloat keeps the values', () => {
    assert.deepEqual(values(method(yp, 'toInt')), [0, -2, 3, 1]);
    assert.deepEqual(values(method(sub(yp, idx(0)), 'toBool')), [1, 1]);
    assert.deepEqual(values(method(method(yp, 'toInt'), 'toFloat')), [0, -2, 3, 1]);
    assert.deepEqual(values(call('tf.oneHot', [method(yt, 'toInt'), num(5)])).slice(0, 5), [0, 1, 0, 0, 0]);
  });

  it('maxPool and avgPool on an NHWC image, as functions and chained, with `same` padding', () => {
    // a 1×2×2×1 image [[0.5, -2], [3, 1.5]]: a 3×3 window with stride 1 and `same` padding sees every pixel
    const image = call('tf.reshape', [yp, literal([1, 2, 2, 1])]);
    assert.deepEqual(values(call('tf.maxPool', [image, num(3), num(1), literal('same')])), [3, 3, 3, 3]);
    assert.deepEqual(values(method(image, 'maxPool', [num(2), num(2), literal('valid')])), [3]);
    assert.deepEqual(values(call('tf.avgPool', [image, literal([2, 2]), num(1), literal('valid')])), [0.75]);
  });
});
