// The PyTorch op table: `torch.*`, `F.*` (torch.nn.functional) and tensor methods (`x.sum(dim=1)`, `x.clamp(min=0)`).
// Most `torch.x(input, …)` functions are also methods `input.x(…)`: one spec serves both, since a method call
// binds the tensor to the first parameter.
import { op } from '../args';
import { iteratorBuiltins, modelMethods } from '../modelValues';
import type { FrameworkOps, OpArgs, OpSpec, OpTable, Tensor, Value } from '../types';
import { asFloat, isTensor } from '../values';
import {
  argExtremumOp, binaryOp, castOp, castTo, clipOp, compareOp, constantOp, eyeOp, joinOp, matmulOp, normOp, permuteOp, reduceOp, shapeArg,
  softmaxOp, stopGradient, unaryOp, unstackOp, variance, whereOp,
} from './builders';
import { torchEinsum } from './einsum';
import { torchLossModules } from './lossClasses';
import { torchLibraryCalls, torchMathFunctional, torchMathMethods, torchMathOps } from './mathMore';
import { torchOrderingCalls, torchOrderingFunctional, torchOrderingOps } from './ordering';
import { pythonBuiltins, pythonConstants, pythonStringMethods } from './python';
import { torchEmptyCalls, torchRandomCalls, torchRandomMethods } from './random';
import { cast, clip, diagMatrix, diagonal, diff, gather, isDtypeName, reduce, softplus, swapAxes } from './shared';
import { torchStatisticsCalls, torchStatisticsMethods } from './statistics';
import { torchConvCalls } from './torchConv';
import { inPlaceForms, torchActivationModules, torchFillCalls, torchFillMethods, torchFillOps } from './torchFills';
import { torchLossTable } from './torchLosses';
import { torchMoreCalls, torchMoreFunctional, torchMoreModules, torchMoreOps } from './torchMore';
import { torchPairCalls } from './torchPairLosses';
import { torchPoolingCalls } from './torchPooling';
import { torchSpellingCalls, torchSpellingMethods } from './torchSpellings';

const red = (kind: Parameters<typeof reduceOp>[1]) => reduceOp(['input', 'dim|axis', 'keepdim|keepdims'], kind);

/** `torch.max(x)` → max of all; `torch.max(x, dim)` → (values, indices); `torch.max(x, other)` → elementwise. */
function extremum(kind: 'max' | 'min'): OpSpec {
  return op(['input', 'dim|axis|other', 'keepdim|keepdims'], (a: OpArgs): Value => {
    const { tf } = a;
    const x = a.tensor('input');
    const second = a.value('dim');
    if (isTensor(second)) return (kind === 'max' ? tf.maximum : tf.minimum)(asFloat(tf, x), asFloat(tf, second));
    if (second === undefined || second === null) return reduce(tf, kind, x);
    const dim = a.number('dim');
    const keep = a.bool('keepdim', false);
    const values = reduce(tf, kind, x, dim, keep);
    const idx = (kind === 'max' ? tf.argMax : tf.argMin)(x, dim);
    return [values, keep ? tf.expandDims(idx, dim) : idx];
  });
}

function variancePt(sqrt: boolean): OpSpec {
  return op(['input', 'dim|axis', 'unbiased', 'keepdim|keepdims'], (a) => {
    const v = variance(a.tf, a.tensor('input'), a.axis('dim'), a.bool('keepdim', false), a.bool('unbiased', true) ? 1 : 0);
    return sqrt ? a.tf.sqrt(v) : v;
  });
}

/** `add(input, other, alpha=1)` computes input + alpha·other. */
const addOp = (sign: 1 | -1) =>
  op(['input', 'other', 'alpha'], (a) => {
    const { tf } = a;
    const scaled = tf.mul(asFloat(tf, a.tensor('other')), sign * a.number('alpha', 1));
    return tf.add(asFloat(tf, a.tensor('input')), scaled);
  });

