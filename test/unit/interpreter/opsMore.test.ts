// Ops of ops/torchMore.ts, ops/kerasMore.ts and ops/tfjsMore.ts that the torch goldens do not cover: NaN/inf inputs
// (JSON has no NaN), TF and TF.js ops checked by hand, and gradients (selections reach the picked entries; masks and
// indices carry none).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr, Framework } from '../../../src/analysis/ir';
import { compileLoss, evaluateExpr, type Tensor } from '../../../src/trainer/interpreter';
import { bool, call, literal, lossModel, method, num, str, yp, yt } from './ir';
import { close, cpu, tf } from './tf';

function run(framework: Framework, expr: Expr, pred: Tensor, truth: Tensor = tf.scalar(0)): number[] {
  return Array.from((evaluateExpr(tf, lossModel(framework, [{ expr }]), expr, truth, pred) as Tensor).dataSync());
}
function shapeOf(framework: Framework, expr: Expr, pred: Tensor, truth: Tensor = tf.scalar(0)): number[] {
  return [...(evaluateExpr(tf, lossModel(framework, [{ expr }]), expr, truth, pred) as Tensor).shape];
}
/** d(Σ expr)/d(y_pred) at `pred`. */
function grad(framework: Framework, expr: Expr, pred: Tensor, truth: Tensor = tf.scalar(0)): number[] {
  const f = compileLoss(tf, lossModel(framework, [{ expr: call({ pytorch: 'torch.sum', keras: 'tf.reduce_sum', tfjs: 'tf.sum' }[framework], [expr]) }]), {});
  const v = tf.variable(pred);
  const { grads } = tf.variableGrads(() => f(truth, v).total, [v]);
  return Array.from(grads[v.name]!.dataSync());
}
const near = (got: number[], want: number[], label: string): void => {
  for (const [i, w] of want.entries()) close(got[i]!, w, 1e-5, `${label}[${i}]`);
};

describe('PyTorch ops beyond the goldens', () => {
  before(cpu);
  const odd = tf.tensor([[1, Number.NaN, 3], [Number.NaN, Number.NaN, 2]]);

  it('torch.nanmean skips NaN entries (NaN where a row has none left)', () => {
    near(run('pytorch', call('torch.nanmean', [yp]), odd), [2], 'all');
    near(run('pytorch', call('torch.nanmean', [yp], { dim: num(1) }), odd), [2, 2], 'dim 1');
    assert.ok(Number.isNaN(run('pytorch', call('torch.nanmean', [yp], { dim: num(0) }), odd)[1]!));
  });

  it('torch.isinf and .isfinite mark ±inf, and NaN as not finite', () => {
    const x = tf.tensor([Number.POSITIVE_INFINITY, -1, Number.NEGATIVE_INFINITY, Number.NaN]);
    assert.deepEqual(run('pytorch', call('torch.isinf', [yp]), x), [1, 0, 1, 0]);
    assert.deepEqual(run('pytorch', method(yp, 'isfinite'), x), [0, 1, 0, 0]);
  });

  it('the gradient of torch.median reaches the median entry only', () => {
    assert.deepEqual(grad('pytorch', call('torch.median', [yp]), tf.tensor([3, 1, 4, 2])), [0, 0, 0, 1]);
  });

  it('F.conv2d passes its gradient back to the input (a fixed kernel)', () => {
    // a 2×2 kernel of ones over a 3×3 image: each pixel's gradient counts the windows that cover it
    const g = grad('pytorch', call('F.conv2d', [yp, call('torch.ones', [literal([1, 1, 2, 2])])]), tf.ones([1, 1, 3, 3]));
    assert.deepEqual(g, [1, 2, 1, 2, 4, 2, 1, 2, 1]);
  });

  it('F.dropout: identity when not training, otherwise entries are 0 or x/(1−p)', () => {
    const x = tf.ones([200]);
    assert.deepEqual(run('pytorch', call('F.dropout', [yp], { p: num(0.5), training: bool(false) }), x), Array(200).fill(1));
    const out = run('pytorch', call('F.dropout', [yp], { p: num(0.25) }), x);
    assert.ok(out.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6));
    assert.ok(out.some((v) => v === 0) && out.some((v) => v > 0));
  });
});

