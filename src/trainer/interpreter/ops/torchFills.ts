// PyTorch ops that build or overwrite tensors, and the activation modules a loss holds and calls:
//   `torch.full_like(x, v)`, `torch.full(size, v)`, `x.masked_fill(mask, v)`, `x.scatter(dim, index, v)`;
//   `self.log_softmax = nn.LogSoftmax(dim=-1)` then `self.log_softmax(logits)` (the front end gives one call whose
//   callee is the class, with the constructor's keywords and the call's arguments);
//   in-place forms (`t.scatter_(1, idx, 0.9)`, `t.clamp_(min=0)`): the front end rebinds `t` to the call, and an
//   in-place op returns the tensor it changed, so each is its out-of-place op.
import { op } from '../args';
import type { OpArgs, OpSpec, OpTable, Tensor } from '../types';
import { asFloat, isTensor } from '../values';
import { shapeArg, unaryOp } from './builders';
import { logSoftmax, softmax, softplus } from './shared';

/** `fill_value` as a tensor broadcast to `shape` (a number, or a 0-d tensor). */
function filled(a: OpArgs, name: string, shape: number[]): Tensor {
  const v = a.value(name);
  const value = isTensor(v) ? asFloat(a.tf, v) : a.tf.scalar(a.number(name));
  return a.tf.broadcastTo(value, shape);
}

/**
 * `scatter(input, dim, index, src|value)` on 2-D tensors: out[i][index[i][j]] = src[i][j] (dim 1) or
 * out[index[i][j]][j] = src[i][j] (dim 0), else input; written as one-hot masks so the gradient reaches `input`
 * (where it is kept) and `src`.
 */
function scatter(a: OpArgs): Tensor {
  const { tf } = a;
  const x = asFloat(tf, a.tensor('input'));
  const dim = a.number('dim');
  if (x.rank !== 2) throw new Error(`scatter is supported on 2-D tensors (got shape [${x.shape.join(', ')}])`);
  const byRow = dim === 1 || dim === -1;
  const src0 = a.value('src');
  const index0 = tf.cast(a.tensor('index'), 'int32');
  const base = byRow ? x : tf.transpose(x);
  const index = byRow ? index0 : tf.transpose(index0);
  const width = base.shape[1] as number;
  // [rows, k, width]: one one-hot row per written index
  const onehot = tf.cast(tf.oneHot(index, width), 'float32');
  const srcT = isTensor(src0) ? asFloat(tf, src0) : undefined;
  const src = srcT ? (byRow ? srcT : tf.transpose(srcT)) : undefined;
  const values = src
    ? tf.expandDims(tf.slice(src, [0, 0], [index.shape[0] as number, index.shape[1] as number]), 2)
    : tf.scalar(a.number('src'));
  const written = tf.minimum(tf.sum(onehot, 1), 1);
  const out = tf.add(tf.mul(base, tf.sub(1, written)), tf.sum(tf.mul(onehot, values), 1));
  return byRow ? out : tf.transpose(out);
}

function maskedFill(a: OpArgs): Tensor {
  const { tf } = a;
  const x = asFloat(tf, a.tensor('input'));
  const mask = tf.cast(a.tensor('mask'), 'bool');
  const shape = x.shape.length >= mask.shape.length ? x.shape : mask.shape;
  return tf.where(tf.broadcastTo(mask, shape), filled(a, 'value', shape), tf.broadcastTo(x, shape));
}

/** PyTorch's implicit softmax axis when a module is built without `dim` (nn.Softmax() with its warning). */
function implicitDim(x: Tensor): number {
  return x.rank === 0 || x.rank === 1 || x.rank === 3 ? 0 : 1;
}

const softmaxModule = (log: boolean): OpSpec =>
  op(['input', 'dim'], (a) => {
    const x = asFloat(a.tf, a.tensor('input'));
    const dim = a.has('dim') && a.value('dim') !== null ? a.number('dim') : implicitDim(x);
    return (log ? logSoftmax : softmax)(a.tf, x, dim);
  });

const activationModules: OpTable = {
  LogSoftmax: softmaxModule(true),
  Softmax: softmaxModule(false),
  Sigmoid: unaryOp('input', (tf, x) => tf.sigmoid(x)),
  Tanh: unaryOp('input', (tf, x) => tf.tanh(x)),
  ReLU: op(['input', 'inplace'], (a) => a.tf.relu(asFloat(a.tf, a.tensor('input')))),
  Identity: unaryOp('input', (_tf, x) => x),
  Softplus: op(['input', 'beta'], (a) => {
    const beta = a.number('beta', 1);
    return a.tf.div(softplus(a.tf, a.tf.mul(asFloat(a.tf, a.tensor('input')), beta)), beta);
  }),
};

/** `nn.LogSoftmax(dim=…)(x)` and the other activation modules, under `nn.` and `torch.nn.`. */
export const torchActivationModules: OpTable = Object.fromEntries(
  ['nn', 'torch.nn'].flatMap((prefix) => Object.entries(activationModules).map(([cls, spec]) => [`${prefix}.${cls}`, spec])),
);

/** Shared by `torch.x(input, …)` and `input.x(…)`. */
export const torchFillOps: OpTable = {
  full_like: op(['input', 'fill_value', 'dtype'], (a) => filled(a, 'fill_value', a.tensor('input').shape)),
  scatter: op(['input', 'dim', 'index', 'src|value'], scatter),
  masked_fill: op(['input', 'mask', 'value'], maskedFill),
};

export const torchFillCalls: OpTable = {
  full: op(['size', 'fill_value', 'dtype'], (a) => filled(a, 'fill_value', shapeArg(a, 'size'))),
};

/** Methods only: `t.fill_(v)`, `t.zero_()` (in place, so their value is the filled tensor). */
export const torchFillMethods: OpTable = {
  fill_: op(['input', 'value'], (a) => filled(a, 'value', a.tensor('input').shape)),
  zero_: op(['input'], (a) => a.tf.zerosLike(asFloat(a.tf, a.tensor('input')))),
};

/**
 * In-place methods as their out-of-place op (`x.clamp_(min=0)` → `x.clamp(min=0)`): every method of `table` whose
 * in-place form PyTorch has gets `<name>_`.
 */
export function inPlaceForms(table: OpTable): OpTable {
  const names = Object.keys(table).filter((n) => inPlaceNames.has(n));
  return Object.fromEntries(names.map((n) => [`${n}_`, table[n]!]));
}

const inPlaceNames = new Set([
  'add', 'sub', 'mul', 'div', 'pow', 'abs', 'neg', 'exp', 'log', 'sqrt', 'rsqrt', 'sigmoid', 'tanh', 'relu', 'clamp', 'clamp_min',
  'clamp_max', 'clip', 'floor', 'round', 'sign', 'reciprocal', 'square', 'scatter', 'masked_fill', 'unsqueeze', 'squeeze', 't',
  'transpose', 'sin', 'cos', 'log1p',
]);