/** Shared by `torch.x(input, …)` and `input.x(…)`. */
const tensorOps: OpTable = {
  sum: red('sum'),
  mean: red('mean'),
  prod: op(['input', 'dim|axis', 'keepdim'], (a) => reduce(a.tf, 'prod', a.tensor('input'), a.axis('dim'), a.bool('keepdim', false))),
  logsumexp: red('logsumexp'),
  amax: red('max'),
  argmax: argExtremumOp(['input', 'dim'], 'max'),
  argmin: argExtremumOp(['input', 'dim'], 'min'),
  gather: op(['input', 'dim', 'index'], (a) => torchGather(a)),
  amin: red('min'),
  max: extremum('max'),
  min: extremum('min'),
  var: variancePt(false),
  std: variancePt(true),
  norm: normOp(['input', 'p', 'dim', 'keepdim']),
  abs: unaryOp('input', (tf, x) => tf.abs(x)),
  square: unaryOp('input', (tf, x) => tf.square(x)),
  sqrt: unaryOp('input', (tf, x) => tf.sqrt(x)),
  rsqrt: unaryOp('input', (tf, x) => tf.rsqrt(x)),
  exp: unaryOp('input', (tf, x) => tf.exp(x)),
  log: unaryOp('input', (tf, x) => tf.log(x)),
  log1p: unaryOp('input', (tf, x) => tf.log1p(x)),
  relu: unaryOp('input', (tf, x) => tf.relu(x)),
  sigmoid: unaryOp('input', (tf, x) => tf.sigmoid(x)),
  tanh: unaryOp('input', (tf, x) => tf.tanh(x)),
  neg: unaryOp('input', (tf, x) => tf.neg(x)),
  sign: unaryOp('input', (tf, x) => tf.sign(x)),
  reciprocal: unaryOp('input', (tf, x) => tf.reciprocal(x)),
  floor: unaryOp('input', (tf, x) => tf.floor(x)),
  round: unaryOp('input', (tf, x) => tf.round(x)),
  softmax: softmaxOp(['input', 'dim']),
  log_softmax: softmaxOp(['input', 'dim'], true),
  clamp: clipOp(['input', 'min', 'max']),
  clip: clipOp(['input', 'min', 'max']),
  clamp_min: clipOp(['input', 'min', 'max']),
  clamp_max: op(['input', 'max'], (a) => clip(a.tf, a.tensor('input'), undefined, a.number('max'))),
  where: whereOp(['condition', 'input', 'other']),
  maximum: binaryOp(['input', 'other'], (tf, a, b) => tf.maximum(a, b)),
  minimum: binaryOp(['input', 'other'], (tf, a, b) => tf.minimum(a, b)),
  pow: binaryOp(['input', 'exponent'], (tf, a, b) => tf.pow(a, b)),
  add: addOp(1),
  sub: addOp(-1),
  subtract: addOp(-1),
  mul: binaryOp(['input', 'other'], (tf, a, b) => tf.mul(a, b)),
  multiply: binaryOp(['input', 'other'], (tf, a, b) => tf.mul(a, b)),
  div: binaryOp(['input', 'other'], (tf, a, b) => tf.div(a, b)),
  divide: binaryOp(['input', 'other'], (tf, a, b) => tf.div(a, b)),
  matmul: matmulOp(['input', 'other']),
  mm: matmulOp(['input', 'mat2']),
  bmm: matmulOp(['input', 'mat2']),
  mv: matmulOp(['input', 'vec']),
  dot: matmulOp(['input', 'other']),
  outer: binaryOp(['input', 'vec2'], (tf, a, b) => tf.mul(tf.expandDims(a, 1), tf.expandDims(b, 0))),
  trace: op(['input'], (a) => a.tf.sum(diagonal(a.tf, a.tensor('input')))),
  diag: op(['input'], (a) => {
    const x = a.tensor('input');
    return x.rank === 1 ? diagMatrix(a.tf, x) : diagonal(a.tf, x);
  }),
  diagonal: op(['input'], (a) => diagonal(a.tf, a.tensor('input'))),
  transpose: op(['input', 'dim0', 'dim1'], (a) => swapAxes(a.tf, a.tensor('input'), a.number('dim0'), a.number('dim1'))),
  permute: permuteOp(['input', 'dims']),
  unbind: unstackOp(['input', 'dim']),
  index_select: op(['input', 'dim', 'index'], (a) => gather(a.tf, a.tensor('input'), a.tensor('index'), a.number('dim'))),
  sin: unaryOp('input', (tf, x) => tf.sin(x)),
  cos: unaryOp('input', (tf, x) => tf.cos(x)),
  log2: unaryOp('input', (tf, x) => tf.div(tf.log(x), Math.LN2)),
  log10: unaryOp('input', (tf, x) => tf.div(tf.log(x), Math.LN10)),
  gt: compareOp(['input', 'other'], '>'),
  ge: compareOp(['input', 'other'], '>='),
  lt: compareOp(['input', 'other'], '<'),
  le: compareOp(['input', 'other'], '<='),
  eq: compareOp(['input', 'other'], '=='),
  ne: compareOp(['input', 'other'], '!='),
  ones_like: unaryOp('input', (tf, x) => tf.onesLike(x)),
  zeros_like: unaryOp('input', (tf, x) => tf.zerosLike(x)),
  reshape: op(['input', 'shape'], (a) => a.tf.reshape(a.tensor('input'), shapeArg(a, 'shape'))),
  flatten: op(['input', 'start_dim'], (a) => {
    const x = a.tensor('input');
    const start = a.number('start_dim', 0);
    return a.tf.reshape(x, [...x.shape.slice(0, start), -1]);
  }),
  squeeze: op(['input', 'dim'], (a) => a.tf.squeeze(a.tensor('input'), a.has('dim') ? [a.number('dim')] : undefined)),
  unsqueeze: op(['input', 'dim'], (a) => a.tf.expandDims(a.tensor('input'), a.number('dim'))),
  t: unaryOp('input', (tf, x) => tf.transpose(x)),
  repeat: op(['input', 'sizes'], (a) => {
    const x = asFloat(a.tf, a.tensor('input'));
    const reps = shapeArg(a, 'sizes');
    // Extra leading repeats add axes, as torch does.
    const shaped = reps.length > x.rank ? a.tf.reshape(x, [...reps.slice(x.rank).map(() => 1), ...x.shape]) : x;
    return a.tf.tile(shaped, reps);
  }),
  expand_as: op(['input', 'other'], (a) => a.tf.broadcastTo(asFloat(a.tf, a.tensor('input')), a.tensor('other').shape)),
  diff: op(['input', 'n', 'dim'], (a) => {
    let out = a.tensor('input');
    for (let i = 0; i < a.number('n', 1); i++) out = diff(a.tf, out, a.number('dim', -1));
    return out;
  }),
  cumsum: op(['input', 'dim'], (a) => a.tf.cumsum(asFloat(a.tf, a.tensor('input')), a.number('dim'))),
  ...torchFillOps,
  ...torchOrderingOps,
  ...torchMathOps,
  ...torchMoreOps,
};

