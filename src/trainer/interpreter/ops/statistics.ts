// Statistics and norms that decorrelation, orthogonality and smoothness penalties call beside the main tables:
// `torch.cov` / `torch.corrcoef` (VICReg-style covariance terms, fairness correlations), `torch.linalg.matrix_norm`
// (‖WᵀW − I‖_F), `torch.dist`, `torch.logit`, `tf.image.image_gradients` (smoothness of a predicted map),
// `tf.math.reduce_euclidean_norm`, and small Keras backend functions. Checked against torch (scripts/golden) and by hand.
import { op } from '../args';
import type { OpArgs, OpTable, Tensor, Tf } from '../types';
import { asFloat } from '../values';
import { pNorm, unaryOp } from './builders';
import { compare } from './shared';

const float = (a: OpArgs, name: string): Tensor => asFloat(a.tf, a.tensor(name));

/**
 * torch.cov(input, correction=1): rows are variables, columns observations (a 1-D input is one variable): the
 * covariance matrix Σ (x − x̄)(x − x̄)ᵀ / (N − correction), a scalar for one variable.
 */
function covariance(tf: Tf, input: Tensor, correction: number): Tensor {
  const x = input.rank === 1 ? tf.reshape(input, [1, -1]) : input;
  if (x.rank !== 2) throw new Error(`cov takes a 1-D or 2-D input, not rank ${input.rank}`);
  const centred = tf.sub(x, tf.mean(x, 1, true));
  const n = x.shape[1] as number;
  const cov = tf.div(tf.matMul(centred, centred, false, true), Math.max(n - correction, 0));
  return input.rank === 1 ? tf.reshape(cov, []) : cov;
}

/** torch.corrcoef: the covariance scaled by each pair's standard deviations (1 on the diagonal). */
function correlation(tf: Tf, input: Tensor): Tensor {
  const cov = covariance(tf, input, 1);
  if (cov.rank === 0) return tf.div(cov, cov);
  const sd = tf.sqrt(tf.reshape(tf.sum(tf.mul(cov, tf.eye(cov.shape[0] as number)), 1), [-1, 1]));
  return tf.div(cov, tf.matMul(sd, sd, false, true));
}

/** torch.logit(p, eps): log(p / (1 − p)), p clamped to [eps, 1 − eps] when eps is given. */
function logit(tf: Tf, p: Tensor, eps: number | undefined): Tensor {
  const q = eps === undefined ? p : tf.clipByValue(p, eps, 1 - eps);
  return tf.log(tf.div(q, tf.sub(1, q)));
}

/** tf.image.image_gradients on (N, H, W, C): (dy, dx), the forward differences with a zero last row / column. */
function imageGradients(tf: Tf, images: Tensor): Tensor[] {
  if (images.rank !== 4) throw new Error(`image_gradients takes (N, H, W, C) images, not rank ${images.rank}`);
  const [n, h, w, c] = images.shape as [number, number, number, number];
  const dy = tf.sub(tf.slice(images, [0, 1, 0, 0], [n, h - 1, w, c]), tf.slice(images, [0, 0, 0, 0], [n, h - 1, w, c]));
  const dx = tf.sub(tf.slice(images, [0, 0, 1, 0], [n, h, w - 1, c]), tf.slice(images, [0, 0, 0, 0], [n, h, w - 1, c]));
  return [tf.concat([dy, tf.zeros([n, 1, w, c])], 1), tf.concat([dx, tf.zeros([n, h, 1, c])], 2)];
}

/** torch.linalg.matrix_norm: the Frobenius norm over the last two axes (or `dim`); other orders need an SVD. */
const matrixNorm = op(['input', 'ord', 'dim', 'keepdim'], (a) => {
  const ord = a.value('ord') ?? 'fro';
  if (ord !== 'fro') throw new Error(`ord=${JSON.stringify(ord)} needs singular values, which the trainer does not compute: use 'fro'`);
  return pNorm(a.tf, float(a, 'input'), 2, a.has('dim') ? a.axis('dim') : [-2, -1], a.bool('keepdim', false));
});

/** torch.dist(input, other, p=2): the p-norm of the difference over all elements. */
const dist = (a: OpArgs, input: string): Tensor => pNorm(a.tf, a.tf.sub(float(a, input), float(a, 'other')), a.number('p', 2), undefined, false);

export const torchStatisticsCalls: OpTable = {
  'torch.cov': op(['input', 'correction'], (a) => covariance(a.tf, float(a, 'input'), a.number('correction', 1))),
  'torch.corrcoef': op(['input'], (a) => correlation(a.tf, float(a, 'input'))),
  'torch.linalg.matrix_norm': matrixNorm,
  'torch.dist': op(['input', 'other', 'p'], (a) => dist(a, 'input')),
  'torch.logit': op(['input', 'eps'], (a) => logit(a.tf, float(a, 'input'), a.optNumber('eps'))),
  'torch.special.logit': op(['input', 'eps'], (a) => logit(a.tf, float(a, 'input'), a.optNumber('eps'))),
};

export const torchStatisticsMethods: OpTable = {
  logit: op(['self', 'eps'], (a) => logit(a.tf, float(a, 'self'), a.optNumber('eps'))),
  dist: op(['self', 'other', 'p'], (a) => dist(a, 'self')),
  cov: op(['self', 'correction'], (a) => covariance(a.tf, float(a, 'self'), a.number('correction', 1))),
  corrcoef: op(['self'], (a) => correlation(a.tf, float(a, 'self'))),
};

const reduceEuclidean = op(['input_tensor', 'axis', 'keepdims'], (a) => a.tf.sqrt(a.tf.sum(a.tf.square(float(a, 'input_tensor')), a.axis('axis'), a.bool('keepdims', false))));

export const kerasStatisticsCalls: OpTable = {
  'tf.image.image_gradients': op(['image'], (a) => imageGradients(a.tf, float(a, 'image'))),
  'tf.math.reduce_euclidean_norm': reduceEuclidean,
  'tf.math.cumprod': op(['x', 'axis'], (a) => cumulativeProduct(a.tf, float(a, 'x'), a.number('axis', 0))),
  'K.cumprod': op(['x', 'axis'], (a) => cumulativeProduct(a.tf, float(a, 'x'), a.number('axis', 0))),
  'K.softsign': unaryOp('x', (tf, x) => tf.div(x, tf.add(1, tf.abs(x)))),
  'K.elu': op(['x', 'alpha'], (a) => {
    const { tf } = a;
    const x = float(a, 'x');
    return tf.where(compare(tf, '>', x, tf.scalar(0)), x, tf.mul(a.number('alpha', 1), tf.sub(tf.exp(tf.minimum(x, 0)), 1)));
  }),
  'K.one_hot': op(['indices', 'num_classes'], (a) => a.tf.oneHot(a.tf.cast(a.tensor('indices'), 'int32'), a.number('num_classes'))),
};

export function cumulativeProduct(tf: Tf, x: Tensor, axis: number): Tensor {
  const out: Tensor[] = [];
  for (const s of tf.unstack(x, axis)) out.push(out.length === 0 ? s : tf.mul(out[out.length - 1] as Tensor, s));
  return tf.stack(out, axis);
}
