// The TensorFlow.js op table: `tf.*` functions, the same ops chained as tensor methods (`yPred.sum(-1)`,
// `a.sub(b).square().mean()`), and `tf.losses.*` with their default reduction (SUM_BY_NONZERO_WEIGHTS: a mean
// over all elements when no weights are given). JS arguments are positional; names here are for messages only.
import { op } from '../args';
import type { FrameworkOps, OpArgs, OpSpec, OpTable, Tensor } from '../types';
import { asFloat } from '../values';
import {
  argExtremumOp, binaryOp, castOp, castTo, clipOp, compareOp, constantOp, eyeOp, gatherOp, joinOp, logicalNotOp, matmulOp, normOp, permuteOp, reduceOp, shapeArg,
  softmaxOp, stopGradient, sumList, unaryOp, unstackOp, whereOp,
} from './builders';
import { jsArrayCalls, jsArrayMethods, tfjsTensorOp } from './jsArrays';
import { tfjsRandomCalls } from './random';
import { checkedSlice, compare, divNoNan, logSoftmax, reduceOverBatch, softplus } from './shared';
import { tfjsMetricsTable } from './tfjsMetrics';
import { tfjsExtraCalls, tfjsExtraChainable } from './tfjsMore';
import { tfjsMoreCalls, tfjsMoreChainable, tfjsMoreMethods } from './tfjsSpellings';

const red = (kind: Parameters<typeof reduceOp>[1]) => reduceOp(['x', 'axis', 'keepDims'], kind);

/** Ops that exist both as `tf.x(t, …)` and `t.x(…)`. */
const chainable: OpTable = {
  sum: red('sum'),
  mean: red('mean'),
  max: red('max'),
  min: red('min'),
  prod: red('prod'),
  logSumExp: red('logsumexp'),
  argMax: argExtremumOp(['x', 'axis'], 'max'),
  argMin: argExtremumOp(['x', 'axis'], 'min'),
  gather: gatherOp(['x', 'indices', 'axis']),
  norm: normOp(['x', 'ord', 'axis', 'keepDims'], 'axes'),
  abs: unaryOp('x', (tf, x) => tf.abs(x)),
  square: unaryOp('x', (tf, x) => tf.square(x)),
  sqrt: unaryOp('x', (tf, x) => tf.sqrt(x)),
  rsqrt: unaryOp('x', (tf, x) => tf.rsqrt(x)),
  exp: unaryOp('x', (tf, x) => tf.exp(x)),
  log: unaryOp('x', (tf, x) => tf.log(x)),
  log1p: unaryOp('x', (tf, x) => tf.log1p(x)),
  relu: unaryOp('x', (tf, x) => tf.relu(x)),
  elu: unaryOp('x', (tf, x) => tf.elu(x)),
  sigmoid: unaryOp('x', (tf, x) => tf.sigmoid(x)),
  logSigmoid: unaryOp('x', (tf, x) => tf.neg(softplus(tf, tf.neg(x)))),
  softplus: unaryOp('x', (tf, x) => softplus(tf, x)),
  tanh: unaryOp('x', (tf, x) => tf.tanh(x)),
  neg: unaryOp('x', (tf, x) => tf.neg(x)),
  sign: unaryOp('x', (tf, x) => tf.sign(x)),
  reciprocal: unaryOp('x', (tf, x) => tf.reciprocal(x)),
  round: unaryOp('x', (tf, x) => tf.round(x)),
  floor: unaryOp('x', (tf, x) => tf.floor(x)),
  sin: unaryOp('x', (tf, x) => tf.sin(x)),
  cos: unaryOp('x', (tf, x) => tf.cos(x)),
  softmax: softmaxOp(['logits', 'dim']),
  logSoftmax: softmaxOp(['logits', 'axis'], true),
  leakyRelu: op(['x', 'alpha'], (a) => a.tf.leakyRelu(asFloat(a.tf, a.tensor('x')), a.number('alpha', 0.2))),
  add: binaryOp(['a', 'b'], (tf, a, b) => tf.add(a, b)),
  sub: binaryOp(['a', 'b'], (tf, a, b) => tf.sub(a, b)),
  mul: binaryOp(['a', 'b'], (tf, a, b) => tf.mul(a, b)),
  div: binaryOp(['a', 'b'], (tf, a, b) => tf.div(a, b)),
  divNoNan: binaryOp(['a', 'b'], divNoNan),
  maximum: binaryOp(['a', 'b'], (tf, a, b) => tf.maximum(a, b)),
  minimum: binaryOp(['a', 'b'], (tf, a, b) => tf.minimum(a, b)),
  pow: binaryOp(['base', 'exp'], (tf, a, b) => tf.pow(a, b)),
  squaredDifference: binaryOp(['a', 'b'], (tf, a, b) => tf.squaredDifference(a, b)),
  matMul: matmulOp(['a', 'b'], ['transposeA', 'transposeB']),
  dot: matmulOp(['t1', 't2']),
  unstack: unstackOp(['x', 'axis']),
  tile: op(['x', 'reps'], (a) => a.tf.tile(asFloat(a.tf, a.tensor('x')), shapeArg(a, 'reps'))),
  greater: compareOp(['a', 'b'], '>'),
  greaterEqual: compareOp(['a', 'b'], '>='),
  less: compareOp(['a', 'b'], '<'),
  lessEqual: compareOp(['a', 'b'], '<='),
  equal: compareOp(['a', 'b'], '=='),
  notEqual: compareOp(['a', 'b'], '!='),
  logicalAnd: compareOp(['a', 'b'], 'and'),
  logicalOr: compareOp(['a', 'b'], 'or'),
  logicalXor: compareOp(['a', 'b'], 'xor'),
  logicalNot: logicalNotOp('x'),
  clipByValue: clipOp(['x', 'clipValueMin', 'clipValueMax']),
  cumsum: op(['x', 'axis'], (a) => a.tf.cumsum(asFloat(a.tf, a.tensor('x')), a.number('axis', 0))),
  step: op(['x', 'alpha'], (a) => a.tf.step(asFloat(a.tf, a.tensor('x')), a.number('alpha', 0))),
  cast: castOp(['x', 'dtype']),
  onesLike: unaryOp('x', (tf, x) => tf.onesLike(x)),
  zerosLike: unaryOp('x', (tf, x) => tf.zerosLike(x)),
  reshape: op(['x', 'shape'], (a) => a.tf.reshape(a.tensor('x'), shapeArg(a, 'shape'))),
  flatten: unaryOp('x', (tf, x) => tf.reshape(x, [-1])),
  transpose: permuteOp(['x', 'perm']),
  expandDims: op(['x', 'axis'], (a) => a.tf.expandDims(a.tensor('x'), a.number('axis', 0))),
  squeeze: op(['x', 'axis'], (a) => {
    const axis = a.axis('axis');
    return a.tf.squeeze(a.tensor('x'), axis === undefined ? undefined : Array.isArray(axis) ? axis : [axis]);
  }),
  slice: op(['x', 'begin', 'size'], (a) => {
    const begin = a.axis('begin');
    const size = a.axis('size');
    return checkedSlice(a.tf, a.tensor('x'), begin ?? 0, size);
  }),
};