describe('Keras/TF ops by hand', () => {
  before(cpu);
  const m = tf.tensor([[1, 2], [3, 4], [5, 6]]);

  it('tf.boolean_mask keeps the rows the mask marks; the gradient reaches those rows only', () => {
    const mask = tf.tensor([true, false, true], undefined, 'bool');
    assert.deepEqual(run('keras', call('tf.boolean_mask', [yp, yt]), m, mask), [1, 2, 5, 6]);
    assert.deepEqual(grad('keras', call('tf.boolean_mask', [yp, yt]), m, mask), [1, 1, 0, 0, 1, 1]);
    const cells = tf.tensor([[true, false], [false, true], [true, true]], undefined, 'bool');
    assert.deepEqual(run('keras', call('tf.boolean_mask', [yp, yt]), m, cells), [1, 4, 5, 6]);
  });

  it('tf.gather_nd picks entries (or rows) by index tuples', () => {
    assert.deepEqual(run('keras', call('tf.gather_nd', [yp, literal([[0, 1], [2, 0]])]), m), [2, 5]);
    assert.deepEqual(run('keras', call('tf.gather_nd', [yp, literal([[2], [0]])]), m), [5, 6, 1, 2]);
  });

  it('tf.pad: CONSTANT, REFLECT and SYMMETRIC', () => {
    const v = tf.tensor([1, 2, 3]);
    assert.deepEqual(run('keras', call('tf.pad', [yp, literal([[1, 2]])], { constant_values: num(9) }), v), [9, 1, 2, 3, 9, 9]);
    assert.deepEqual(run('keras', call('tf.pad', [yp, literal([[2, 1]])], { mode: str('REFLECT') }), v), [3, 2, 1, 2, 3, 2]);
    assert.deepEqual(run('keras', call('tf.pad', [yp, literal([[2, 1]])], { mode: str('symmetric') }), v), [2, 1, 1, 2, 3, 3]);
  });

  it('tf.linalg.matvec, set_diag and tensor_diag', () => {
    assert.deepEqual(run('keras', call('tf.linalg.matvec', [yp, literal([1, -1])]), m), [-1, -1, -1]);
    assert.deepEqual(run('keras', call('tf.linalg.set_diag', [yp, literal([7, 8])]), m), [7, 2, 3, 8, 5, 6]);
    assert.deepEqual(run('keras', call('tf.linalg.set_diag', [yp, literal([7, 8])]), tf.tensor([[1, 2, 3], [4, 5, 6]])), [7, 2, 3, 4, 8, 6]);
    assert.deepEqual(run('keras', call('tf.linalg.tensor_diag', [yp]), tf.tensor([1, 2])), [1, 0, 0, 2]);
  });

  it('tf.math.unsorted_segment_sum adds the rows of each id (an absent id gives 0)', () => {
    assert.deepEqual(run('keras', call('tf.math.unsorted_segment_sum', [yp, literal([2, 0, 2]), num(4)]), m), [3, 4, 0, 0, 6, 8, 0, 0]);
  });

  it('tf.nn.weighted_cross_entropy_with_logits: (1 − z)x + (1 + (q − 1)z)·log(1 + e^−x)', () => {
    const x = tf.tensor([0.5, -1]);
    const out = run('keras', call('tf.nn.weighted_cross_entropy_with_logits', [], { labels: yt, logits: yp, pos_weight: num(3) }), x, tf.tensor([1, 0]));
    near(out, [3 * Math.log1p(Math.exp(-0.5)), -1 + Math.log1p(Math.exp(1))], 'weighted ce');
  });

  it('tf.clip_by_norm scales a tensor whose norm passes the bound, and leaves a smaller one', () => {
    near(run('keras', call('tf.clip_by_norm', [yp, num(1)]), tf.tensor([3, 4])), [0.6, 0.8], 'clipped');
    near(run('keras', call('tf.clip_by_norm', [yp, num(10)]), tf.tensor([3, 4])), [3, 4], 'kept');
    near(run('keras', call('tf.clip_by_norm', [yp, num(1)], { axes: literal([1]) }), tf.tensor([[3, 4], [0.3, 0.4]])), [0.6, 0.8, 0.3, 0.4], 'per row');
  });

  it('K.batch_dot: (B, 1) for two matrices, a batched product for 3-D tensors; K.ones / K.zeros', () => {
    assert.deepEqual(run('keras', call('K.batch_dot', [yp, yt], { axes: num(1) }), m, tf.tensor([[1, 1], [0, 1], [2, 0]])), [3, 4, 10]);
    assert.deepEqual(shapeOf('keras', call('K.batch_dot', [yp, yt], { axes: num(1) }), m, m), [3, 1]);
    const a = tf.tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    assert.deepEqual(run('keras', call('K.batch_dot', [yp, yt]), a, a), [7, 10, 15, 22, 67, 78, 91, 106]);
    assert.deepEqual(run('keras', call('K.ones', [literal([2, 2])]), m), [1, 1, 1, 1]);
    assert.deepEqual(run('keras', call('K.zeros', [literal([3])]), m), [0, 0, 0]);
  });

  it('tf.image.sobel_edges: (N, H, W, C, 2) dy and dx with reflect padding', () => {
    // a horizontal ramp 0, 1, 2 per row: dx at the centre is (2 − 0)·(1 + 2 + 1) = 8, dy is 0
    const img = tf.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2], [1, 3, 3, 1]);
    const out = run('keras', call('tf.image.sobel_edges', [yp]), img);
    assert.deepEqual(shapeOf('keras', call('tf.image.sobel_edges', [yp]), img), [1, 3, 3, 1, 2]);
    assert.deepEqual([out[8], out[9]], [0, 8]);
  });

  it('tf.math.is_inf and tf.math.reduce_any', () => {
    assert.deepEqual(run('keras', call('tf.math.is_inf', [yp]), tf.tensor([Number.NEGATIVE_INFINITY, 0])), [1, 0]);
    assert.deepEqual(run('keras', call('tf.math.reduce_any', [yp], { axis: num(1) }), tf.tensor([[0, 0], [0, 2]])), [0, 1]);
  });
});

