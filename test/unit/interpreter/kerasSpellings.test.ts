// Keras / TF spellings beside the main tables (ops/kerasSpellings.ts), against closed-form values computed here.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { call, idx, literal, num, sub, yp, yt } from './ir';
import { close, cpu, evalExpr, evalTensor } from './tf';

const x = [[3, 4], [1, -1]];
function closeAll(actual: number[], expected: number[], what: string): void {
  for (const [i, e] of expected.entries()) close(actual[i]!, e, 1e-5, `${what}[${i}]`);
}

describe('Keras spellings', () => {
  before(cpu);

  it('tf.losses.<Class> is the tf.keras.losses object (TF2 alias)', () => {
    close(evalExpr('keras', call('tf.losses.MeanSquaredError', [yt, yp]), [[0, 1]], [[1, 3]]), 2.5, 1e-6);
    close(evalExpr('keras', call('tf.losses.MeanAbsoluteError', [yt, yp]), [[0, 1]], [[1, 3]]), 1.5, 1e-6);
  });

  it('tf.nn.l2_normalize along an axis', () => {
    const v = evalTensor('keras', call('tf.nn.l2_normalize', [yp], { axis: num(-1) }), [[0]], x);
    closeAll(v.values, [0.6, 0.8, Math.SQRT1_2, -Math.SQRT1_2], 'l2_normalize');
  });

  it('tf.nn.sparse_softmax_cross_entropy_with_logits(labels=, logits=) per sample', () => {
    const logits = [[2, 0, -1], [0.5, 0.5, 3]];
    const v = evalTensor('keras', call('tf.nn.sparse_softmax_cross_entropy_with_logits', [], { labels: yt, logits: yp }), [0, 2], logits);
    const ce = (row: number[], k: number) => Math.log(row.reduce((s, z) => s + Math.exp(z), 0)) - row[k]!;
    closeAll(v.values, [ce(logits[0]!, 0), ce(logits[1]!, 2)], 'sparse ce');
  });

  it('tf.nn.moments: the mean and the population variance', () => {
    const moments = call('tf.nn.moments', [yp], { axes: literal([0]) });
    const [mean, varOf] = [0, 1].map((i) => evalExpr('keras', call('tf.reduce_sum', [sub(moments, idx(i))]), [[0]], x));
    close(mean!, 2 + 1.5, 1e-6, 'Σ column means');
    close(varOf!, 1 + 6.25, 1e-6, 'Σ column variances');
  });

  it('K.squeeze, K.tile, K.repeat_elements, tf.fill, tf.range', () => {
    assert.deepEqual(evalTensor('keras', call('K.squeeze', [yp, num(-1)]), [[0]], [[1], [2]]).shape, [2]);
    assert.deepEqual(evalTensor('keras', call('K.tile', [yp, literal([1, 2])]), [[0]], x).values, [3, 4, 3, 4, 1, -1, 1, -1]);
    assert.deepEqual(evalTensor('keras', call('K.repeat_elements', [yp, num(2), num(1)]), [[0]], x).values, [3, 3, 4, 4, 1, 1, -1, -1]);
    assert.deepEqual(evalTensor('keras', call('tf.fill', [literal([2]), num(0.5)]), [[0]], x).values, [0.5, 0.5]);
    assert.deepEqual(evalTensor('keras', call('tf.range', [num(1), num(4)]), [[0]], x).values, [1, 2, 3]);
  });

  it('K.arange: NumPy argument order, counting down with a negative step', () => {
    assert.deepEqual(evalTensor('keras', call('K.arange', [num(3), num(0), num(-1)]), [[0]], x).values, [3, 2, 1]);
    assert.deepEqual(evalTensor('keras', call('K.arange', [num(3)]), [[0]], x).values, [0, 1, 2]);
  });

  it('keras.ops: squeeze, one_hot, cumsum, sort, arange, full_like, diff, repeat, binary_crossentropy', () => {
    const ops = (name: string, args: Parameters<typeof call>[1], kwargs = {}) => evalTensor('keras', call(`tf.keras.ops.${name}`, args, kwargs), [[0]], x).values;
    assert.deepEqual(ops('one_hot', [literal([1, 0]), num(3)]), [0, 1, 0, 1, 0, 0]);
    assert.deepEqual(ops('cumsum', [yp], { axis: num(1) }), [3, 7, 1, 0]);
    assert.deepEqual(ops('sort', [yp]), [3, 4, -1, 1]);
    assert.deepEqual(ops('arange', [num(3)]), [0, 1, 2]);
    assert.deepEqual(ops('full_like', [yp, num(2)]), [2, 2, 2, 2]);
    assert.deepEqual(ops('diff', [yp]), [1, -2]);
    assert.deepEqual(ops('repeat', [yp, num(2)], { axis: num(0) }), [3, 4, 3, 4, 1, -1, 1, -1]);
    const p = 0.8;
    const bce = evalTensor('keras', call('keras.ops.binary_crossentropy', [yt, yp]), [[1]], [[p]]).values[0]!;
    close(bce, -Math.log(p + 1e-7), 1e-4, 'keras.ops.binary_crossentropy');
  });

  it('tf.nn.compute_average_loss: Σ loss (· weight) / global batch size, the batch\'s own size by default', () => {
    const perSample = call('tf.reduce_sum', [yp], { axis: num(-1) }); // [7, 0]
    close(evalExpr('keras', call('tf.nn.compute_average_loss', [perSample]), [[0]], x), 3.5, 1e-6, 'default global size');
    close(evalExpr('keras', call('tf.nn.compute_average_loss', [perSample], { global_batch_size: num(7) }), [[0]], x), 1, 1e-6, 'global size 7');
    close(evalExpr('keras', call('tf.nn.compute_average_loss', [perSample], { sample_weight: literal([2, 1]) }), [[0]], x), 7, 1e-6, 'weighted');
  });

  it('compute_weighted_loss reduces as the Reduction constants name it', () => {
    const reduce = (r: Parameters<typeof call>[1][number]) => evalTensor('keras', call('tf.keras.utils.losses_utils.compute_weighted_loss', [yp], { reduction: r }), [[0]], x).values;
    const named = (m: string) => ({ kind: 'name' as const, name: `tf.keras.losses.Reduction.${m}`, ref: 'global' as const, range: yp.range, text: m });
    assert.deepEqual(reduce(named('NONE')), [3, 4, 1, -1]);
    assert.deepEqual(reduce(named('SUM')), [7]);
    assert.deepEqual(reduce(named('SUM_OVER_BATCH_SIZE')), [1.75]);
  });
});
