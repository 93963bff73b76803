// The Keras / TensorFlow op table: `tf.*` (and `tf.math.*`, `tf.nn.*` where TF has them), `K.*` backend
// functions and `tf.keras.losses.*`. Names are canonical callees as the Python front end writes them.
import { op } from '../args';
import { iteratorBuiltins, modelMethods, variableCopies } from '../modelValues';
import type { FrameworkOps, OpSpec, OpTable, Value } from '../types';
import { asFloat } from '../values';
import {
  argExtremumOp, binaryOp, castOp, clipOp, compareOp, constantOp, eyeOp, gatherOp, joinOp, logicalNotOp, matmulOp, normOp, permuteOp, reduceOp, shapeArg,
  softmaxOp, stopGradient, sumList, unaryOp, unstackOp, variance, whereOp,
} from './builders';
import { kerasEinsum } from './einsum';
import { KERAS_EPSILON, kerasBackendLosses, kerasLossTable } from './kerasLosses';
import { kerasLossesGetTable } from './kerasLossesGet';
import { kerasMoreCalls } from './kerasMore';
import { kerasOpsTable } from './kerasOps';
import { kerasRegularizerTable } from './kerasRegularizers';
import { kerasSpellings } from './kerasSpellings';
import { kerasLossClasses } from './lossClasses';
import { kerasMathOps } from './mathMore';
import { kerasOrderingOps } from './ordering';
import { pythonBuiltins, pythonConstants, pythonStringMethods } from './python';
import { kerasRandomCalls } from './random';
import { diagMatrix, diagonal, divNoNan, logSoftmax, softplus, swapAxes } from './shared';
import { kerasStatisticsCalls } from './statistics';

const red = (kind: Parameters<typeof reduceOp>[1]) => reduceOp(['input_tensor|x', 'axis', 'keepdims'], kind);

/** Ops that TF exposes both as `tf.x` and `tf.math.x`. */
const math: OpTable = {
  reduce_sum: red('sum'),
  reduce_mean: red('mean'),
  reduce_max: red('max'),
  reduce_min: red('min'),
  reduce_prod: red('prod'),
  reduce_logsumexp: red('logsumexp'),
  argmax: argExtremumOp(['input', 'axis'], 'max'),
  argmin: argExtremumOp(['input', 'axis'], 'min'),
  cumsum: op(['x', 'axis'], (a) => a.tf.cumsum(asFloat(a.tf, a.tensor('x')), a.number('axis', 0))),
  reduce_variance: op(['input_tensor', 'axis', 'keepdims'], (a) => variance(a.tf, a.tensor('input_tensor'), a.axis('axis'), a.bool('keepdims', false), 0)),
  reduce_std: op(['input_tensor', 'axis', 'keepdims'], (a) => a.tf.sqrt(variance(a.tf, a.tensor('input_tensor'), a.axis('axis'), a.bool('keepdims', false), 0))),
  abs: unaryOp('x', (tf, x) => tf.abs(x)),
  square: unaryOp('x', (tf, x) => tf.square(x)),
  sqrt: unaryOp('x', (tf, x) => tf.sqrt(x)),
  rsqrt: unaryOp('x', (tf, x) => tf.rsqrt(x)),
  exp: unaryOp('x', (tf, x) => tf.exp(x)),
  log: unaryOp('x', (tf, x) => tf.log(x)),
  log1p: unaryOp('x', (tf, x) => tf.log1p(x)),
  sigmoid: unaryOp('x', (tf, x) => tf.sigmoid(x)),
  log_sigmoid: unaryOp('x', (tf, x) => tf.neg(softplus(tf, tf.neg(x)))),
  softplus: unaryOp('features|x', (tf, x) => softplus(tf, x)),
  tanh: unaryOp('x', (tf, x) => tf.tanh(x)),
  negative: unaryOp('x', (tf, x) => tf.neg(x)),
  sign: unaryOp('x', (tf, x) => tf.sign(x)),
  reciprocal: unaryOp('x', (tf, x) => tf.reciprocal(x)),
  round: unaryOp('x', (tf, x) => tf.round(x)),
  floor: unaryOp('x', (tf, x) => tf.floor(x)),
  ceil: unaryOp('x', (tf, x) => tf.ceil(x)),
  sin: unaryOp('x', (tf, x) => tf.sin(x)),
  cos: unaryOp('x', (tf, x) => tf.cos(x)),
  add: binaryOp(['x', 'y'], (tf, a, b) => tf.add(a, b)),
  subtract: binaryOp(['x', 'y'], (tf, a, b) => tf.sub(a, b)),
  multiply: binaryOp(['x', 'y'], (tf, a, b) => tf.mul(a, b)),
  // tf.math.scalar_mul(scalar, x): the scalar first
  scalar_mul: binaryOp(['scalar', 'x'], (tf, a, b) => tf.mul(a, b)),
  divide: binaryOp(['x', 'y'], (tf, a, b) => tf.div(a, b)),
  truediv: binaryOp(['x', 'y'], (tf, a, b) => tf.div(a, b)),
  divide_no_nan: binaryOp(['x', 'y'], divNoNan),
  maximum: binaryOp(['x', 'y'], (tf, a, b) => tf.maximum(a, b)),
  minimum: binaryOp(['x', 'y'], (tf, a, b) => tf.minimum(a, b)),
  pow: binaryOp(['x', 'y'], (tf, a, b) => tf.pow(a, b)),
  squared_difference: binaryOp(['x', 'y'], (tf, a, b) => tf.squaredDifference(a, b)),
  greater: compareOp(['x', 'y'], '>'),
  greater_equal: compareOp(['x', 'y'], '>='),
  less: compareOp(['x', 'y'], '<'),
  less_equal: compareOp(['x', 'y'], '<='),
  equal: compareOp(['x', 'y'], '=='),
  not_equal: compareOp(['x', 'y'], '!='),
  logical_and: compareOp(['x', 'y'], 'and'),
  logical_or: compareOp(['x', 'y'], 'or'),
  logical_xor: compareOp(['x', 'y'], 'xor'),
  logical_not: logicalNotOp('x'),
};

