// PyTorch's metric-learning and heteroscedastic losses, as torch 1.13 computes them: margin ranking, triplet margin,
// cosine embedding and Gaussian NLL (functional `F.x` and module `nn.X(...)(…)` forms share these).
import { op } from '../args';
import type { OpArgs, OpTable, Tensor } from '../types';
import { asFloat } from '../values';
import { stopGradient } from './builders';
import { pNorm, torchOrderingFunctional } from './ordering';
import { applyReduction, compare } from './shared';
import { torchMoreLosses } from './torchMoreLosses';

const float = (a: OpArgs, name: string): Tensor => asFloat(a.tf, a.tensor(name));

/** torch.pairwise_distance: ‖x1 − x2 + eps‖_p over the last axis. */
const distance = (a: OpArgs, x1: Tensor, x2: Tensor, p: number, eps: number): Tensor => pNorm(a.tf, a.tf.add(a.tf.sub(x1, x2), eps), p, -1);

export const torchPairLosses: OpTable = {
  // max(0, −y·(x1 − x2) + margin)
  margin_ranking_loss: op(['input1', 'input2', 'target', 'margin', 'size_average', 'reduce', 'reduction'], (a) => {
    const { tf } = a;
    const gap = tf.sub(float(a, 'input1'), float(a, 'input2'));
    return applyReduction(tf, a, tf.relu(tf.add(tf.neg(tf.mul(float(a, 'target'), gap)), a.number('margin', 0))));
  }),
  // max(d(a, p) − d(a, n) + margin, 0), d(a, n) = min(d(a, n), d(p, n)) with swap
  triplet_margin_loss: op(['anchor', 'positive', 'negative', 'margin', 'p', 'eps', 'swap', 'size_average', 'reduce', 'reduction'], (a) => {
    const { tf } = a;
    const [anchor, positive, negative] = [float(a, 'anchor'), float(a, 'positive'), float(a, 'negative')];
    const [p, eps] = [a.number('p', 2), a.number('eps', 1e-6)];
    const dPos = distance(a, anchor, positive, p, eps);
    let dNeg = distance(a, anchor, negative, p, eps);
    if (a.bool('swap', false)) dNeg = tf.minimum(dNeg, distance(a, positive, negative, p, eps));
    return applyReduction(tf, a, tf.relu(tf.add(tf.sub(dPos, dNeg), a.number('margin', 1))));
  }),
  // 1 − cos(x1, x2) where y = 1, max(0, cos − margin) where y = −1; cos with torch's own 1e-12 under the norms
  cosine_embedding_loss: op(['input1', 'input2', 'target', 'margin', 'size_average', 'reduce', 'reduction'], (a) => {
    const { tf } = a;
    const [x1, x2] = [float(a, 'input1'), float(a, 'input2')];
    const axis = x1.rank - 1;
    const dot = tf.sum(tf.mul(x1, x2), axis);
    const norms = tf.mul(tf.add(tf.sum(tf.square(x1), axis), 1e-12), tf.add(tf.sum(tf.square(x2), axis), 1e-12));
    const cos = tf.div(dot, tf.sqrt(norms));
    const y = float(a, 'target');
    const zeros = tf.zerosLike(cos);
    const similar = tf.where(compare(tf, '==', y, tf.scalar(1)), tf.sub(1, cos), zeros);
    const dissimilar = tf.where(compare(tf, '==', y, tf.scalar(-1)), tf.relu(tf.sub(cos, a.number('margin', 0))), zeros);
    return applyReduction(tf, a, tf.add(similar, dissimilar));
  }),
  // ½·(log max(var, eps) + (input − target)² / max(var, eps)) (+ ½·log 2π when full); the clamp passes gradients
  gaussian_nll_loss: op(['input', 'target', 'var', 'full', 'eps', 'reduction'], (a) => {
    const { tf } = a;
    const [x, t] = [float(a, 'input'), float(a, 'target')];
    let v = float(a, 'var');
    // a variance with one axis fewer than the input (one per sample) is broadcast over the last axis
    if (v.rank === x.rank - 1) v = tf.expandDims(v, -1);
    const eps = a.number('eps', 1e-6);
    // torch clamps a clone under no_grad: the value is max(var, eps), the gradient var's own
    const held = tf.add(v, stopGradient(tf, tf.sub(tf.maximum(v, eps), v)));
    let loss = tf.mul(0.5, tf.add(tf.log(held), tf.div(tf.square(tf.sub(x, t)), held)));
    if (a.bool('full', false)) loss = tf.add(loss, 0.5 * Math.log(2 * Math.PI));
    return applyReduction(tf, a, loss);
  }),
};

/** `torch.cosine_similarity` (F's own), and the distance module `nn.PairwiseDistance(p=…)(x1, x2)`. */
export const torchPairCalls: OpTable = {
  'torch.cosine_similarity': torchMoreLosses.cosine_similarity!,
  'nn.PairwiseDistance': torchOrderingFunctional.pairwise_distance!,
  'torch.nn.PairwiseDistance': torchOrderingFunctional.pairwise_distance!,
};
