// A coarse shape estimate, enough to see broadcasting mistakes between terms: an element-wise tensor shaped
// like y_pred (batch, outputs), a per-sample vector (batch,), or a scalar. Anything unsure is 'unknown'.
import type { Expr, Framework } from '../ir';
import { argument, type CallExpr, lastSegment, type MethodExpr, opName } from './expr';

export type Rank = 'scalar' | 'sample' | 'elem' | 'unknown';

/** Ops that keep a tensor's elements, one for one (a dimension of size one dropped or added, a cast, a device move). */
const SAME_ELEMENTS = new Set(['squeeze', 'unsqueeze', 'float', 'double', 'to', 'cuda', 'cpu', 'detach', 'clone', 'contiguous', 'type_as']);

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

/**
 * A fold over the model's outputs (`for p in predictions: acc += 0.5 * (p - y) ** 2`, an ensemble's members): each
 * pass adds a value of one shape, so the fold has the added value's rank, its loop variable one output ('elem').
 */
function foldRank(e: Extract<Expr, { kind: 'loop' }>, framework: Framework, loops: ReadonlyMap<string, Rank>): Rank {
  const over = e.iterable;
  const body = e.body;
  const overOutputs = over.kind === 'name' && (over.ref === 'yPred' || over.ref === 'yTrue') && e.variables.length === 1;
  const acc = (x: Expr): boolean => x.kind === 'name' && x.name === e.accumulator;
  if (!e.accumulator || !overOutputs || body.kind !== 'binary' || body.op !== '+' || !acc(body.left)) return 'unknown';
  return rankOf(body.right, framework, new Map([...loops, [e.variables[0]!, 'elem' as Rank]]));
}

export function rankOf(e: Expr, framework: Framework, loops: ReadonlyMap<string, Rank> = new Map()): Rank {
  const rank = (x: Expr): Rank => rankOf(x, framework, loops);
  switch (e.kind) {
    case 'loop':
      return foldRank(e, framework, loops);
    case 'number':
    case 'bool':
      return 'scalar';
    case 'name':
      if (e.ref === 'yPred' || e.ref === 'yTrue') return 'elem';
      if (e.ref === 'loop') return loops.get(e.name) ?? 'unknown';
      return e.ref === 'param' || e.ref === 'captured' ? 'scalar' : 'unknown';
    case 'attr':
      return e.object.kind === 'name' && e.object.ref === 'module' ? 'scalar' : 'unknown';
    case 'unary':
      return rank(e.operand);
    case 'binary':
      return combine([rank(e.left), rank(e.right)]);
    case 'call':
    case 'method': {
      if (e.kind === 'call') {
        if (e.callee === 'len') return 'scalar'; // Python's count of a list or a dimension
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
      const tensorArgs = (e.kind === 'method' ? [e.object, ...e.args] : e.args).map(rank);
      if (REDUCTIONS.has(op)) return reduce(tensorArgs[0] ?? 'unknown', e);
      if (SAME_ELEMENTS.has(op)) return tensorArgs[0] ?? 'unknown';
      if (ELEMENTWISE.has(op)) return combine(op === 'where' ? tensorArgs.slice(1) : tensorArgs);
      return 'unknown';
    }
    case 'conditional': {
      // both branches give the loss the same value's shape (tf.cond requires it): one known branch says it
      const known = [rank(e.then), rank(e.else)].filter((r) => r !== 'unknown');
      return known.length > 0 ? combine(known) : 'unknown';
    }
    default:
      return 'unknown';
  }
}