const nn: OpTable = {
  relu: unaryOp('features|x', (tf, x) => tf.relu(x)),
  relu6: unaryOp('features|x', (tf, x) => tf.relu6(x)),
  elu: unaryOp('features|x', (tf, x) => tf.elu(x)),
  sigmoid: math.sigmoid,
  tanh: math.tanh,
  softplus: math.softplus,
  leaky_relu: op(['features|x', 'alpha'], (a) => a.tf.leakyRelu(asFloat(a.tf, a.tensor('features')), a.number('alpha', 0.2))),
  softmax: softmaxOp(['logits|x', 'axis']),
  log_softmax: softmaxOp(['logits|x', 'axis'], true),
  l2_loss: unaryOp('t|x', (tf, x) => tf.div(tf.sum(tf.square(x)), 2)),
  sigmoid_cross_entropy_with_logits: op(['labels', 'logits'], (a) => {
    const { tf } = a;
    const z = asFloat(tf, a.tensor('labels'));
    const x = asFloat(tf, a.tensor('logits'));
    return tf.sub(softplus(tf, x), tf.mul(x, z));
  }),
  softmax_cross_entropy_with_logits: op(['labels', 'logits', 'axis'], (a) => {
    const { tf } = a;
    const axis = a.number('axis', -1);
    return tf.neg(tf.sum(tf.mul(asFloat(tf, a.tensor('labels')), logSoftmax(tf, a.tensor('logits'), axis)), axis));
  }),
};

/** Top-level `tf.*` ops that are not under `tf.math`. */
const top: OpTable = {
  clip_by_value: clipOp(['t|x', 'clip_value_min', 'clip_value_max']),
  where: whereOp(['condition', 'x', 'y']),
  cast: castOp(['x', 'dtype']),
  constant: constantOp(['value', 'dtype']),
  convert_to_tensor: constantOp(['value', 'dtype']),
  ones_like: unaryOp('input|x', (tf, x) => tf.onesLike(x)),
  zeros_like: unaryOp('input|x', (tf, x) => tf.zerosLike(x)),
  identity: unaryOp('input|x', (tf, x) => tf.clone(x)),
  stop_gradient: unaryOp('input|x', (tf, x) => stopGradient(tf, x)),
  norm: normOp(['tensor', 'ord', 'axis', 'keepdims'], 'axes'),
  matmul: matmulOp(['a', 'b'], ['transpose_a', 'transpose_b']),
  tensordot: op(['a', 'b', 'axes'], (a) => {
    if (a.number('axes') !== 1) throw new Error('tensordot is supported with axes=1 (a matrix product)');
    return matmulOp(['a', 'b']).fn(a);
  }),
  eye: eyeOp(['num_rows', 'num_columns']),
  reshape: op(['tensor', 'shape'], (a) => a.tf.reshape(a.tensor('tensor'), shapeArg(a, 'shape'))),
  transpose: permuteOp(['a', 'perm']),
  unstack: unstackOp(['value', 'axis']),
  tile: op(['input', 'multiples'], (a) => a.tf.tile(asFloat(a.tf, a.tensor('input')), shapeArg(a, 'multiples'))),
  rank: op(['input'], (a) => a.tensor('input').rank),
  expand_dims: op(['input', 'axis'], (a) => a.tf.expandDims(a.tensor('input'), a.number('axis'))),
  squeeze: op(['input', 'axis'], (a) => a.tf.squeeze(a.tensor('input'), toList(a.axis('axis')))),
  shape: op(['input'], (a) => [...a.tensor('input').shape]),
  gather: gatherOp(['params', 'indices', 'axis']),
  size: op(['input'], (a) => a.tensor('input').size),
  add_n: op(['inputs'], (a) => sumList(a.tf, listArg(a.value('inputs')))),
  one_hot: op(['indices', 'depth'], (a) => a.tf.oneHot(a.tf.cast(a.tensor('indices'), 'int32'), a.number('depth'))),
  concat: joinOp(['values', 'axis'], 'concat'),
  zeros: op(['shape'], (a) => a.tf.zeros(shapeArg(a, 'shape'))),
  ones: op(['shape'], (a) => a.tf.ones(shapeArg(a, 'shape'))),
  stack: joinOp(['values', 'axis'], 'stack'),
};

