// Further Keras / TF spellings real losses use beside the ones in keras.ts and kerasOps.ts: TF2's `tf.losses.*`
// loss classes (the same objects as `tf.keras.losses`), `tf.nn.l2_normalize` (contrastive losses),
// `tf.nn.sparse_softmax_cross_entropy_with_logits(labels=…, logits=…)`, `tf.nn.moments`, `K.squeeze`/`K.tile`/
// `K.repeat_elements`, `tf.fill`/`tf.range`, and `keras.ops` NumPy names (squeeze, one_hot, cumsum, sort, arange,
// full_like, diff, the backend cross-entropies).
import { op } from '../args';
import type { OpArgs, OpTable, Tensor } from '../types';
import { asFloat } from '../values';
import { shapeArg, unaryOp, variance } from './builders';
import { kerasBackendLosses } from './kerasLosses';
import { kerasLossClasses } from './lossClasses';
import { sortAlong } from './ordering';
import { diff, logSoftmax } from './shared';

const float = (a: OpArgs, name: string): Tensor => asFloat(a.tf, a.tensor(name));

/** x / sqrt(max(Σx², eps)) along `axis` (TF's default eps 1e-12). */
const l2Normalize = op(['x', 'axis', 'epsilon'], (a) => {
  const { tf } = a;
  const x = float(a, 'x');
  return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), a.axis('axis'), true), a.number('epsilon', 1e-12))));
});

/** −log softmax(logits)[label] per sample, labels integer class indices with one axis fewer than the logits. */
const sparseSoftmaxCe = op(['labels', 'logits'], (a) => {
  const { tf } = a;
  const logits = float(a, 'logits');
  const classes = logits.shape[logits.rank - 1]!;
  const onehot = tf.oneHot(tf.cast(a.tensor('labels'), 'int32'), classes);
  return tf.neg(tf.sum(tf.mul(onehot, logSoftmax(tf, logits, -1)), -1));
});

/** (mean, variance) over `axes` (population variance, as TF computes it). */
const moments = op(['x', 'axes', 'shift', 'keepdims'], (a) => {
  const x = float(a, 'x');
  const axes = a.axis('axes');
  const keep = a.bool('keepdims', false);
  return [a.tf.mean(x, axes, keep), variance(a.tf, x, axes, keep, 0)];
});

/**
 * `tf.nn.compute_average_loss(per_example_loss, sample_weight, global_batch_size)`: Σ loss·w / global batch size, the
 * global size defaulting to this batch's (one replica: a mean over the batch).
 */
const computeAverageLoss = op(['per_example_loss', 'sample_weight', 'global_batch_size'], (a) => {
  const { tf } = a;
  const loss = float(a, 'per_example_loss');
  const w = a.optTensor('sample_weight');
  const total = tf.sum(w ? tf.mul(loss, asFloat(tf, w)) : loss);
  const size = a.has('global_batch_size') ? a.tensor('global_batch_size') : tf.scalar(loss.rank === 0 ? 1 : loss.shape[0]!);
  return tf.div(total, asFloat(tf, size));
});

/**
 * Keras's `compute_weighted_loss(losses, sample_weight, reduction)`, what `Loss.__call__` does with what `call` returns:
 * 'none' keeps it, 'sum' sums it, 'sum_over_batch_size' / 'auto' average it.
 */
const computeWeightedLoss = op(['losses', 'sample_weight', 'reduction'], (a) => {
  const { tf } = a;
  const w = a.optTensor('sample_weight');
  const losses = w ? tf.mul(float(a, 'losses'), asFloat(tf, w)) : float(a, 'losses');
  const mode = a.string('reduction', 'sum_over_batch_size');
  if (mode === 'none') return losses;
  if (mode === 'sum') return tf.sum(losses);
  if (mode === 'sum_over_batch_size' || mode === 'auto') return tf.mean(losses);
  throw new Error(`unknown reduction '${mode}'`);
});

const squeeze = op(['x', 'axis'], (a) => {
  const axis = a.axis('axis');
  return a.tf.squeeze(a.tensor('x'), axis === undefined ? undefined : typeof axis === 'number' ? [axis] : axis);
});

