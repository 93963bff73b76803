// More PyTorch functional losses and F.cosine_similarity, as torch 1.13 computes them.
import { op } from '../args';
import type { OpTable } from '../types';
import { asFloat } from '../values';
import { applyReduction, compare, softplus } from './shared';

export const torchMoreLosses: OpTable = {
  cosine_similarity: op(['x1', 'x2', 'dim', 'eps'], (a) => {
    const { tf } = a;
    const x1 = asFloat(tf, a.tensor('x1'));
    const x2 = asFloat(tf, a.tensor('x2'));
    const dim = a.number('dim', 1);
    const eps = a.number('eps', 1e-8);
    const w12 = tf.sum(tf.mul(x1, x2), dim);
    const w = tf.mul(tf.sum(tf.square(x1), dim), tf.sum(tf.square(x2), dim));
    return tf.div(w12, tf.sqrt(tf.maximum(w, eps * eps)));
  }),
  poisson_nll_loss: op(['input', 'target', 'log_input', 'full', 'size_average', 'eps', 'reduce', 'reduction'], (a) => {
    const { tf } = a;
    const x = asFloat(tf, a.tensor('input'));
    const t = asFloat(tf, a.tensor('target'));
    let loss = a.bool('log_input', true) ? tf.sub(tf.exp(x), tf.mul(t, x)) : tf.sub(x, tf.mul(t, tf.log(tf.add(x, a.number('eps', 1e-8)))));
    if (a.bool('full', false)) {
      // Stirling's approximation of log(target!), for targets above 1 only.
      const safe = tf.maximum(t, 1);
      const stirling = tf.add(tf.sub(tf.mul(safe, tf.log(safe)), safe), tf.mul(0.5, tf.log(tf.mul(2 * Math.PI, safe))));
      loss = tf.add(loss, tf.where(compare(tf, '>', t, tf.scalar(1)), stirling, tf.zerosLike(stirling)));
    }
    return applyReduction(tf, a, loss);
  }),
  soft_margin_loss: op(['input', 'target', 'size_average', 'reduce', 'reduction'], (a) => {
    const { tf } = a;
    const x = asFloat(tf, a.tensor('input'));
    const y = asFloat(tf, a.tensor('target'));
    return applyReduction(tf, a, softplus(tf, tf.neg(tf.mul(y, x))));
  }),
  multilabel_soft_margin_loss: op(['input', 'target', 'weight', 'size_average', 'reduce', 'reduction'], (a) => {
    const { tf } = a;
    const x = asFloat(tf, a.tensor('input'));
    const y = asFloat(tf, a.tensor('target'));
    // −(y·log σ(x) + (1 − y)·log σ(−x)) = y·softplus(−x) + (1 − y)·softplus(x)
    let loss = tf.add(tf.mul(y, softplus(tf, tf.neg(x))), tf.mul(tf.sub(1, y), softplus(tf, x)));
    const w = a.optTensor('weight');
    if (w) loss = tf.mul(loss, asFloat(tf, w));
    return applyReduction(tf, a, tf.mean(loss, -1));
  }),
  hinge_embedding_loss: op(['input', 'target', 'margin', 'size_average', 'reduce', 'reduction'], (a) => {
    const { tf } = a;
    const x = asFloat(tf, a.tensor('input'));
    const y = asFloat(tf, a.tensor('target'));
    const zeros = tf.zerosLike(x);
    const marginPart = tf.where(compare(tf, '!=', y, tf.scalar(1)), tf.relu(tf.sub(a.number('margin', 1), x)), zeros);
    const selfPart = tf.where(compare(tf, '!=', y, tf.scalar(-1)), x, zeros);
    return applyReduction(tf, a, tf.add(marginPart, selfPart));
  }),
};