/** TF.js `Reduction` values: NONE 0, MEAN 1, SUM 2, SUM_BY_NONZERO_WEIGHTS 3 (the default). */
function reduceLoss(a: OpArgs, losses: Tensor): Tensor {
  const { tf } = a;
  const weights = a.optTensor('weights');
  const weighted = weights ? tf.mul(losses, asFloat(tf, weights)) : losses;
  const mode = a.number('reduction', 3);
  if (mode === 0) return weighted;
  if (mode === 2) return reduceOverBatch(tf, a, weighted, 'sum');
  if (mode === 1) return reduceOverBatch(tf, a, weighted, 'mean', weights ? tf.mul(tf.onesLike(losses), asFloat(tf, weights)) : undefined);
  if (!weights) return reduceOverBatch(tf, a, weighted, 'mean');
  // SUM_BY_NONZERO_WEIGHTS with weights is 0 when every weight is 0 (divNoNan): not deferred, so runs are evaluated
  // one by one for it.
  const nonZero = tf.sum(tf.cast(compare(tf, '!=', tf.mul(tf.onesLike(losses), weights), tf.scalar(0)), 'float32'));
  return divNoNan(tf, tf.sum(weighted), nonZero);
}

/** The two tensors of a tf.losses.* call, whose shapes must match exactly (tfjs checks it, it does not broadcast). */
function two(a: OpArgs, first: string, second: string): readonly [Tensor, Tensor] {
  const x = asFloat(a.tf, a.tensor(first));
  const y = asFloat(a.tf, a.tensor(second));
  if (x.shape.join() !== y.shape.join()) {
    throw new Error(`${first} [${x.shape.join(', ')}] and ${second} [${y.shape.join(', ')}] must have the same shape (TF.js does not broadcast here)`);
  }
  return [x, y];
}

