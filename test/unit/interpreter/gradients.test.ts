// Gradients flow through the interpreted loss wherever the framework op is differentiable: checked against
// hand-derived gradients, through tf.variableGrads and optimizer.minimize; comparisons and stop-gradient ops
// pass zeros back (tfjs registers no gradient for comparisons); compiled losses do not leak tensors.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr, Framework } from '../../../src/analysis/ir';
import { compileLoss } from '../../../src/trainer/interpreter';
import { bin, call, lossModel, method, name, neg, num, str, tuple, yp, yt } from './ir';
import { close, cpu, tf } from './tf';

/** d total / d yPred at yPred = `at`, through the compiled loss. */
function gradOf(framework: Framework, terms: { expr: Expr; weight?: Expr }[], yTrue: number[][], at: number[][], bindings: Record<string, number> = {}, params: { name: string; default: number }[] = []): number[] {
  const model = lossModel(framework, terms, params);
  const f = compileLoss(tf, model, bindings);
  const v = tf.variable(tf.tensor(at));
  const t = tf.tensor(yTrue);
  const { value, grads } = tf.variableGrads(() => f(t, v).total, [v]);
  const out = Array.from(grads[v.name].dataSync());
  tf.dispose([value, grads[v.name], v, t]);
  return out;
}

describe('gradients through the interpreter', () => {
  before(cpu);

  it('bounded-output penalty (seed example 2): the gradient matches the hand-derived one', () => {
    const lower = call('tf.reduce_mean', [bin('**', call('tf.maximum', [bin('-', name('lower_bound'), yp), num(0)]), num(2))]);
    const upper = call('tf.reduce_mean', [bin('**', call('tf.maximum', [bin('-', yp, name('upper_bound')), num(0)]), num(2))]);
    const terms = [{ expr: call('tf.keras.losses.mean_squared_error', [yt, yp]) }, { expr: bin('+', lower, upper), weight: name('lambda_param') }];
    const params = [{ name: 'lower_bound', default: 0 }, { name: 'upper_bound', default: 1 }, { name: 'lambda_param', default: 10 }];
    const yTrue = [[0.5, 0.5, 0.5]];
    const y = [[1.5, -0.5, 0.3]];
    const g = gradOf('keras', terms, yTrue, y, {}, params);
    const n = 3;
    const expected = y[0].map((v, j) => (2 * (v - yTrue[0][j])) / n + 10 * ((-2 * Math.max(-v, 0)) / n + (2 * Math.max(v - 1, 0)) / n));
    for (const [j, gi] of g.entries()) close(gi, expected[j], 1e-5, `dL/dy[${j}]`);
  });

  it("Keras categorical cross-entropy (one fused op): its gradients are those of Keras's formula op by op", () => {
    // Rows inside the clip, a row with entries clipped at both ends, targets that are not one-hot, a row not
    // summing to one (rescaled first), and axis 1 of a [B, C] batch as well as the default last axis.
    const yTrue = [[1, 0, 0], [0, 1, 0], [0.2, 0.3, 0.5], [0, 0, 1]];
    const yPred = [[0.7, 0.2, 0.1], [1e-9, 0.999999, 1e-9], [0.5, 0.9, 0.4], [0.3, 0.3, 0.3]];
    const eps = 1e-7;
    for (const axis of [-1, 1]) {
      const reference = (t: tf.Tensor, p: tf.Tensor) =>
        tf.mean(tf.neg(tf.sum(tf.mul(t, tf.log(tf.clipByValue(tf.div(p, tf.sum(p, axis, true)), eps, 1 - eps))), axis)));
      const t = tf.tensor(yTrue);
      const p = tf.tensor(yPred);
      const [wantT, wantP] = tf.grads(reference)([t, p]);
      const model = lossModel('keras', [{ expr: call('tf.keras.losses.categorical_crossentropy', [yt, yp], { axis: num(axis) }) }]);
      const f = compileLoss(tf, model, {});
      const [gotT, gotP] = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a, b).total)([t, p]);
      close(f(t, p).total.dataSync()[0], reference(t, p).dataSync()[0], 1e-6, `value, axis ${axis}`);
      for (const [got, want, what] of [[gotP, wantP, 'dL/dp'], [gotT, wantT, 'dL/dt']] as const) {
        const g = got!.dataSync();
        const w = want!.dataSync();
        for (let i = 0; i < w.length; i++) close(g[i], w[i], 1e-4, `${what}[${i}], axis ${axis}`);
      }
    }
  });

  it('comparisons and where in the path: zero gradient through the condition, gradient through the branches', () => {
    // torch.where(y < 0, -y, 0).mean(): d/dy = −1/n where y < 0, else 0.
    const g1 = gradOf('pytorch', [{ expr: method(call('torch.where', [bin('<', yp, num(0)), neg(yp), num(0)]), 'mean') }], [[0, 0, 0]], [[-1, 2, -3]]);
    assert.deepEqual(g1.map((v) => Math.round(v * 1e6) / 1e6), [-1 / 3, 0, -1 / 3].map((v) => Math.round(v * 1e6) / 1e6));
    // ((y > 0).float() * y).sum(): the mask is a constant, the gradient is the mask.
    const g2 = gradOf('pytorch', [{ expr: method(bin('*', method(bin('>', yp, num(0)), 'float'), yp), 'sum') }], [[0, 0]], [[-1, 2]]);
    assert.deepEqual(g2, [0, 1]);
    // Keras huber uses a comparison internally.
    const g3 = gradOf('keras', [{ expr: call('tf.keras.losses.huber', [yt, yp]) }], [[0, 0]], [[0.5, 3]]);
    assert.deepEqual(g3.map((v) => Math.round(v * 1e6) / 1e6), [0.25, 0.5]);
  });

  it('torch.gather(pred, 1, target) passes the gradient to the gathered entries only', () => {
    const index = call('torch.tensor', [tuple(tuple(num(2)), tuple(num(0)))]);
    const g = gradOf('pytorch', [{ expr: method(call('torch.gather', [yp, num(1), index]), 'sum') }], [[0]], [[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]]);
    assert.deepEqual(g, [0, 0, 1, 1, 0, 0]);
  });

  it('stop-gradient ops (x.detach(), tf.stop_gradient) pass no gradient', () => {
    const g = gradOf('pytorch', [{ expr: method(bin('*', method(yp, 'detach'), yp), 'sum') }], [[0]], [[3]]);
    assert.deepEqual(g, [3]);
    const g2 = gradOf('keras', [{ expr: call('tf.reduce_sum', [call('tf.stop_gradient', [call('tf.square', [yp])])]) }], [[0]], [[3]]);
    assert.deepEqual(g2, [0]);
  });

  it('every loss op of every framework has a finite, non-zero gradient', () => {
    const cases: [Framework, Expr, number[][], number[][]][] = [];
    const probs = [[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]];
    const onehot = [[0, 1, 0], [1, 0, 0]];
    for (const l of ['categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error', 'mean_absolute_error', 'huber', 'kl_divergence']) {
      cases.push(['keras', call(`tf.keras.losses.${l}`, [yt, yp]), onehot, probs]);
    }
    cases.push(['keras', call('tf.keras.losses.sparse_categorical_crossentropy', [yt, yp]), [[1], [0]], probs]);
    for (const l of ['mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss', 'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'cross_entropy', 'kl_div']) {
      cases.push(['pytorch', call(`F.${l}`, [yp, yt], { reduction: str('mean') }), onehot, probs]);
    }
    for (const l of ['meanSquaredError', 'absoluteDifference', 'huberLoss', 'logLoss', 'softmaxCrossEntropy', 'sigmoidCrossEntropy', 'hingeLoss']) {
      cases.push(['tfjs', call(`tf.losses.${l}`, [yt, yp]), onehot, probs]);
    }
    for (const [fw, expr, t, p] of cases) {
      const g = gradOf(fw, [{ expr }], t, p);
      assert.ok(g.every(Number.isFinite), `${fw} ${expr.text}: ${g}`);
      assert.ok(g.some((v) => v !== 0), `${fw} ${expr.text}: zero gradient`);
    }
  });

  it("PyTorch's binary cross-entropy at a saturated probability: a finite value and PyTorch's gradient, not NaN", () => {
    // torch: each log clamped at −100; backward (p − t) / max(p(1 − p), 1e-12), here over a mean of 3
    const g = gradOf('pytorch', [{ expr: call('F.binary_cross_entropy', [yp, yt]) }], [[0, 1, 0]], [[1, 0.3, 0]]);
    close(g[0]!, 1 / 1e-12 / 3, 1e-3, 'p = 1, t = 0');
    close(g[1]!, (0.3 - 1) / (0.3 * 0.7) / 3, 1e-5, 'p = 0.3, t = 1');
    close(g[2]!, 0, 1e-9, 'p = 0, t = 0');
    const f = compileLoss(tf, lossModel('pytorch', [{ expr: call('F.binary_cross_entropy', [yp, yt]) }]), {});
    close(f(tf.tensor([[0, 1, 0]]), tf.tensor([[1, 0.3, 0]])).total.dataSync()[0]!, (100 - Math.log(0.3)) / 3, 1e-4, 'value');
  });

  it('optimizer.minimize with λ = 10 drives the sum-to-one violation down (seed example 1 on sigmoid outputs)', () => {
    const sumPenalty = call('tf.reduce_mean', [call('tf.abs', [bin('-', call('tf.reduce_sum', [yp], { axis: num(-1) }), num(1))])]);
    const model = lossModel('keras', [{ expr: call('tf.keras.losses.categorical_crossentropy', [yt, yp]) }, { expr: sumPenalty, weight: name('lambda_param') }], [{ name: 'lambda_param', default: 1 }]);
    const f = compileLoss(tf, model, { lambda_param: 10 });
    const logits = tf.variable(tf.tensor([[2, 1, 0.5], [0.3, 1.5, 1], [1, 1, 1]]));
    const yTrue = tf.tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const violation = () => tf.tidy(() => f(yTrue, tf.sigmoid(logits)).terms.t1.raw.dataSync()[0]);
    const before = violation();
    const opt = tf.train.sgd(0.05);
    for (let i = 0; i < 100; i++) opt.minimize(() => f(yTrue, tf.sigmoid(logits)).total);
    const after = violation();
    assert.ok(before > 0.5, `starts violated (${before})`);
    assert.ok(after < before / 5, `violation ${before} → ${after}`);
    tf.dispose([logits, yTrue]);
    opt.dispose();
  });

  it('a compiled loss leaves no tensors behind between calls', () => {
    const model = lossModel('pytorch', [{ expr: call('F.cross_entropy', [yp, yt]) }, { expr: method(call('torch.clamp', [neg(yp)], { min: num(0) }), 'mean'), weight: num(0.1) }]);
    const f = compileLoss(tf, model, {});
    const yTrue = tf.tensor([0, 2], undefined, 'int32');
    const yPred = tf.tensor([[1, -2, 0.5], [0.1, 0.2, -0.3]]);
    const step = () => tf.dispose(f(yTrue, yPred) as unknown as tf.TensorContainer);
    step();
    const count = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    assert.equal(tf.memory().numTensors, count);
    tf.dispose([yTrue, yPred]);
  });
});

