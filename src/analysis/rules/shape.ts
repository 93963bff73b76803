// A coarse shape estimate, enough to see broadcasting mistakes between terms: an element-wise tensor shaped
// like y_pred (batch, outputs), a per-sample vector (batch,), or a scalar. Anything unsure is 'unknown'.
import type { Expr, Framework } from '../ir';
import { argument, type CallExpr, lastSegment, type MethodExpr, opName } from './expr';

export type Rank = 'scalar' | 'sample' | 'elem' | 'unknown';

const REDUCTIONS = new Set([
  'reduce_mean', 'reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod', 'reduce_logsumexp', 'reduce_std', 'reduce_variance',
  'mean', 'sum', 'max', 'min', 'prod', 'logsumexp', 'std', 'var', 'norm', 'nansum', 'nanmean', 'amax', 'amin',
]);
const ELEMENTWISE = new Set([
  'abs', 'square', 'sqrt', 'exp', 'log', 'log1p', 'relu', 'sigmoid', 'tanh', 'softplus', 'maximum', 'minimum', 'clip_by_value',
  'clip', 'clamp', 'clipByValue', 'pow', 'add', 'sub', 'subtract', 'mul', 'multiply', 'div', 'divide', 'neg', 'negative',
  'where', 'softmax', 'log_softmax', 'elu', 'selu', 'leaky_relu', 'cast', 'float', 'squaredDifference', 'squared_difference',
  // same rank as their input: differences along one axis (`x.diff(dim=-1)`), a tensor of zeros or ones like it
  'diff', 'zeros_like', 'ones_like', 'zerosLike', 'onesLike', 'reciprocal', 'sign', 'expm1', 'sin', 'cos',
]);
/** Keras loss functions that average over the last axis: one value per sample. */
const KERAS_PER_SAMPLE = /^(tf\.)?keras\.losses\.[a-z_]+$|^tf\.losses\.[a-z_]+$|^K\.(categorical_crossentropy|sparse_categorical_crossentropy)$/;
const KERAS_ELEMENTWISE = /^K\.binary_crossentropy$/;
/** PyTorch functional losses: a scalar unless reduction='none'. */
const TORCH_LOSS = /^(F|torch\.nn\.functional)\.[a-z_]+_loss$|^(F|torch\.nn\.functional)\.(cross_entropy|binary_cross_entropy(_with_logits)?|kl_div)$/;
/** TF.js: tf.losses.* reduce to a scalar by default; tf.metrics.* average the last axis (one value per sample). */
const TFJS_LOSS = /^tf\.losses\.[a-zA-Z]+$/;
const TFJS_METRIC = /^tf\.metrics\.[a-zA-Z]+$/;

function combine(ranks: Rank[]): Rank {
  let out: Rank = 'scalar';
  for (const r of ranks) {
    if (r === 'unknown') return 'unknown';
    if (r === 'scalar') continue;
    if (out === 'scalar') out = r;
    else if (out !== r) return 'unknown';
  }
  return out;
}

function reduce(r: Rank, call: CallExpr | MethodExpr): Rank {
  const axis = argument(call, ['axis', 'dim'], 1);
  const keep = argument(call, ['keepdims', 'keepdim', 'keepDims'], 2);
  if (!axis || axis.kind === 'none') return 'scalar';
  if (keep?.kind === 'bool' && keep.value) return r;
  // `axis=[1, 2]` of a (batch, T, F) tensor leaves one value per sample; with the batch axis in it, one number
  if (axis.kind === 'tuple' && axis.items.length >= 2) return r === 'elem' && axis.items.every((a) => a.kind === 'number' && a.value > 0) ? 'sample' : 'scalar';
  if (r === 'elem') return 'sample';
  if (r === 'sample') return 'scalar';
  return r;
}

export function rankOf(e: Expr, framework: Framework): Rank {
  switch (e.kind) {
    case 'number':
    case 'bool':
      return 'scalar';
    case 'name':
      if (e.ref === 'yPred' || e.ref === 'yTrue') return 'elem';
      return e.ref === 'param' || e.ref === 'captured' ? 'scalar' : 'unknown';
    case 'attr':
      return e.object.kind === 'name' && e.object.ref === 'module' ? 'scalar' : 'unknown';
    case 'unary':
      return rankOf(e.operand, framework);
    case 'binary':
      return combine([rankOf(e.left, framework), rankOf(e.right, framework)]);
    case 'call':
    case 'method': {
      if (e.kind === 'call') {
        const keep = e.kwargs.reduction;
        if (TORCH_LOSS.test(e.callee)) {
          if (keep?.kind !== 'string' || keep.value !== 'none') return 'scalar';
          return /cross_entropy$|nll_loss$/.test(e.callee) && !/binary/.test(e.callee) ? 'sample' : 'elem';
        }
        if (framework === 'tfjs' && TFJS_LOSS.test(e.callee)) return 'scalar';
        if (framework === 'tfjs' && TFJS_METRIC.test(e.callee)) return 'sample';
        if (KERAS_ELEMENTWISE.test(e.callee)) return 'elem';
        if (framework === 'keras' && KERAS_PER_SAMPLE.test(e.callee) && /^[a-z_]+$/.test(lastSegment(e.callee))) return 'sample';
      }
      const op = opName(e) ?? '';
      const tensorArgs = (e.kind === 'method' ? [e.object, ...e.args] : e.args).map((a) => rankOf(a, framework));
      if (REDUCTIONS.has(op)) return reduce(tensorArgs[0] ?? 'unknown', e);
      if (ELEMENTWISE.has(op)) return combine(op === 'where' ? tensorArgs.slice(1) : tensorArgs);
      return 'unknown';
    }
    case 'conditional': {
      // both branches give the loss the same value's shape (tf.cond requires it): one known branch says it
      const known = [rankOf(e.then, framework), rankOf(e.else, framework)].filter((r) => r !== 'unknown');
      return known.length > 0 ? combine(known) : 'unknown';
    }
    default:
      return 'unknown';
  }
}
