// TF.js: tf.losses.* with their default reduction (SUM_BY_NONZERO_WEIGHTS: the mean when no weights are given)
// and the Reduction enum, chained tensor methods, against closed-form values.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr } from '../../../src/analysis/ir';
import { attr, call, method, name, num, yp, yt } from './ir';
import { close, cpu, evalExpr, evalTensor, tf } from './tf';

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const round = (vs: number[]) => vs.map((v) => Math.round(v * 1e4) / 1e4);
const reduction = (r: string): Expr => attr(attr(name('tf', 'global'), 'Reduction'), r);

const t = [[0, 1, 1], [1, 0, 0]];
const p = [[0.2, 0.7, 2.5], [0.9, -0.4, 0.1]];
const diffs = t.flatMap((row, i) => row.map((v, j) => p[i][j] - v));

describe('TF.js op table', () => {
  before(cpu);

  it('tf.losses.meanSquaredError / absoluteDifference: mean over all elements by default, SUM and NONE on request', () => {
    close(evalExpr('tfjs', call('tf.losses.meanSquaredError', [yt, yp]), t, p), mean(diffs.map((d) => d * d)));
    close(evalExpr('tfjs', call('tf.losses.absoluteDifference', [yt, yp]), t, p), mean(diffs.map(Math.abs)));
    const sum = call('tf.losses.meanSquaredError', [yt, yp, { kind: 'none', range: yp.range, text: 'undefined' }, reduction('SUM')]);
    close(evalExpr('tfjs', sum, t, p), diffs.reduce((s, d) => s + d * d, 0), 1e-5);
    const none = call('tf.losses.absoluteDifference', [yt, yp, { kind: 'none', range: yp.range, text: 'undefined' }, reduction('NONE')]);
    assert.deepEqual(evalTensor('tfjs', none, t, p).shape, [2, 3]);
  });

  it('tf.losses.huberLoss with delta, logLoss with epsilon', () => {
    const h = (d: number, delta: number) => (Math.abs(d) <= delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta));
    close(evalExpr('tfjs', call('tf.losses.huberLoss', [yt, yp]), t, p), mean(diffs.map((d) => h(d, 1))));
    const undef: Expr = { kind: 'none', range: yp.range, text: 'undefined' };
    close(evalExpr('tfjs', call('tf.losses.huberLoss', [yt, yp, undef, num(0.5)]), t, p), mean(diffs.map((d) => h(d, 0.5))));
    const probs = [[0.2, 0.7, 0.9], [0.6, 0.1, 0.3]];
    const ll = t.flatMap((row, i) => row.map((y, j) => -y * Math.log(probs[i][j] + 1e-7) - (1 - y) * Math.log(1 - probs[i][j] + 1e-7)));
    close(evalExpr('tfjs', call('tf.losses.logLoss', [yt, yp]), t, probs), mean(ll));
  });

  it('tf.losses.softmaxCrossEntropy on logits (mean over samples) and sigmoidCrossEntropy (mean over elements)', () => {
    const ce = t.map((row, i) => {
      const lse = Math.log(p[i].reduce((s, z) => s + Math.exp(z), 0));
      return -row.reduce((s, y, j) => s + y * (p[i][j] - lse), 0);
    });
    close(evalExpr('tfjs', call('tf.losses.softmaxCrossEntropy', [yt, yp]), t, p), mean(ce));
    const sce = t.flatMap((row, i) => row.map((y, j) => Math.max(p[i][j], 0) - p[i][j] * y + Math.log1p(Math.exp(-Math.abs(p[i][j])))));
    close(evalExpr('tfjs', call('tf.losses.sigmoidCrossEntropy', [yt, yp]), t, p), mean(sce));
  });

  it('chained methods: yPred.sub(yTrue).square().mean(), .sum(-1), .abs(), .relu(), .div, .add, .mul', () => {
    const chain = method(method(method(yp, 'sub', [yt]), 'square'), 'mean');
    close(evalExpr('tfjs', chain, t, p), mean(diffs.map((d) => d * d)));
    assert.deepEqual(evalTensor('tfjs', method(method(yp, 'abs'), 'sum', [num(-1)]), t, [[1, -2], [-3, 4]]).values, [3, 7]);
    assert.deepEqual(evalTensor('tfjs', method(method(yp, 'mul', [num(2)]), 'relu'), t, [[1, -2]]).values, [2, 0]);
    assert.deepEqual(evalTensor('tfjs', method(method(yp, 'add', [num(1)]), 'div', [num(4)]), t, [[1, 3]]).values, [0.5, 1]);
    // Sum-to-one penalty as TF.js code writes it.
    const sumPenalty = call('tf.mean', [call('tf.abs', [call('tf.sub', [call('tf.sum', [yp, num(-1)]), num(1)])])]);
    close(evalExpr('tfjs', sumPenalty, t, [[0.5, 0.7], [0.2, 0.3]]), mean([0.2, 0.5]));
  });

  it('tf.slice as the monotone template writes it', () => {
    const earlier = call('tf.slice', [yp, { kind: 'tuple', items: [num(0), num(0)], range: yp.range, text: '[0, 0]' }, { kind: 'tuple', items: [num(-1), num(2)], range: yp.range, text: '[-1, 2]' }]);
    assert.deepEqual(evalTensor('tfjs', earlier, t, [[1, 2, 3], [4, 5, 6]]).values, [1, 2, 4, 5]);
  });

  it('each tf.losses.* matches tfjs-core\'s own implementation on the same tensors', () => {
    const labels = tf.tensor([[0, 1, 1], [1, 0, 0]]);
    const probs = tf.tensor([[0.2, 0.7, 0.9], [0.6, 0.1, 0.3]]);
    const reference: Record<string, number> = {
      meanSquaredError: tf.losses.meanSquaredError(labels, probs).dataSync()[0],
      absoluteDifference: tf.losses.absoluteDifference(labels, probs).dataSync()[0],
      huberLoss: tf.losses.huberLoss(labels, probs).dataSync()[0],
      logLoss: tf.losses.logLoss(labels, probs).dataSync()[0],
      softmaxCrossEntropy: tf.losses.softmaxCrossEntropy(labels, probs).dataSync()[0],
      sigmoidCrossEntropy: tf.losses.sigmoidCrossEntropy(labels, probs).dataSync()[0],
      hingeLoss: tf.losses.hingeLoss(labels, probs).dataSync()[0],
    };
    for (const [op, expected] of Object.entries(reference)) {
      close(evalExpr('tfjs', call(`tf.losses.${op}`, [yt, yp]), [[0, 1, 1], [1, 0, 0]], [[0.2, 0.7, 0.9], [0.6, 0.1, 0.3]]), expected, 1e-5, op);
    }
  });

  it('tf.metrics.* give one value per sample as tfjs-layers computes them (clipped, rescaled)', () => {
    const probs = [[0.2, 0.7, 0.1], [0.0, 0.5, 0.98]];
    const onehot = [[0, 1, 0], [1, 0, 0]];
    const eps = 1e-7;
    const c = (q: number) => Math.min(Math.max(q, eps), 1 - eps);
    const cce = onehot.map((row, i) => {
      const s = probs[i].reduce((a, b) => a + b, 0);
      return -row.reduce((acc, y, j) => acc + y * Math.log(c(probs[i][j] / s)), 0);
    });
    assert.deepEqual(round(evalTensor('tfjs', call('tf.metrics.categoricalCrossentropy', [yt, yp]), onehot, probs).values), round(cce));
    const bce = onehot.map((row, i) => mean(row.map((y, j) => -(y * Math.log(c(probs[i][j])) + (1 - y) * Math.log(1 - c(probs[i][j]))))));
    assert.deepEqual(round(evalTensor('tfjs', call('tf.metrics.binaryCrossentropy', [yt, yp]), onehot, probs).values), round(bce));
    assert.deepEqual(round(evalTensor('tfjs', call('tf.metrics.meanSquaredError', [yt, yp]), onehot, probs).values), round(onehot.map((row, i) => mean(row.map((y, j) => (probs[i][j] - y) ** 2)))));
  });

  it('Math.* on numbers (hyper-parameters), with a clear message on tensors', () => {
    close(evalExpr('tfjs', call('Math.sqrt', [name('lam')]), [0], [0], { lam: 9 }), 3);
    close(evalExpr('tfjs', call('Math.max', [num(1), num(4), num(2)]), [0], [0]), 4);
    assert.throws(() => evalExpr('tfjs', call('Math.abs', [yp]), [0], [[-1]]), /Math\.abs takes numbers; use tf\.abs/);
  });

  it('tf.losses.* need labels and predictions of one shape, as TF.js checks (no silent broadcast)', () => {
    assert.throws(() => evalExpr('tfjs', call('tf.losses.meanSquaredError', [yt, yp]), [1, 2], [[1], [2]]), /labels \[2\] and predictions \[2, 1\] must have the same shape/);
  });

  it('yPred.shape[yPred.shape.length - 1] reads the last dimension', () => {
    const shape = attr(yp, 'shape');
    const last = { kind: 'subscript' as const, object: shape, index: [{ kind: 'index' as const, value: { kind: 'binary' as const, op: '-' as const, left: attr(shape, 'length'), right: num(1), range: yp.range, text: '' } }], range: yp.range, text: '' };
    close(evalExpr('tfjs', last, [0], [[1, 2, 3]]), 3);
  });
});