describe('norms at a zero vector (a bias initialised to zeros)', () => {
  before(cpu);
  // golden: torch 2.x, x = [[0,0,0],[3,-4,0],[1,2,2]].requires_grad_(); torch.norm(x, p, dim=1) (…).sum().backward()
  const at = [[0, 0, 0], [3, -4, 0], [1, 2, 2]];
  const zeros = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const normRows = (p: number) => call('torch.norm', [yp, num(p)], { dim: num(1) });

  it('torch.norm(x, 2) ** 2 passes PyTorch\'s gradient back: 0 at the zero row, 2x elsewhere (no NaN)', () => {
    const g = gradOf('pytorch', [{ expr: call('torch.sum', [bin('**', normRows(2), num(2))]) }], zeros, at);
    const want = [0, 0, 0, 6, -8, 0, 2, 4, 4];
    for (const [i, gi] of g.entries()) close(gi, want[i]!, 1e-5, `dL/dx[${i}]`);
  });

  it('torch.norm(x, 3): 0 at the zero row, x·|x| / ‖x‖₃² elsewhere', () => {
    const g = gradOf('pytorch', [{ expr: call('torch.sum', [normRows(3)]) }], zeros, at);
    const want = [0, 0, 0, 0.4448513388633728, -0.7908468246459961, 0, 0.15125185251235962, 0.6050074100494385, 0.6050074100494385];
    for (const [i, gi] of g.entries()) close(gi, want[i]!, 1e-5, `dL/dx[${i}]`);
  });
});