const torchOnly: OpTable = {
  tensor: constantOp(['data', 'dtype']),
  as_tensor: constantOp(['data', 'dtype']),
  // the legacy typed constructors, called on data (`torch.LongTensor(labels)`, `torch.Tensor(mask)`): its values as a
  // tensor of their type (float32 for every float type here)
  Tensor: op(['data'], (a) => cast(a.tf, a.tensor('data'), 'float32')),
  FloatTensor: op(['data'], (a) => cast(a.tf, a.tensor('data'), 'float32')),
  DoubleTensor: op(['data'], (a) => cast(a.tf, a.tensor('data'), 'float32')),
  LongTensor: op(['data'], (a) => cast(a.tf, a.tensor('data'), 'int32')),
  IntTensor: op(['data'], (a) => cast(a.tf, a.tensor('data'), 'int32')),
  BoolTensor: op(['data'], (a) => cast(a.tf, a.tensor('data'), 'bool')),
  scalar_tensor: constantOp(['s', 'dtype']),
  mean: tensorOps.mean,
  cat: joinOp(['tensors', 'dim|axis'], 'concat'),
  concat: joinOp(['tensors', 'dim|axis'], 'concat'),
  stack: joinOp(['tensors', 'dim|axis'], 'stack'),
  eye: eyeOp(['n', 'm']),
  arange: op(['start', 'end', 'step'], (a) => {
    const end = a.optNumber('end');
    return end === undefined ? a.tf.range(0, a.number('start')) : a.tf.range(a.number('start'), end, a.number('step', 1));
  }),
  'linalg.norm': normOp(['input', 'ord', 'dim', 'keepdim'], 'numpy'),
  'linalg.vector_norm': normOp(['input', 'ord', 'dim', 'keepdim']),
  zeros: op(['size'], (a) => a.tf.zeros(shapeArg(a, 'size'))),
  ones: op(['size'], (a) => a.tf.ones(shapeArg(a, 'size'))),
  'nn.functional.relu': tensorOps.relu,
  ...torchFillCalls,
  ...torchOrderingCalls,
};

