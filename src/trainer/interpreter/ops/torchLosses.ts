// PyTorch functional losses (`F.*`) as torch 1.13 computes them, with their `reduction` ('mean' | 'sum' | 'none').
import { op } from '../args';
import type { OpArgs, OpTable, Tensor, Tf } from '../types';
import { asFloat } from '../values';
import { applyReduction, logSoftmax, reduceOverBatch, softplus } from './shared';
import { torchMoreLosses } from './torchMoreLosses';
import { torchPairLosses } from './torchPairLosses';

const pair = (a: OpArgs) => [asFloat(a.tf, a.tensor('input')), asFloat(a.tf, a.tensor('target'))] as const;

/**
 * The binary cross-entropies refuse a target whose shape is not the input's, as PyTorch does (a [N, 1] target beside
 * a [N] input would broadcast to [N, N] here, a different function that trains nothing).
 */
function sameShapePair(a: OpArgs, what: string): readonly [Tensor, Tensor] {
  const [x, t] = pair(a);
  const same = x.rank === t.rank && x.shape.every((d, i) => d === t.shape[i]);
  if (!same) throw new Error(`${what} (torch.Size([${t.shape.join(', ')}])) must be the same as input size (torch.Size([${x.shape.join(', ')}]))`);
  return [x, t];
}

/** Parameters of the element-wise losses, legacy `size_average`/`reduce` included so positions line up. */
const elementwise = ['input', 'target', 'size_average', 'reduce', 'reduction'];

/** Class targets (integers, shape [N] or [N, d…]) or probabilities (same shape as the input) for cross-entropy. */
function crossEntropy(a: OpArgs): Tensor {
  const { tf } = a;
  const logits = asFloat(tf, a.tensor('input'));
  const target = a.tensor('target');
  const classAxis = logits.rank > 1 ? 1 : 0;
  const classes = logits.shape[classAxis] as number;
  const logp = logSoftmax(tf, logits, classAxis);
  const ls = a.number('label_smoothing', 0);
  const weight = a.optTensor('weight');
  const probabilities = target.rank === logits.rank && target.shape.every((d, i) => d === logits.shape[i]);
  const toClassAxis = (w: Tensor) => (logits.rank > 1 ? tf.reshape(w, [1, classes, ...logits.shape.slice(2).map(() => 1)] as number[]) : w);
  if (probabilities) {
    let t = asFloat(tf, target);
    if (ls > 0) t = tf.add(tf.mul(t, 1 - ls), ls / classes);
    const wl = weight ? tf.mul(logp, toClassAxis(asFloat(tf, weight))) : logp;
    const perSample = tf.neg(tf.sum(tf.mul(t, wl), classAxis));
    return applyReduction(tf, a, perSample);
  }
  const onehot = classOneHot(tf, target, classes, logits.rank, a.number('ignore_index', -100));
  const wc = weight ? toClassAxis(asFloat(tf, weight)) : tf.onesLike(tf.sum(onehot, 0, true));
  let perSample = tf.neg(tf.sum(tf.mul(tf.mul(onehot, wc), logp), classAxis));
  if (ls > 0) {
    // Ignored targets have an all-zero one-hot row: their smoothing term is masked out too.
    const valid = tf.sum(onehot, classAxis);
    const smoothTerm = tf.mul(tf.neg(tf.sum(tf.mul(wc, logp), classAxis)), valid);
    perSample = tf.add(tf.mul(perSample, 1 - ls), tf.mul(smoothTerm, ls / classes));
  }
  return classReduction(a, perSample, tf.sum(tf.mul(onehot, wc), classAxis));
}

/**
 * Integer class targets as a one-hot tensor laid out like the scores (class axis 1 for rank > 1). Targets equal
 * to `ignore_index` (PyTorch's default −100) get an all-zero row, so they add nothing and are not counted.
 */
