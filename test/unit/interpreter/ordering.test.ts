// Ops whose numbers are not torch's to compare (a random permutation, TF's tuple-returning normalize) and the
// gradients of the reordering ops (tfjs has no gradient for topk: the values are read through a one-hot product).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { compileLoss, evaluateExpr, type Tensor, type Value } from '../../../src/trainer/interpreter';
import { bin, call, idx, literal, lossModel, method, num, str, sub, yp } from './ir';
import { close, cpu, tf } from './tf';

const evalIn = (framework: 'pytorch' | 'keras', expr: Parameters<typeof evaluateExpr>[2], yPred: number[][]): Value =>
  evaluateExpr(tf, lossModel(framework, [{ expr }]), expr, tf.scalar(0), tf.tensor(yPred));

const values = (v: Value): number[] => Array.from((v as Tensor).dataSync());

describe('reordering ops beyond the torch goldens', () => {
  before(cpu);

  it('torch.randperm(n) is a permutation of 0..n-1 (int), and indexing a tensor with it keeps its entries', () => {
    const perm = evalIn('pytorch', call('torch.randperm', [num(8)]), [[0]]) as Tensor;
    assert.equal(perm.dtype, 'int32');
    assert.deepEqual([...values(perm)].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
    const shuffled = evalIn('pytorch', sub(yp, { kind: 'index', value: call('torch.randperm', [num(4)]) }), [[1], [2], [3], [4]]);
    assert.deepEqual([...values(shuffled)].sort(), [1, 2, 3, 4]);
  });

  it('tf.linalg.normalize(x, axis=-1) returns (x / ‖x‖, ‖x‖ kept as an axis), ord=1 too', () => {
    const [unit, norm] = evalIn('keras', call('tf.linalg.normalize', [yp], { axis: num(-1) }), [[3, 4], [0, 2]]) as Tensor[];
    assert.deepEqual(norm!.shape, [2, 1]);
    for (const [i, want] of [0.6, 0.8, 0, 1].entries()) close(values(unit!)[i]!, want, 1e-6, `unit[${i}]`);
    for (const [i, want] of [5, 2].entries()) close(values(norm!)[i]!, want, 1e-6, `norm[${i}]`);
    const l1 = evalIn('keras', sub(call('tf.linalg.normalize', [yp], { ord: num(1), axis: num(1) }), idx(1)), [[3, -4]]);
    close(values(l1)[0]!, 7, 1e-6, 'ord 1');
    const whole = evalIn('keras', sub(call('tf.linalg.normalize', [yp]), idx(1)), [[3, 4], [0, 0]]) as Tensor;
    assert.deepEqual(whole.shape, [1, 1]);
    close(values(whole)[0]!, 5, 1e-6, 'the whole tensor by default');
  });

  it('gradients reach the sorted tensor: d sum(top-2 of each row) / dy is 1 on the two largest entries', () => {
    const top2 = sub(call('torch.topk', [yp, num(2)]), idx(0));
    const f = compileLoss(tf, lossModel('pytorch', [{ expr: call('torch.sum', [top2]) }]), {});
    const v = tf.variable(tf.tensor([[0.1, 0.9, 0.5], [3, -1, 2]]));
    const { grads } = tf.variableGrads(() => f(tf.zeros([2, 3]), v).total, [v]);
    assert.deepEqual(values(grads[v.name]!), [0, 1, 1, 1, 0, 1]);
  });

  it('gradients of a sort, a flip, a roll and cdist are finite, with 0 at a zero distance (cdist of x with itself)', () => {
    const exprs = [
      call('torch.sum', [bin('*', sub(method(yp, 'sort', [], { dim: num(1) }), idx(0)), literal([1, 2, 3]))]),
      call('torch.sum', [bin('*', call('torch.flip', [yp, literal([1])]), literal([1, 2, 3]))]),
      call('torch.sum', [bin('*', call('torch.roll', [yp, num(1), num(1)]), literal([1, 2, 3]))]),
      call('torch.sum', [call('torch.cdist', [yp, yp])]),
    ];
    const expected = [[1, 3, 2, 3, 1, 2], [3, 2, 1, 3, 2, 1], [2, 3, 1, 2, 3, 1]];
    for (const [i, expr] of exprs.entries()) {
      const f = compileLoss(tf, lossModel('pytorch', [{ expr }]), {});
      const v = tf.variable(tf.tensor([[0.1, 0.9, 0.5], [3, -1, 2]]));
      const { grads } = tf.variableGrads(() => f(tf.zeros([2, 3]), v).total, [v]);
      const g = values(grads[v.name]!);
      assert.ok(g.every(Number.isFinite), `${expr.text}: ${g}`);
      if (expected[i]) assert.deepEqual(g, expected[i], expr.text);
    }
  });

  it("einsum's gradient: d sum(einsum('bi,bi->b', y, y)) / dy = 2y; a diagonal ('ii->') is refused by name", () => {
    const expr = call('torch.sum', [call('torch.einsum', [str('bi,bi->b'), yp, yp])]);
    const f = compileLoss(tf, lossModel('pytorch', [{ expr }]), {});
    const v = tf.variable(tf.tensor([[0.1, 0.9, 0.5], [3, -1, 2]]));
    const { grads } = tf.variableGrads(() => f(tf.zeros([2, 3]), v).total, [v]);
    for (const [i, g] of values(grads[v.name]!).entries()) close(g, 2 * [0.1, 0.9, 0.5, 3, -1, 2][i]!, 1e-5, `grad[${i}]`);
    assert.throws(() => evalIn('pytorch', call('torch.einsum', [str('ii->'), yp]), [[1, 2], [3, 4]]), /repeats a letter \(a diagonal\)/);
  });
});