const losses: OpTable = {
  // losses already computed per element, reduced as every tf.losses.* reduces its own
  computeWeightedLoss: op(['losses', 'weights', 'reduction'], (a) => reduceLoss(a, asFloat(a.tf, a.tensor('losses')))),
  meanSquaredError: op(['labels', 'predictions', 'weights', 'reduction'], (a) => {
    const [t, p] = two(a, 'labels', 'predictions');
    return reduceLoss(a, a.tf.squaredDifference(t, p));
  }),
  absoluteDifference: op(['labels', 'predictions', 'weights', 'reduction'], (a) => {
    const [t, p] = two(a, 'labels', 'predictions');
    return reduceLoss(a, a.tf.abs(a.tf.sub(t, p)));
  }),
  huberLoss: op(['labels', 'predictions', 'weights', 'delta', 'reduction'], (a) => {
    const [t, p] = two(a, 'labels', 'predictions');
    const { tf } = a;
    const delta = a.number('delta', 1);
    const err = tf.abs(tf.sub(p, t));
    const quad = tf.minimum(err, delta);
    return reduceLoss(a, tf.add(tf.mul(0.5, tf.square(quad)), tf.mul(delta, tf.sub(err, quad))));
  }),
  logLoss: op(['labels', 'predictions', 'weights', 'epsilon', 'reduction'], (a) => {
    const [t, p] = two(a, 'labels', 'predictions');
    const { tf } = a;
    const eps = a.number('epsilon', 1e-7);
    const pos = tf.mul(t, tf.log(tf.add(p, eps)));
    const neg = tf.mul(tf.sub(1, t), tf.log(tf.add(tf.sub(1, p), eps)));
    return reduceLoss(a, tf.neg(tf.add(pos, neg)));
  }),
  sigmoidCrossEntropy: op(['multiClassLabels', 'logits', 'weights', 'labelSmoothing', 'reduction'], (a) => {
    const [t0, x] = two(a, 'multiClassLabels', 'logits');
    const { tf } = a;
    const ls = a.number('labelSmoothing', 0);
    const t = ls > 0 ? tf.add(tf.mul(t0, 1 - ls), 0.5 * ls) : t0;
    return reduceLoss(a, tf.sub(softplus(tf, x), tf.mul(x, t)));
  }),
  softmaxCrossEntropy: op(['onehotLabels', 'logits', 'weights', 'labelSmoothing', 'reduction'], (a) => {
    const [t0, x] = two(a, 'onehotLabels', 'logits');
    const { tf } = a;
    const ls = a.number('labelSmoothing', 0);
    const classes = x.shape[x.rank - 1];
    const t = ls > 0 ? tf.add(tf.mul(t0, 1 - ls), ls / classes) : t0;
    return reduceLoss(a, tf.neg(tf.sum(tf.mul(t, logSoftmax(tf, x, -1)), -1)));
  }),
  hingeLoss: op(['labels', 'predictions', 'weights', 'reduction'], (a) => {
    const [t, p] = two(a, 'labels', 'predictions');
    const { tf } = a;
    return reduceLoss(a, tf.relu(tf.sub(1, tf.mul(tf.sub(tf.mul(2, t), 1), p))));
  }),
  cosineDistance: op(['labels', 'predictions', 'axis', 'weights', 'reduction'], (a) => {
    const [t, p] = two(a, 'labels', 'predictions');
    return reduceLoss(a, a.tf.sub(1, a.tf.sum(a.tf.mul(t, p), a.number('axis'), true)));
  }),
};

const factories: OpTable = {
  scalar: constantOp(['value', 'dtype']),
  tensor: tfjsTensorOp(true),
  tensor1d: tfjsTensorOp(false),
  tensor2d: tfjsTensorOp(true),
  tensor3d: tfjsTensorOp(true),
  tensor4d: tfjsTensorOp(true),
  where: whereOp(['condition', 'a', 'b']),
  stack: joinOp(['tensors', 'axis'], 'stack'),
  concat: joinOp(['tensors', 'axis'], 'concat'),
  eye: eyeOp(['numRows', 'numColumns']),
  outerProduct: binaryOp(['v1', 'v2'], (tf, a, b) => tf.mul(tf.expandDims(a, 1), tf.expandDims(b, 0))),
  zeros: op(['shape'], (a) => a.tf.zeros(shapeArg(a, 'shape'))),
  ones: op(['shape'], (a) => a.tf.ones(shapeArg(a, 'shape'))),
  fill: op(['shape', 'value'], (a) => a.tf.fill(shapeArg(a, 'shape'), a.number('value'))),
  addN: op(['tensors'], (a) => {
    const v = a.value('tensors');
    if (!Array.isArray(v)) throw new Error('expected a list of tensors');
    return sumList(a.tf, v);
  }),
  oneHot: op(['indices', 'depth'], (a) => a.tf.oneHot(a.tf.cast(a.tensor('indices'), 'int32'), a.number('depth'))),
};