function classOneHot(tf: Tf, target: Tensor, classes: number, rank: number, ignoreIndex: number): Tensor {
  let labels = tf.cast(target, 'int32');
  if (ignoreIndex >= 0) labels = tf.where(tf.equal(labels, ignoreIndex), tf.fill(labels.shape, -1, 'int32'), labels);
  const onehot = tf.oneHot(labels, classes);
  // oneHot appends the class axis last; move it to axis 1 like the scores.
  if (rank <= 2) return onehot;
  return tf.transpose(onehot, [0, onehot.rank - 1, ...Array.from({ length: onehot.rank - 2 }, (_, i) => i + 1)]);
}

/** PyTorch's 'mean' for class targets divides by the total weight of the (non-ignored) targets, given per sample. */
function classReduction(a: OpArgs, perSample: Tensor, sampleWeights: Tensor): Tensor {
  if (a.string('reduction', 'mean') === 'mean') return reduceOverBatch(a.tf, a, perSample, 'mean', sampleWeights);
  return applyReduction(a.tf, a, perSample);
}

function nllLoss(a: OpArgs): Tensor {
  const { tf } = a;
  const logp = asFloat(tf, a.tensor('input'));
  const classAxis = logp.rank > 1 ? 1 : 0;
  const classes = logp.shape[classAxis] as number;
  const onehot = classOneHot(tf, a.tensor('target'), classes, logp.rank, a.number('ignore_index', -100));
  const weight = a.optTensor('weight');
  const shape = logp.rank > 1 ? [1, classes, ...logp.shape.slice(2).map(() => 1)] : [classes];
  const wc = weight ? tf.reshape(asFloat(tf, weight), shape as number[]) : tf.onesLike(tf.sum(onehot, 0, true));
  const perSample = tf.neg(tf.sum(tf.mul(tf.mul(onehot, wc), logp), classAxis));
  return classReduction(a, perSample, tf.sum(tf.mul(onehot, wc), classAxis));
}

function withWeight(tf: Tf, a: OpArgs, loss: Tensor): Tensor {
  const w = a.optTensor('weight');
  return w ? tf.mul(loss, asFloat(tf, w)) : loss;
}

/** The functional losses by name (`mse_loss`, `cross_entropy`, …). */
export const torchLossFunctions: OpTable = {
  mse_loss: op(elementwise, (a) => {
    const [x, y] = pair(a);
    return applyReduction(a.tf, a, a.tf.squaredDifference(x, y));
  }),
  l1_loss: op(elementwise, (a) => {
    const [x, y] = pair(a);
    return applyReduction(a.tf, a, a.tf.abs(a.tf.sub(x, y)));
  }),
  smooth_l1_loss: op([...elementwise, 'beta'], (a) => {
    const [x, y] = pair(a);
    const { tf } = a;
    const beta = a.number('beta', 1);
    const d = tf.abs(tf.sub(x, y));
    if (beta === 0) return applyReduction(tf, a, d);
    // min(d, β) splits the two branches without a comparison op in the gradient path:
    // 0.5·m²/β + (d − m) is 0.5 d²/β inside the β band and d − β/2 outside.
    const m = tf.minimum(d, beta);
    const blended = tf.add(tf.div(tf.mul(0.5, tf.square(m)), beta), tf.sub(d, m));
    return applyReduction(tf, a, blended);
  }),
  huber_loss: op(['input', 'target', 'reduction', 'delta'], (a) => {
    const [x, y] = pair(a);
    const { tf } = a;
    const delta = a.number('delta', 1);
    const d = tf.abs(tf.sub(x, y));
    const m = tf.minimum(d, delta);
    // 0.5·m² + δ·(d − m): 0.5 d² inside the δ band, δ(d − δ/2) outside.
    return applyReduction(tf, a, tf.add(tf.mul(0.5, tf.square(m)), tf.mul(delta, tf.sub(d, m))));
  }),
  cross_entropy: op(['input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing'], crossEntropy),
  nll_loss: op(['input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction'], nllLoss),
  binary_cross_entropy: op(['input', 'target', 'weight', 'size_average', 'reduce', 'reduction'], (a) => {
    const [p, t] = sameShapePair(a, 'Using a target size');
    const { tf } = a;
    return applyReduction(tf, a, withWeight(tf, a, clampedBce(tf, p, t)));
  }),
  binary_cross_entropy_with_logits: op(['input', 'target', 'weight', 'size_average', 'reduce', 'reduction', 'pos_weight'], (a) => {
    const [x, t] = sameShapePair(a, 'Target size');
    const { tf } = a;
    const pw = a.optTensor('pos_weight');
    const loss = pw
      ? tf.add(tf.mul(tf.sub(1, t), x), tf.mul(tf.add(1, tf.mul(tf.sub(asFloat(tf, pw), 1), t)), softplus(tf, tf.neg(x))))
      : tf.sub(softplus(tf, x), tf.mul(x, t));
    return applyReduction(tf, a, withWeight(tf, a, loss));
  }),
  kl_div: op(['input', 'target', 'size_average', 'reduce', 'reduction', 'log_target'], (a) => {
    const [logq, t] = pair(a);
    const { tf } = a;
    const loss = a.bool('log_target', false)
      ? tf.mul(tf.exp(t), tf.sub(t, logq))
      : // xlogy: 0·log 0 = 0 for targets that are exactly zero.
        tf.sub(tf.mul(t, tf.log(tf.maximum(t, 1e-30))), tf.mul(t, logq));
    if (a.string('reduction', 'mean') === 'batchmean') return tf.div(tf.sum(loss), loss.rank > 0 ? loss.shape[0] : 1);
    return applyReduction(tf, a, loss);
  }),
  ...torchMoreLosses,
  ...torchPairLosses,
};

