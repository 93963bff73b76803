// Keras losses against closed-form values computed here in plain JS arithmetic (tf.keras 2.x formulas:
// probabilities clipped to [1e-7, 1 − 1e-7], categorical predictions rescaled to sum to 1, a mean over the last
// axis per sample, then Keras' mean over the batch).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr } from '../../../src/analysis/ir';
import { bool, call, literal, num, str, yp, yt } from './ir';
import { close, cpu, evalExpr } from './tf';

const EPS = 1e-7;
const clip = (p: number, lo = EPS, hi = 1 - EPS) => Math.min(Math.max(p, lo), hi);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

const onehot = [[0, 1, 0], [1, 0, 0], [0, 0, 1]];
// Row 2 gives the true class probability 0 (clipped to ε); row 3 does not sum to 1 (Keras rescales it).
const probs = [[0.2, 0.7, 0.1], [0, 0.5, 0.5], [0.4, 0.4, 1.2]];
const logits = [[1.5, -0.3, 0.2], [0.1, 2.2, -1.0], [-0.5, 0.0, 3.0]];

function cceRow(t: number[], p: number[]): number {
  const s = p.reduce((a, b) => a + b, 0);
  return -t.reduce((acc, ti, i) => acc + ti * Math.log(clip(p[i] / s)), 0);
}
function cceLogitsRow(t: number[], z: number[]): number {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((a, zi) => a + Math.exp(zi - m), 0));
  return -t.reduce((acc, ti, i) => acc + ti * (z[i] - lse), 0);
}
function bceRow(t: number[], p: number[]): number {
  return mean(t.map((ti, i) => {
    const q = clip(p[i]);
    return -(ti * Math.log(q + EPS) + (1 - ti) * Math.log(1 - q + EPS));
  }));
}