/** `K.repeat_elements(x, rep, axis)` / `keras.ops.repeat`: each slice along `axis` repeated `rep` times in place. */
const repeatElements = (x: Tensor, rep: number, axis: number, a: OpArgs): Tensor => {
  const { tf } = a;
  const ax = axis < 0 ? axis + x.rank : axis;
  const expanded = tf.expandDims(x, ax + 1);
  const tiles = x.shape.map(() => 1);
  tiles.splice(ax + 1, 0, rep);
  const shape = [...x.shape];
  shape[ax] = shape[ax]! * rep;
  return tf.reshape(tf.tile(expanded, tiles), shape);
};

const arange = op(['start', 'stop', 'step'], (a) => {
  const [start, stop] = a.has('stop') ? [a.number('start'), a.number('stop')] : [0, a.number('start')];
  return a.tf.range(start, stop, a.number('step', 1), 'float32');
});

/** Ascending along `axis`, through the ordering table's one-hot product (gradients reach the sorted tensor). */
const sortOp = op(['x', 'axis'], (a) => sortAlong(a.tf, a.tensor('x'), a.number('axis', -1), false)[0]!);

const kerasOpsMore: OpTable = {
  squeeze,
  shape: op(['x'], (a) => [...a.tensor('x').shape]),
  one_hot: op(['x', 'num_classes'], (a) => a.tf.oneHot(a.tf.cast(a.tensor('x'), 'int32'), a.number('num_classes'))),
  cumsum: op(['x', 'axis'], (a) => a.tf.cumsum(float(a, 'x'), a.number('axis', 0))),
  sort: sortOp,
  arange,
  full_like: op(['x', 'fill_value'], (a) => a.tf.fill([...a.tensor('x').shape], a.number('fill_value'))),
  diff: op(['a', 'n', 'axis'], (a) => diff(a.tf, float(a, 'a'), a.number('axis', -1))),
  repeat: op(['x', 'repeats', 'axis'], (a) => repeatElements(float(a, 'x'), a.number('repeats'), a.number('axis', 0), a)),
  log1p: unaryOp('x', (tf, x) => tf.log1p(x)),
  ...kerasBackendLosses,
};

export const kerasSpellings: OpTable = Object.fromEntries([
  ...Object.entries(kerasLossClasses).map(([name, spec]) => [name.replace(/^(tf\.keras|keras)\.losses\./, 'tf.losses.'), spec]),
  ...['tf.nn.l2_normalize', 'tf.linalg.l2_normalize', 'tf.keras.backend.l2_normalize'].map((n) => [n, l2Normalize]),
  ['tf.nn.sparse_softmax_cross_entropy_with_logits', sparseSoftmaxCe],
  ['tf.nn.moments', moments],
  ['tf.nn.compute_average_loss', computeAverageLoss],
  ['tf.keras.utils.losses_utils.compute_weighted_loss', computeWeightedLoss],
  ['K.squeeze', squeeze],
  // Keras's backend `K.arange(start, stop=None, step=1)`: NumPy's argument order, as keras.ops.arange
  ['K.arange', arange],
  ['K.tile', op(['x', 'n'], (a) => a.tf.tile(float(a, 'x'), shapeArg(a, 'n')))],
  ['K.repeat_elements', op(['x', 'rep', 'axis'], (a) => repeatElements(float(a, 'x'), a.number('rep'), a.number('axis'), a))],
  ['tf.fill', op(['dims', 'value'], (a) => a.tf.fill(shapeArg(a, 'dims'), a.number('value')))],
  ['tf.range', op(['start', 'limit', 'delta'], (a) => {
    const [start, limit] = a.has('limit') ? [a.number('start'), a.number('limit')] : [0, a.number('start')];
    return a.tf.range(start, limit, a.number('delta', 1), 'float32');
  })],
  ['tf.math.is_finite', unaryOp('x', (tf, x) => tf.isFinite(x))],
  ['tf.math.floordiv', op(['x', 'y'], (a) => a.tf.floorDiv(float(a, 'x'), float(a, 'y')))],
  ['tf.math.floormod', op(['x', 'y'], (a) => a.tf.mod(float(a, 'x'), float(a, 'y')))],
  ['tf.experimental.numpy.diff', op(['a', 'n', 'axis'], (a) => diff(a.tf, float(a, 'a'), a.number('axis', -1)))],
  ...['keras.ops', 'tf.keras.ops'].flatMap((prefix) => Object.entries(kerasOpsMore).map(([name, spec]) => [`${prefix}.${name}`, spec])),
]);