function prefixed(prefix: string, table: OpTable): [string, OpSpec][] {
  return Object.entries(table).map(([name, spec]) => [`${prefix}.${name}`, spec]);
}

/** JavaScript's Math on numbers (`Math.sqrt(2)`, `Math.max(a, b)` with numeric hyper-parameters). */
const jsMath: OpTable = Object.fromEntries(
  (['sqrt', 'log', 'exp', 'abs', 'max', 'min', 'pow', 'floor', 'ceil', 'round', 'trunc', 'sign'] as const).map((fn) => [
    `Math.${fn}`,
    op(['a', 'b'], (a) => {
      const nums = [a.value('a'), a.value('b'), ...a.rest].filter((v) => v !== undefined);
      if (!nums.every((v) => typeof v === 'number')) throw new Error(`Math.${fn} takes numbers; use tf.${fn === 'pow' ? 'pow' : fn} on tensors`);
      return (Math[fn] as (...n: number[]) => number)(...(nums as number[]));
    }),
  ]),
);

/** JavaScript's conversions of settings (`Number(cfg.beta ?? 1e-3)`, `String(kind)`): numbers and strings stay as they are. */
const jsConversions: OpTable = {
  Number: op(['x'], (a) => (typeof a.value('x') === 'string' ? Number(a.string('x', '')) : a.number('x'))),
  parseFloat: op(['x'], (a) => (typeof a.value('x') === 'string' ? Number.parseFloat(a.string('x', '')) : a.number('x'))),
  String: op(['x'], (a) => String(a.value('x'))),
};

/** A tensor's conversion methods (`labels.toInt()` before `tf.oneHot`, `mask.toFloat()`): each a cast to its dtype. */
const conversions: OpTable = {
  toFloat: castTo('x', 'float32'),
  toInt: castTo('x', 'int32'),
  toBool: castTo('x', 'bool'),
};

/** Chained-only methods. */
const methodOnly: OpTable = {
  ...conversions,
  asScalar: unaryOp('x', (tf, x) => tf.reshape(x, [])),
  asType: castOp(['x', 'dtype']),
  clone: unaryOp('x', (tf, x) => tf.clone(x)),
  // a layer's weight variable read as a tensor (`for (const w of model.trainableWeights) … w.read()`)
  read: op(['x'], (a) => a.tensor('x')),
  // the values copied out to JS (`tf.scalar(t.arraySync())`): the same numbers with no gradient, as in TF.js, where
  // a tensor made again from them is a constant; `dataSync` flattens them as its typed array does
  arraySync: unaryOp('x', (tf, x) => stopGradient(tf, x)),
  dataSync: unaryOp('x', (tf, x) => stopGradient(tf, tf.reshape(x, [-1]))),
};

export const tfjsOps: FrameworkOps = {
  calls: Object.fromEntries([
    ...prefixed('tf', chainable),
    ...prefixed('tf', factories),
    ...prefixed('tf.losses', losses),
    ...Object.entries(tfjsMetricsTable),
    ...Object.entries(jsMath),
    ...Object.entries(jsConversions),
    ...Object.entries(tfjsRandomCalls),
    ...prefixed('tf', tfjsMoreChainable),
    ...Object.entries(tfjsMoreCalls),
    ...Object.entries(jsArrayCalls),
    ...prefixed('tf', tfjsExtraChainable),
    ...Object.entries(tfjsExtraCalls),
  ]),
  methods: { ...chainable, ...methodOnly, ...tfjsMoreChainable, ...tfjsMoreMethods, ...jsArrayMethods, ...tfjsExtraChainable },
  constants: {
    'tf.Reduction.NONE': 0,
    'tf.Reduction.MEAN': 1,
    'tf.Reduction.SUM': 2,
    'tf.Reduction.SUM_BY_NONZERO_WEIGHTS': 3,
    'Math.PI': Math.PI,
    'Math.E': Math.E,
  },
};