describe('Keras losses (closed form)', () => {
  before(cpu);

  it('categorical_crossentropy clips probabilities and rescales rows, then averages over the batch', () => {
    const v = evalExpr('keras', call('tf.keras.losses.categorical_crossentropy', [yt, yp]), onehot, probs);
    const expected = mean(onehot.map((t, i) => cceRow(t, probs[i])));
    close(v, expected, 1e-5, 'cce');
    // The clipped row alone contributes −log(1e-7) ≈ 16.118: without clipping the loss would be infinite.
    assert.ok(expected > 16.118 / 3 && Number.isFinite(v));
  });

  it('categorical_crossentropy from_logits takes a log-softmax', () => {
    const v = evalExpr('keras', call('tf.keras.losses.categorical_crossentropy', [yt, yp], { from_logits: bool(true) }), onehot, logits);
    close(v, mean(onehot.map((t, i) => cceLogitsRow(t, logits[i]))), 1e-5);
  });

  it('categorical_crossentropy with label_smoothing', () => {
    const v = evalExpr('keras', call('tf.keras.losses.categorical_crossentropy', [yt, yp], { label_smoothing: num(0.1) }), onehot, probs);
    const smooth = onehot.map((t) => t.map((x) => x * 0.9 + 0.1 / 3));
    close(v, mean(smooth.map((t, i) => cceRow(t, probs[i]))), 1e-5);
  });

  it('binary_crossentropy: mean over the last axis per sample, with Keras epsilon', () => {
    const t = [[1, 0, 1], [0, 0, 1]];
    const p = [[0.9, 0.2, 1.0], [0.3, 0.0, 0.6]];
    const v = evalExpr('keras', call('tf.keras.losses.binary_crossentropy', [yt, yp]), t, p);
    close(v, mean(t.map((row, i) => bceRow(row, p[i]))), 1e-5);
  });

  it('binary_crossentropy from_logits', () => {
    const t = [[1, 0, 1]];
    const z = [[2.0, -1.0, -0.5]];
    const v = evalExpr('keras', call('tf.keras.losses.binary_crossentropy', [yt, yp], { from_logits: bool(true) }), t, z);
    const expected = mean(z[0].map((x, i) => Math.max(x, 0) - x * t[0][i] + Math.log1p(Math.exp(-Math.abs(x)))));
    close(v, expected, 1e-5);
  });

  it('sparse_categorical_crossentropy on integer labels, clipped like the dense one', () => {
    const labels = [1, 0, 2];
    const v = evalExpr('keras', call('tf.keras.losses.sparse_categorical_crossentropy', [yt, yp]), labels, probs);
    const expected = mean(labels.map((k, i) => {
      const c = probs[i].map((p) => clip(p));
      return -Math.log(c[k] / c.reduce((a, b) => a + b, 0));
    }));
    close(v, expected, 1e-5);
    const fromLogits = evalExpr('keras', call('tf.keras.losses.sparse_categorical_crossentropy', [yt, yp], { from_logits: bool(true) }), labels, logits);
    close(fromLogits, mean(labels.map((k, i) => cceLogitsRow(onehot[0].map((_, j) => (j === k ? 1 : 0)), logits[i]))), 1e-5);
  });

  it('mean_squared_error, mean_absolute_error and their aliases', () => {
    const t = [[0, 1], [2, -1]];
    const p = [[0.5, 0.5], [1.0, 1.0]];
    const mse = mean([mean([0.25, 0.25]), mean([1, 4])]);
    const mae = mean([mean([0.5, 0.5]), mean([1, 2])]);
    for (const name of ['mean_squared_error', 'mse', 'MSE']) close(evalExpr('keras', call(`tf.keras.losses.${name}`, [yt, yp]), t, p), mse, 1e-6, name);
    for (const name of ['mean_absolute_error', 'mae']) close(evalExpr('keras', call(`tf.keras.losses.${name}`, [yt, yp]), t, p), mae, 1e-6, name);
  });

  it('huber: quadratic inside delta, linear outside', () => {
    const t = [[0, 0, 0]];
    const p = [[0.5, -2, 3]];
    const h = (e: number, d: number) => (Math.abs(e) <= d ? 0.5 * e * e : d * Math.abs(e) - 0.5 * d * d);
    close(evalExpr('keras', call('tf.keras.losses.huber', [yt, yp]), t, p), mean(p[0].map((e) => h(e, 1))), 1e-6);
    close(evalExpr('keras', call('tf.keras.losses.huber', [yt, yp], { delta: num(2.5) }), t, p), mean(p[0].map((e) => h(e, 2.5))), 1e-6);
  });

  it('kl_divergence clips both sides to [1e-7, 1]', () => {
    const t = [[0.5, 0.5, 0], [0.1, 0.2, 0.7]];
    const p = [[0.4, 0.6, 0], [0.3, 0.3, 0.4]];
    const kl = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + clip(ai, EPS, 1) * Math.log(clip(ai, EPS, 1) / clip(b[i], EPS, 1)), 0);
    for (const name of ['kl_divergence', 'kld', 'KLD']) close(evalExpr('keras', call(`tf.keras.losses.${name}`, [yt, yp]), t, p), mean(t.map((row, i) => kl(row, p[i]))), 1e-5, name);
  });

  it('K backend: epsilon() is 1e-7 and K.binary_crossentropy is element-wise', () => {
    close(evalExpr('keras', call('K.epsilon', []), [0], [0]), 1e-7, 1e-9);
    const t = [[1, 0]];
    const p = [[0.8, 0.4]];
    close(evalExpr('keras', call('K.binary_crossentropy', [yt, yp]), t, p), bceRow(t[0], p[0]), 1e-5);
    close(evalExpr('keras', call('K.categorical_crossentropy', [yt, yp]), onehot, probs), mean(onehot.map((r, i) => cceRow(r, probs[i]))), 1e-5);
  });

  it('losses reached as keras.losses.* and tf.losses.* give the same values', () => {
    const a = evalExpr('keras', call('keras.losses.categorical_crossentropy', [yt, yp]), onehot, probs);
    const b = evalExpr('keras', call('tf.losses.categorical_crossentropy', [yt, yp]), onehot, probs);
    close(a, b, 1e-7);
  });

  it('loss objects called on the spot (CategoricalCrossentropy(from_logits=True)(y_true, y_pred)) with reduction and sample_weight', () => {
    const cls = (name: string, kwargs: Record<string, Expr> = {}, args: Expr[] = [yt, yp]) => call(`tf.keras.losses.${name}`, args, kwargs);
    const perSample = onehot.map((t, i) => cceLogitsRow(t, logits[i]));
    close(evalExpr('keras', cls('CategoricalCrossentropy', { from_logits: bool(true) }), onehot, logits), mean(perSample), 1e-5);
    close(evalExpr('keras', cls('CategoricalCrossentropy', { from_logits: bool(true), reduction: str('sum') }), onehot, logits), perSample.reduce((a, b) => a + b, 0), 1e-5);
    const weights = call('tf.constant', [literal([1, 0, 2])]);
    const weighted = cls('CategoricalCrossentropy', { from_logits: bool(true) }, [yt, yp, weights]);
    close(evalExpr('keras', weighted, onehot, logits), (perSample[0] + 2 * perSample[2]) / 3, 1e-5);
    close(evalExpr('keras', cls('MeanSquaredError'), [[0, 1]], [[1, 3]]), 2.5, 1e-6);
    close(evalExpr('keras', cls('Huber', { delta: num(0.5) }), [[0]], [[2]]), 0.5 * 2 - 0.125, 1e-6);
  });

  it('log_cosh, MAPE, MSLE, hinge (0/1 labels → ±1), squared hinge, Poisson, cosine similarity', () => {
    const t = [[0, 1, 1], [1, 0, 1]];
    const p = [[0.3, 0.8, -0.4], [1.5, 0.2, 0.9]];
    const rows = (f: (y: number, q: number) => number) => mean(t.map((row, i) => mean(row.map((y, j) => f(y, p[i][j])))));
    const k = (name: string) => evalExpr('keras', call(`tf.keras.losses.${name}`, [yt, yp]), t, p);
    close(k('log_cosh'), rows((y, q) => Math.log(Math.cosh(q - y))), 1e-5, 'log_cosh');
    close(k('logcosh'), rows((y, q) => Math.log(Math.cosh(q - y))), 1e-5, 'logcosh');
    close(k('mape'), rows((y, q) => (100 * Math.abs(y - q)) / Math.max(Math.abs(y), EPS)), 1e-4, 'mape');
    close(k('msle'), rows((y, q) => (Math.log(Math.max(q, EPS) + 1) - Math.log(Math.max(y, EPS) + 1)) ** 2), 1e-5, 'msle');
    close(k('hinge'), rows((y, q) => Math.max(1 - (2 * y - 1) * q, 0)), 1e-5, 'hinge');
    close(k('squared_hinge'), rows((y, q) => Math.max(1 - (2 * y - 1) * q, 0) ** 2), 1e-5, 'squared_hinge');
    const pos = [[0.3, 0.8, 0.4], [1.5, 0.2, 0.9]];
    close(evalExpr('keras', call('tf.keras.losses.poisson', [yt, yp]), t, pos), mean(t.map((row, i) => mean(row.map((y, j) => pos[i][j] - y * Math.log(pos[i][j] + EPS))))), 1e-5, 'poisson');
    const cos = t.map((row, i) => {
      const dot = row.reduce((s2, y, j) => s2 + y * p[i][j], 0);
      const n = (v: number[]) => Math.sqrt(v.reduce((s2, x) => s2 + x * x, 0));
      return -dot / (n(row) * n(p[i]));
    });
    close(k('cosine_similarity'), mean(cos), 1e-5, 'cosine_similarity');
    close(evalExpr('keras', call('tf.keras.losses.CosineSimilarity', [yt, yp]), t, p), mean(cos), 1e-5, 'CosineSimilarity()');
  });

  it('binary_focal_crossentropy (Keras 2.11+): (1 − p_t)^γ · BCE per element, class-balanced by α, and its loss object; categorical_hinge', () => {
    const t = [[1, 0], [0, 1]];
    const p = [[0.9, 0.3], [0.6, 0.2]];
    const focal = (gamma: number, alpha?: number) =>
      mean(t.map((row, i) => mean(row.map((y, j) => {
        const q = clip(p[i]![j]!);
        const bce = -(y * Math.log(q + EPS) + (1 - y) * Math.log(1 - q + EPS));
        const pt = y * p[i]![j]! + (1 - y) * (1 - p[i]![j]!);
        const w = alpha === undefined ? 1 : y * alpha + (1 - y) * (1 - alpha);
        return w * (1 - pt) ** gamma * bce;
      }))));
    close(evalExpr('keras', call('tf.keras.losses.binary_focal_crossentropy', [yt, yp]), t, p), focal(2), 1e-5, 'γ = 2');
    const balanced = call('tf.keras.losses.binary_focal_crossentropy', [yt, yp], { gamma: num(1.5), apply_class_balancing: bool(true), alpha: num(0.4) });
    close(evalExpr('keras', balanced, t, p), focal(1.5, 0.4), 1e-5, 'γ = 1.5, α = 0.4');
    close(evalExpr('keras', call('tf.keras.losses.BinaryFocalCrossentropy', [yt, yp], { gamma: num(3) }), t, p), focal(3), 1e-5, 'loss object, γ = 3');
    const hinge = mean(t.map((row, i) => Math.max(0, Math.max(...row.map((y, j) => (1 - y) * p[i]![j]!)) - row.reduce((s2, y, j) => s2 + y * p[i]![j]!, 0) + 1)));
    close(evalExpr('keras', call('tf.keras.losses.categorical_hinge', [yt, yp]), t, p), hinge, 1e-6, 'categorical_hinge');
  });
});