/** `tf.linalg.*` beyond matmul and norm. */
const linalg: OpTable = {
  matmul: top.matmul,
  norm: top.norm,
  eye: top.eye,
  trace: op(['x'], (a) => a.tf.sum(diagonal(a.tf, a.tensor('x')), -1)),
  diag_part: op(['input'], (a) => diagonal(a.tf, a.tensor('input'))),
  diag: op(['diagonal'], (a) => diagMatrix(a.tf, a.tensor('diagonal'))),
  matrix_transpose: op(['a'], (a) => swapAxes(a.tf, a.tensor('a'), -1, -2)),
};

function toList(axis: number | number[] | undefined): number[] | undefined {
  return axis === undefined ? undefined : Array.isArray(axis) ? axis : [axis];
}

function listArg(v: unknown): Value[] {
  if (!Array.isArray(v)) throw new Error('expected a list of tensors');
  return v;
}

/** The `K.*` backend functions (`tf.keras.backend` is canonicalised to `K`). */
const backend: OpTable = {
  ...kerasBackendLosses,
  sum: reduceOp(['x', 'axis', 'keepdims'], 'sum'),
  mean: reduceOp(['x', 'axis', 'keepdims'], 'mean'),
  max: reduceOp(['x', 'axis', 'keepdims'], 'max'),
  min: reduceOp(['x', 'axis', 'keepdims'], 'min'),
  prod: reduceOp(['x', 'axis', 'keepdims'], 'prod'),
  logsumexp: reduceOp(['x', 'axis', 'keepdims'], 'logsumexp'),
  argmax: argExtremumOp(['x', 'axis'], 'max'),
  argmin: argExtremumOp(['x', 'axis'], 'min'),
  var: op(['x', 'axis', 'keepdims'], (a) => variance(a.tf, a.tensor('x'), a.axis('axis'), a.bool('keepdims', false), 0)),
  std: op(['x', 'axis', 'keepdims'], (a) => a.tf.sqrt(variance(a.tf, a.tensor('x'), a.axis('axis'), a.bool('keepdims', false), 0))),
  abs: math.abs,
  square: math.square,
  sqrt: math.sqrt,
  exp: math.exp,
  log: math.log,
  sign: math.sign,
  tanh: math.tanh,
  sigmoid: math.sigmoid,
  softplus: math.softplus,
  relu: nn.relu,
  softmax: softmaxOp(['x', 'axis']),
  pow: math.pow,
  maximum: math.maximum,
  minimum: math.minimum,
  greater: math.greater,
  greater_equal: math.greater_equal,
  less: math.less,
  less_equal: math.less_equal,
  equal: math.equal,
  not_equal: math.not_equal,
  clip: clipOp(['x', 'min_value', 'max_value']),
  switch: whereOp(['condition', 'then_expression', 'else_expression']),
  cast: castOp(['x', 'dtype']),
  constant: constantOp(['value', 'dtype']),
  ones_like: top.ones_like,
  zeros_like: top.zeros_like,
  stop_gradient: top.stop_gradient,
  flatten: unaryOp('x', (tf, x) => tf.reshape(x, [-1])),
  expand_dims: op(['x', 'axis'], (a) => a.tf.expandDims(a.tensor('x'), a.number('axis', -1))),
  transpose: unaryOp('x', (tf, x) => tf.transpose(x)),
  permute_dimensions: permuteOp(['x', 'pattern']),
  reshape: op(['x', 'shape'], (a) => a.tf.reshape(a.tensor('x'), shapeArg(a, 'shape'))),
  stack: joinOp(['x', 'axis'], 'stack'),
  concatenate: joinOp(['tensors', 'axis'], 'concat', -1),
  gather: gatherOp(['reference', 'indices', 'axis']),
  dot: matmulOp(['x', 'y']),
  eye: eyeOp(['size', 'columns']),
  sin: math.sin,
  cos: math.cos,
  l2_normalize: op(['x', 'axis'], (a) => {
    const { tf } = a;
    const x = asFloat(tf, a.tensor('x'));
    return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), a.axis('axis'), true), 1e-12)));
  }),
  ndim: op(['x'], (a) => a.tensor('x').rank),
  int_shape: op(['x'], (a) => [...a.tensor('x').shape]),
  shape: op(['x'], (a) => [...a.tensor('x').shape]),
  epsilon: op([], () => KERAS_EPSILON),
  floatx: op([], () => 'float32'),
};