describe('TF.js ops by hand', () => {
  before(cpu);
  const m = tf.tensor([[1, 2, 3], [4, 5, 6]]);

  it('tf.stridedSlice with strides, masks and a shrunk axis; the gradient reaches the picked entries', () => {
    assert.deepEqual(run('tfjs', call('tf.stridedSlice', [yp, literal([0, 0]), literal([2, 3]), literal([1, 2])]), m), [1, 3, 4, 6]);
    assert.deepEqual(run('tfjs', method(yp, 'stridedSlice', [literal([1, -1]), literal([2, 0]), literal([1, -1])]), m), [6, 5]);
    assert.deepEqual(run('tfjs', call('tf.stridedSlice', [yp, literal([0, 1]), literal([0, 2]), literal([1, 1]), num(1), num(1), num(0), num(0), num(2)]), m), [2, 5]);
    assert.deepEqual(grad('tfjs', call('tf.stridedSlice', [yp, literal([0, 0]), literal([2, 3]), literal([1, 2])]), m), [1, 0, 1, 1, 0, 1]);
  });

  it('tf.gatherND, tf.unsortedSegmentSum and tf.isInf', () => {
    assert.deepEqual(run('tfjs', call('tf.gatherND', [yp, literal([[1, 2], [0, 0]])]), m), [6, 1]);
    assert.deepEqual(run('tfjs', call('tf.unsortedSegmentSum', [yp, literal([1, 1]), num(2)]), m), [0, 0, 0, 5, 7, 9]);
    assert.deepEqual(run('tfjs', method(yp, 'isInf'), tf.tensor([Number.POSITIVE_INFINITY, 1])), [1, 0]);
  });

  it('tf.any / tf.all, tf.euclideanNorm, tf.linalg.bandPart, tf.prelu, tf.mirrorPad', () => {
    assert.deepEqual(run('tfjs', call('tf.any', [yp, num(1)]), tf.tensor([[0, 0], [0, 1]])), [0, 1]);
    assert.deepEqual(run('tfjs', method(yp, 'all'), tf.tensor([[1, 2], [0, 1]])), [0]);
    near(run('tfjs', call('tf.euclideanNorm', [yp]), tf.tensor([3, 4])), [5], 'norm');
    assert.deepEqual(run('tfjs', call('tf.linalg.bandPart', [yp, num(0), num(-1)]), tf.tensor([[1, 2], [3, 4]])), [1, 2, 0, 4]);
    near(run('tfjs', call('tf.prelu', [yp, num(0.1)]), tf.tensor([-2, 3])), [-0.2, 3], 'prelu');
    assert.deepEqual(run('tfjs', call('tf.mirrorPad', [yp, literal([[1, 1]]), str('reflect')]), tf.tensor([1, 2, 3])), [2, 1, 2, 3, 2]);
  });

  it('tf.maxPool with same padding on NHWC input', () => {
    const img = tf.tensor([1, 5, 2, 0], [1, 2, 2, 1]);
    assert.deepEqual(run('tfjs', call('tf.maxPool', [yp, num(2), num(1), str('same')]), img), [5, 5, 2, 0]);
  });

  it('tf.losses.computeWeightedLoss: the default mean, weights by their non-zero count, NONE', () => {
    const l = tf.tensor([1, 2, 3, 4]);
    near(run('tfjs', call('tf.losses.computeWeightedLoss', [yp]), l), [2.5], 'mean');
    near(run('tfjs', call('tf.losses.computeWeightedLoss', [yp, literal([1, 0, 1, 0])]), l), [2], 'by non-zero weights');
    assert.deepEqual(run('tfjs', call('tf.losses.computeWeightedLoss', [yp, literal([1, 0, 1, 0]), num(0)]), l), [1, 0, 3, 0]);
  });
});