/** `F.x` and `torch.nn.functional.x`. */
export const torchLossTable: OpTable = Object.fromEntries(
  Object.entries(torchLossFunctions).flatMap(([name, spec]) => [
    [`F.${name}`, spec],
    [`torch.nn.functional.${name}`, spec],
  ]),
);

/**
 * PyTorch's element-wise binary cross-entropy: each log clamped at −100 so that p = 0 or 1 gives a finite loss, and
 * its own gradient (p − t) / max(p(1 − p), 1e-12) with respect to p, so a saturated sigmoid does not turn the
 * gradient of the clamped log into NaN (tfjs would differentiate log(0) = −inf through the clamp).
 */
function clampedBce(tf: Tf, p: Tensor, t: Tensor): Tensor {
  const f = tf.customGrad((...inputs) => {
    const [x, y, save] = inputs as unknown as [Tensor, Tensor, (ts: Tensor[]) => void];
    save([x, y]); // the backward pass reads them through `saved`: tfjs may have freed the forward's own handles
    const logP = tf.maximum(tf.log(x), -100);
    const log1mP = tf.maximum(tf.log(tf.sub(1, x)), -100);
    const value = tf.neg(tf.add(tf.mul(y, logP), tf.mul(tf.sub(1, y), log1mP)));
    const gradFunc = (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const g = Array.isArray(dy) ? (dy[0] as Tensor) : dy;
      const [xs, ys] = saved as [Tensor, Tensor];
      const dp = tf.div(tf.sub(xs, ys), tf.maximum(tf.mul(xs, tf.sub(1, xs)), 1e-12));
      const dt = tf.sub(tf.maximum(tf.log(tf.sub(1, xs)), -100), tf.maximum(tf.log(xs), -100));
      return [tf.mul(g, dp), tf.mul(g, dt)];
    };
    return { value, gradFunc };
  });
  const [pb, tb] = broadcastPair(tf, asFloat(tf, p), asFloat(tf, t));
  return f(pb, tb);
}

/** Both tensors broadcast to their common shape (a custom gradient must match its inputs' shapes). */
function broadcastPair(tf: Tf, a: Tensor, b: Tensor): [Tensor, Tensor] {
  const rank = Math.max(a.rank, b.rank);
  const dim = (t: Tensor, i: number): number => (t.shape[t.rank - rank + i] as number | undefined) ?? 1;
  const shape = Array.from({ length: rank }, (_, i) => Math.max(dim(a, i), dim(b, i)));
  const to = (t: Tensor): Tensor => (t.shape.length === rank && t.shape.every((d, i) => d === shape[i]) ? t : tf.broadcastTo(t, shape));
  return [to(a), to(b)];
}