/**
 * `torch.gather(input, dim, index)` on 2-D tensors: out[i][j] = input[i][index[i][j]] (dim 1) or
 * input[index[i][j]][j] (dim 0), as a one-hot product so the gradient reaches `input`.
 */
function torchGather(a: OpArgs): Tensor {
  const { tf } = a;
  const x = asFloat(tf, a.tensor('input'));
  const index = tf.cast(a.tensor('index'), 'int32');
  const dim = a.number('dim');
  if (x.rank !== 2 || index.rank !== 2) throw new Error('gather is supported on 2-D tensors');
  const byRow = dim === 1 || dim === -1;
  const src = byRow ? x : tf.transpose(x);
  const idx = byRow ? index : tf.transpose(index);
  const onehot = tf.oneHot(idx, src.shape[1] as number);
  const out = tf.sum(tf.mul(onehot, tf.expandDims(src, 1)), 2);
  return byRow ? out : tf.transpose(out);
}

const functional: OpTable = {
  relu: tensorOps.relu,
  sigmoid: tensorOps.sigmoid,
  tanh: tensorOps.tanh,
  softmax: tensorOps.softmax,
  log_softmax: tensorOps.log_softmax,
  softplus: op(['input', 'beta', 'threshold'], (a) => {
    const { tf } = a;
    const beta = a.number('beta', 1);
    return tf.div(softplus(tf, tf.mul(asFloat(tf, a.tensor('input')), beta)), beta);
  }),
  leaky_relu: op(['input', 'negative_slope'], (a) => a.tf.leakyRelu(asFloat(a.tf, a.tensor('input')), a.number('negative_slope', 0.01))),
  elu: unaryOp('input', (tf, x) => tf.elu(x)),
  one_hot: op(['tensor', 'num_classes'], (a) => {
    const t = a.tensor('tensor');
    return a.tf.oneHot(a.tf.cast(t, 'int32'), a.number('num_classes', -1) > 0 ? a.number('num_classes') : (a.tf.max(t).dataSync()[0] as number) + 1);
  }),
  normalize: op(['input', 'p', 'dim', 'eps'], (a) => {
    const { tf } = a;
    const x = asFloat(tf, a.tensor('input'));
    const p = a.number('p', 2);
    const dim = a.number('dim', 1);
    const n = tf.pow(tf.sum(tf.pow(tf.abs(x), p), dim, true), 1 / p);
    return tf.div(x, tf.maximum(n, a.number('eps', 1e-12)));
  }),
  logsigmoid: unaryOp('input', (tf, x) => tf.neg(softplus(tf, tf.neg(x)))),
  ...torchOrderingFunctional,
  ...torchMathFunctional,
  ...torchMoreFunctional,
};

