// Ops of ops/mathMore.ts whose numbers torch's goldens do not cover: NaN guards (a NaN input), TF's image total
// variation (by hand), and gradients that must stay finite where a naive formula is 0·log 0.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { compileLoss, evaluateExpr, type Tensor } from '../../../src/trainer/interpreter';
import { call, lossModel, num, yp, yt } from './ir';
import { close, cpu, tf } from './tf';

describe('elementwise math beyond the torch goldens', () => {
  before(cpu);

  it('torch.nan_to_num and torch.isnan: NaN becomes the given number, and the mask marks it', () => {
    const x = tf.tensor([[Number.NaN, 1.5], [-2, Number.NaN]]);
    const fixed = evaluateExpr(tf, lossModel('pytorch', []), call('torch.nan_to_num', [yp], { nan: num(0.25) }), tf.scalar(0), x) as Tensor;
    assert.deepEqual(Array.from(fixed.dataSync()), [0.25, 1.5, -2, 0.25]);
    const mask = evaluateExpr(tf, lossModel('pytorch', []), call('torch.isnan', [yp]), tf.scalar(0), x) as Tensor;
    assert.deepEqual(Array.from(mask.dataSync()), [1, 0, 0, 1]);
  });

  it('tf.image.total_variation of (N, H, W, C) images: Σ|vertical| + Σ|horizontal| differences per image', () => {
    const img = tf.tensor([1, 2, 4, 7, 0, 5, 1, 1], [2, 2, 2, 1]);
    const tv = evaluateExpr(tf, lossModel('keras', []), call('tf.image.total_variation', [yp]), tf.scalar(0), img) as Tensor;
    // image 1: [[1, 2], [4, 7]] → |4-1| + |7-2| + |2-1| + |7-4| = 12; image 2: [[0, 5], [1, 1]] → 1 + 4 + 5 + 0 = 10
    assert.deepEqual(Array.from(tv.dataSync()), [12, 10]);
  });

  it('kornia.losses.total_variation of (N, C, H, W) images: per image, Σ (or mean) |H differences| + |W differences|', () => {
    const img = tf.tensor([1, 2, 4, 7, 0, 5, 1, 1, 3, -1, 2, 2], [2, 1, 2, 3]);
    const tv = (kwargs = {}) => Array.from((evaluateExpr(tf, lossModel('pytorch', []), call('kornia.losses.total_variation', [yp], kwargs), tf.scalar(0), img) as Tensor).dataSync());
    // image 1: [[1, 2, 4], [7, 0, 5]] → H: 6 + 2 + 1 = 9, W: 1 + 2 + 7 + 5 = 15; image 2: [[1, 1, 3], [-1, 2, 2]] → 4 + 5
    // (the same as torch computes kornia's formula: [24, 9] summed, [6.75, 2.5833] averaged)
    assert.deepEqual(tv(), [24, 9]);
    const mean = tv({ reduction: { kind: 'string', value: 'mean', range: yp.range, text: "'mean'" } });
    close(mean[0]!, 9 / 3 + 15 / 4, 1e-6, 'image 1, mean');
    close(mean[1]!, 4 / 3 + 5 / 4, 1e-6, 'image 2, mean');
  });

  it('the gradient of torch.xlogy(t, p) is finite where t is 0, and t / p elsewhere', () => {
    const expr = call('torch.sum', [call('torch.xlogy', [yt, yp])]);
    const f = compileLoss(tf, lossModel('pytorch', [{ expr }]), {});
    const v = tf.variable(tf.tensor([[0.5, 0.25]]));
    const { grads } = tf.variableGrads(() => f(tf.tensor([[0, 2]]), v).total, [v]);
    const g = Array.from(grads[v.name]!.dataSync());
    close(g[0]!, 0, 1e-6, 'd/dp at t = 0');
    close(g[1]!, 8, 1e-5, 'd/dp = t / p');
  });
});