function prefixed(prefix: string, table: OpTable): [string, OpSpec][] {
  return Object.entries(table).map(([name, spec]) => [`${prefix}.${name}`, spec]);
}

const calls: OpTable = Object.fromEntries([
  ...prefixed('tf', math),
  ...prefixed('tf.math', math),
  ...prefixed('tf.nn', nn),
  ...prefixed('tf', top),
  ['tf.nn.softmax', nn.softmax],
  ['tf.math.softmax', nn.softmax],
  ['tf.math.log_softmax', nn.log_softmax],
  ...prefixed('tf.linalg', linalg),
  ['tf.math.l2_normalize', op(['x', 'axis', 'epsilon'], (a) => {
    const { tf } = a;
    const x = asFloat(tf, a.tensor('x'));
    const sq = tf.sum(tf.square(x), a.axis('axis'), true);
    return tf.mul(x, tf.rsqrt(tf.maximum(sq, a.number('epsilon', 1e-12))));
  })],
  ...prefixed('tf.keras.activations', { relu: nn.relu, sigmoid: math.sigmoid, softmax: nn.softmax, tanh: math.tanh, softplus: math.softplus, elu: nn.elu }),
  ...prefixed('keras.activations', { relu: nn.relu, sigmoid: math.sigmoid, softmax: nn.softmax, tanh: math.tanh, softplus: math.softplus, elu: nn.elu }),
  ...Object.entries(kerasOpsTable),
  ...Object.entries(kerasOrderingOps),
  ...Object.entries(kerasEinsum),
  ...Object.entries(kerasMathOps),
  ...prefixed('K', backend),
  ...prefixed('keras.backend', backend),
  ...prefixed('tf.keras.backend', backend),
  ...Object.entries(kerasLossTable),
  ...Object.entries(kerasLossClasses),
  ...Object.entries(kerasLossesGetTable),
  ...Object.entries(kerasRegularizerTable),
  ...Object.entries(kerasRandomCalls),
  ...Object.entries(kerasSpellings),
  ...Object.entries(pythonBuiltins),
  ...Object.entries(iteratorBuiltins),
  ...Object.entries(variableCopies),
  ...Object.entries(kerasStatisticsCalls),
  ...Object.entries(kerasMoreCalls),
]);

/** TF's static shape as a list (`w.get_shape().as_list()`, TF1 code and Keras regularizers): the tensor's shape. */
const staticShapeMethods: OpTable = {
  get_shape: op(['self'], (a) => [...a.tensor('self').shape]),
  as_list: op(['self'], (a) => {
    const v = a.value('self');
    if (!Array.isArray(v)) throw new Error('`.as_list()` of a value that is not a shape');
    return v;
  }),
};

/** Python operators cover most of TF's tensor methods; Keras code rarely calls methods on tensors. */
const methods: OpTable = { ...pythonStringMethods, ...modelMethods, ...staticShapeMethods };

export const kerasOps: FrameworkOps = {
  calls,
  methods,
  constants: {
    ...pythonConstants,
    'tf.float32': 'float32',
    'tf.float64': 'float32',
    'tf.float16': 'float32',
    'tf.int32': 'int32',
    'tf.int64': 'int32',
    'tf.bool': 'bool',
    // the loss reductions Keras names with an enum: the strings its losses read (`reduction='none'`)
    ...Object.fromEntries(['NONE', 'SUM', 'SUM_OVER_BATCH_SIZE', 'AUTO'].flatMap((m) => ['tf.keras.losses.Reduction', 'tf.losses.Reduction'].map((e) => [`${e}.${m}`, m.toLowerCase()]))),
  },
};
