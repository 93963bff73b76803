// Keras 3's backend-agnostic `keras.ops.*` (NumPy-style names and arguments: `x1`, `x2`, `keepdims`).
import { op } from '../args';
import type { OpTable } from '../types';
import { asFloat } from '../values';
import {
  argExtremumOp, binaryOp, castOp, clipOp, compareOp, constantOp, eyeOp, joinOp, logicalNotOp, matmulOp, normOp, permuteOp, reduceOp, shapeArg, softmaxOp,
  stopGradient, unaryOp, variance, whereOp,
} from './builders';
import { diagonal, gather, softplus } from './shared';

const red = (kind: Parameters<typeof reduceOp>[1]) => reduceOp(['x', 'axis', 'keepdims'], kind);
const bin = (f: Parameters<typeof binaryOp>[1]) => binaryOp(['x1', 'x2'], f);

const ops: OpTable = {
  sum: red('sum'),
  mean: red('mean'),
  max: red('max'),
  min: red('min'),
  prod: red('prod'),
  logsumexp: red('logsumexp'),
  var: op(['x', 'axis', 'keepdims'], (a) => variance(a.tf, a.tensor('x'), a.axis('axis'), a.bool('keepdims', false), 0)),
  std: op(['x', 'axis', 'keepdims'], (a) => a.tf.sqrt(variance(a.tf, a.tensor('x'), a.axis('axis'), a.bool('keepdims', false), 0))),
  argmax: argExtremumOp(['x', 'axis'], 'max'),
  argmin: argExtremumOp(['x', 'axis'], 'min'),
  norm: normOp(['x', 'ord', 'axis', 'keepdims'], 'numpy'),
  abs: unaryOp('x', (tf, x) => tf.abs(x)),
  absolute: unaryOp('x', (tf, x) => tf.abs(x)),
  square: unaryOp('x', (tf, x) => tf.square(x)),
  sqrt: unaryOp('x', (tf, x) => tf.sqrt(x)),
  exp: unaryOp('x', (tf, x) => tf.exp(x)),
  log: unaryOp('x', (tf, x) => tf.log(x)),
  log1p: unaryOp('x', (tf, x) => tf.log1p(x)),
  negative: unaryOp('x', (tf, x) => tf.neg(x)),
  sign: unaryOp('x', (tf, x) => tf.sign(x)),
  relu: unaryOp('x', (tf, x) => tf.relu(x)),
  sigmoid: unaryOp('x', (tf, x) => tf.sigmoid(x)),
  tanh: unaryOp('x', (tf, x) => tf.tanh(x)),
  softplus: unaryOp('x', (tf, x) => softplus(tf, x)),
  softmax: softmaxOp(['x', 'axis']),
  log_softmax: softmaxOp(['x', 'axis'], true),
  add: bin((tf, a, b) => tf.add(a, b)),
  subtract: bin((tf, a, b) => tf.sub(a, b)),
  multiply: bin((tf, a, b) => tf.mul(a, b)),
  divide: bin((tf, a, b) => tf.div(a, b)),
  true_divide: bin((tf, a, b) => tf.div(a, b)),
  power: bin((tf, a, b) => tf.pow(a, b)),
  maximum: bin((tf, a, b) => tf.maximum(a, b)),
  minimum: bin((tf, a, b) => tf.minimum(a, b)),
  matmul: matmulOp(['x1', 'x2']),
  dot: matmulOp(['x1', 'x2']),
  eye: eyeOp(['N', 'M']),
  trace: op(['x'], (a) => a.tf.sum(diagonal(a.tf, a.tensor('x')), -1)),
  diagonal: op(['x'], (a) => diagonal(a.tf, a.tensor('x'))),
  transpose: permuteOp(['x', 'axes']),
  reshape: op(['x', 'newshape'], (a) => a.tf.reshape(a.tensor('x'), shapeArg(a, 'newshape'))),
  stack: joinOp(['x', 'axis'], 'stack'),
  concatenate: joinOp(['xs', 'axis'], 'concat'),
  unstack: op(['x', 'num', 'axis'], (a) => a.tf.unstack(asFloat(a.tf, a.tensor('x')), a.number('axis', 0))),
  take: op(['x', 'indices', 'axis'], (a) => {
    const x = a.tensor('x');
    const axis = a.optNumber('axis');
    return axis === undefined ? gather(a.tf, a.tf.reshape(x, [-1]), a.tensor('indices'), 0) : gather(a.tf, x, a.tensor('indices'), axis);
  }),
  sin: unaryOp('x', (tf, x) => tf.sin(x)),
  cos: unaryOp('x', (tf, x) => tf.cos(x)),
  tile: op(['x', 'repeats'], (a) => a.tf.tile(asFloat(a.tf, a.tensor('x')), shapeArg(a, 'repeats'))),
  greater: compareOp(['x1', 'x2'], '>'),
  greater_equal: compareOp(['x1', 'x2'], '>='),
  less: compareOp(['x1', 'x2'], '<'),
  less_equal: compareOp(['x1', 'x2'], '<='),
  equal: compareOp(['x1', 'x2'], '=='),
  not_equal: compareOp(['x1', 'x2'], '!='),
  logical_and: compareOp(['x1', 'x2'], 'and'),
  logical_or: compareOp(['x1', 'x2'], 'or'),
  logical_xor: compareOp(['x1', 'x2'], 'xor'),
  logical_not: logicalNotOp('x'),
  clip: clipOp(['x', 'x_min', 'x_max']),
  where: whereOp(['condition', 'x1', 'x2']),
  cast: castOp(['x', 'dtype']),
  convert_to_tensor: constantOp(['x', 'dtype']),
  ones_like: unaryOp('x', (tf, x) => tf.onesLike(x)),
  zeros_like: unaryOp('x', (tf, x) => tf.zerosLike(x)),
  stop_gradient: unaryOp('variable|x', (tf, x) => stopGradient(tf, x)),
  expand_dims: op(['x', 'axis'], (a) => a.tf.expandDims(asFloat(a.tf, a.tensor('x')), a.number('axis'))),
};

/** Under `keras.ops` and `tf.keras.ops` (the front end resolves `import keras` to `tf.keras`). */
export const kerasOpsTable: OpTable = Object.fromEntries(
  ['keras.ops', 'tf.keras.ops'].flatMap((prefix) => Object.entries(ops).map(([name, spec]) => [`${prefix}.${name}`, spec])),
);