/** Methods only (casts, detach, item, views). */
const methodOnly: OpTable = {
  float: castTo('input', 'float32'),
  double: castTo('input', 'float32'),
  long: castTo('input', 'int32'),
  int: castTo('input', 'int32'),
  bool: castTo('input', 'bool'),
  to: op(['input', 'dtype|device'], (a) => {
    const d = a.value('dtype');
    return isDtypeName(d) ? cast(a.tf, a.tensor('input'), d) : a.tensor('input');
  }),
  type: castOp(['input', 'dtype']),
  type_as: op(['input', 'other'], (a) => a.tf.cast(a.tensor('input'), a.tensor('other').dtype)),
  view: tensorOps.reshape,
  detach: unaryOp('input', (tf, x) => stopGradient(tf, x)),
  item: op(['input'], (a) => a.number('input')),
  size: op(['input', 'dim'], (a) => {
    const shape = a.tensor('input').shape;
    return a.has('dim') ? shape[(a.number('dim') + shape.length) % shape.length] : [...shape];
  }),
  dim: op(['input'], (a) => a.tensor('input').rank),
  ndimension: op(['input'], (a) => a.tensor('input').rank),
  numel: op(['input'], (a) => a.tensor('input').size),
  contiguous: unaryOp('input', (_tf, x) => x),
  // every tensor here is dense: `adj.to_dense()` (a sparse adjacency made dense before it is read) is the tensor
  to_dense: unaryOp('input', (_tf, x) => x),
  cpu: unaryOp('input', (_tf, x) => x),
  // The trainer has one device: `.cuda()` moves nothing. `.numpy()` leaves autograd as `.detach()` does.
  cuda: unaryOp('input', (_tf, x) => x),
  numpy: unaryOp('input', (tf, x) => stopGradient(tf, x)),
};

function prefixed(prefix: string, table: OpTable): [string, OpSpec][] {
  return Object.entries(table).map(([name, spec]) => [`${prefix}.${name}`, spec]);
}

export const pytorchOps: FrameworkOps = {
  calls: Object.fromEntries([
    ...prefixed('torch', tensorOps),
    ...prefixed('torch', torchOnly),
    ...prefixed('F', functional),
    ...prefixed('torch.nn.functional', functional),
    ...Object.entries(torchLossTable),
    ...Object.entries(torchRandomCalls),
    ...Object.entries(torchEmptyCalls),
    ...Object.entries(torchPairCalls),
    ...Object.entries(torchSpellingCalls),
    ...Object.entries(torchEinsum),
    ...Object.entries(torchLibraryCalls),
    ...Object.entries(torchStatisticsCalls),
    ...Object.entries(torchPoolingCalls),
    ...Object.entries(torchConvCalls),
    ...Object.entries(torchMoreCalls),
    ...Object.entries(torchMoreModules),
    ...Object.entries(torchLossModules),
    ...Object.entries(torchActivationModules),
    ...Object.entries(pythonBuiltins),
    ...Object.entries(iteratorBuiltins),
  ]),
  methods: { ...tensorOps, ...inPlaceForms(tensorOps), ...methodOnly, ...torchMathMethods, ...torchStatisticsMethods, ...torchFillMethods, ...torchRandomMethods, ...torchSpellingMethods, ...pythonStringMethods, ...modelMethods },
  constants: {
    ...pythonConstants,
    'torch.float32': 'float32',
    'torch.float': 'float32',
    'torch.float64': 'float32',
    'torch.double': 'float32',
    'torch.int64': 'int32',
    'torch.long': 'int32',
    'torch.int32': 'int32',
    'torch.int': 'int32',
    'torch.bool': 'bool',
    'torch.pi': Math.PI,
  },
};
