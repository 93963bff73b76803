// NumPy/PyTorch advanced indexing: index arrays side by side select elements PAIRWISE (`p[torch.arange(B), idx]`
// picks p[i, idx[i]], the log-probability of each sample's own class), not the outer product one gather per axis
// gives; negative entries count from the end; index arrays split by a slice are refused in words, not computed
// another way. Expected numbers are PyTorch 1.13's (Debian python3-torch) on the same tensors, written out.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { subscript } from '../../../src/trainer/interpreter/slicing';
import { cpu, tf } from './tf';

const ids = (values: number[]) => ({ kind: 'index' as const, value: tf.tensor1d(values, 'int32') });
const all = { kind: 'slice' as const };
const read = (v: unknown) => {
  const t = v as { shape: number[]; arraySync(): unknown };
  return { shape: t.shape, values: t.arraySync() };
};

describe('advanced indexing (pairwise, as PyTorch)', () => {
  before(cpu);
  const p = () => tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const q = () => tf.tensor3d([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);

  it('p[[0, 1], [2, -3]] is [p[0, 2], p[1, -3]] = [3, 4]', () => {
    assert.deepEqual(read(subscript(tf as never, p(), [ids([0, 1]), ids([2, -3])])), { shape: [2], values: [3, 4] });
  });

  it('q[:, [2, 0], [1, 0]] keeps the leading axis: [[6, 1], [12, 7]]', () => {
    assert.deepEqual(read(subscript(tf as never, q(), [all, ids([2, 0]), ids([1, 0])])), { shape: [2, 2], values: [[6, 1], [12, 7]] });
  });

  it('q[[1, 0], [0, 2], :] keeps the trailing axis: [[7, 8], [5, 6]]', () => {
    assert.deepEqual(read(subscript(tf as never, q(), [ids([1, 0]), ids([0, 2]), all])), { shape: [2, 2], values: [[7, 8], [5, 6]] });
  });

  it('the gradient reaches only the elements picked', () => {
    const x = p();
    const g = tf.grad((t: tf.Tensor) => tf.sum(subscript(tf as never, t, [ids([0, 1]), ids([2, 0])]) as tf.Tensor))(x);
    assert.deepEqual(g.arraySync(), [[0, 0, 1], [1, 0, 0]]);
  });

  it('index arrays split by a slice are refused with what to write instead', () => {
    assert.throws(() => subscript(tf as never, q(), [ids([1, 0]), all, ids([0, 1])]), /side by side/);
  });
});
