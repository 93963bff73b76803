// Random draws inside a loss (a probe vector of a power iteration, a prior sample, noise added to the prediction):
// `torch.rand`, `torch.randn(_like)`, `torch.normal`, `tf.random.normal/uniform`, `K.random_normal`, TF.js
// `tf.randomNormal/randomUniform`. Each draw takes the next seed of the compiled loss's stream (OpArgs.nextSeed), so
// every evaluation draws fresh numbers, as the framework does, and two trials with the same settings draw the same.
// Draws have no gradient (they are constants of the step), as in every framework.
import { op } from '../args';
import type { OpArgs, OpSpec, OpTable, Tensor, Value } from '../types';
import { asFloat, isTensor } from '../values';
import { compare } from './shared';

/** The first seed of a stream, and of a draw evaluated outside one (a metric): fixed, so runs are reproducible. */
export const RANDOM_SEED = 20261130;

/** A stream of seeds, one per draw: the same sequence for every stream made with the same start. */
export function seedStream(start = RANDOM_SEED): () => number {
  let next = start;
  return () => next++;
}

const seedOf = (a: OpArgs): number => a.nextSeed?.() ?? RANDOM_SEED;

/** A shape as written: a tuple or list (`(n, 1)`, `K.shape(z)`), separate numbers (`torch.rand(n, 1)`), a 1-D tensor. */
function shapeOf(a: OpArgs, name: string): number[] {
  const v = a.value(name);
  const parts: Value[] = isTensor(v) ? Array.from(v.dataSync()) : Array.isArray(v) ? v : v === undefined || v === null ? [] : [v, ...a.rest];
  const dims = parts.map((p) => (isTensor(p) && p.size === 1 ? p.dataSync()[0] : p));
  if (!dims.every((d): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 0)) throw new Error('the shape of a random draw must be whole numbers');
  return dims;
}

const normal = (a: OpArgs, shape: number[], mean: number, std: number): Tensor => a.tf.randomNormal(shape, mean, std, 'float32', seedOf(a));
const uniform = (a: OpArgs, shape: number[], lo: number, hi: number): Tensor => a.tf.randomUniform(shape, lo, hi, 'float32', seedOf(a));
const shapeOfTensor = (a: OpArgs, name: string): number[] => [...a.tensor(name).shape];

/** `torch.normal(mean, std)` with tensors (their broadcast shape), or numbers and `size`. */
function torchNormal(a: OpArgs): Tensor {
  const { tf } = a;
  const [m, s] = [a.value('mean') ?? 0, a.value('std') ?? 1];
  if (!isTensor(m) && !isTensor(s)) return normal(a, shapeOf(a, 'size'), a.number('mean', 0), a.number('std', 1));
  const mean = isTensor(m) ? asFloat(tf, m) : tf.scalar(a.number('mean'));
  const std = isTensor(s) ? asFloat(tf, s) : tf.scalar(a.number('std'));
  const shape = tf.broadcastTo(mean, tf.add(mean, std).shape).shape;
  return tf.add(mean, tf.mul(std, normal(a, shape, 0, 1)));
}

/** `torch.randint(low=0, high, size)`: whole numbers in [low, high) as floats (indices are cast where used). */
function torchRandint(a: OpArgs): Tensor {
  const withLow = a.has('size');
  const [low, high] = withLow ? [a.number('low'), a.number('high')] : [0, a.number('low')];
  const size = withLow ? shapeOf(a, 'size') : shapeOf(a, 'high');
  return a.tf.floor(uniform(a, size, low, high));
}

export const torchRandomCalls: OpTable = {
  'torch.rand': op(['size'], (a) => uniform(a, shapeOf(a, 'size'), 0, 1)),
  'torch.randn': op(['size'], (a) => normal(a, shapeOf(a, 'size'), 0, 1)),
  'torch.rand_like': op(['input'], (a) => uniform(a, shapeOfTensor(a, 'input'), 0, 1)),
  'torch.randn_like': op(['input'], (a) => normal(a, shapeOfTensor(a, 'input'), 0, 1)),
  'torch.normal': op(['mean', 'std', 'size'], torchNormal),
  'torch.randint': op(['low', 'high', 'size'], torchRandint),
  'torch.bernoulli': op(['input|p'], (a) => {
    const p = asFloat(a.tf, a.tensor('input'));
    return a.tf.cast(compare(a.tf, '<', uniform(a, [...p.shape], 0, 1), p), 'float32');
  }),
};

/**
 * In-place draws on a tensor (`torch.empty_like(x).normal_()`, `w.new_empty(n).uniform_(-1, 1)`, `p.bernoulli()`): a
 * fresh draw of the tensor's shape, which is what the tensor holds afterwards.
 */
export const torchRandomMethods: OpTable = {
  normal_: op(['self', 'mean', 'std'], (a) => normal(a, shapeOfTensor(a, 'self'), a.number('mean', 0), a.number('std', 1))),
  uniform_: op(['self', 'from', 'to'], (a) => uniform(a, shapeOfTensor(a, 'self'), a.number('from', 0), a.number('to', 1))),
  bernoulli: op(['self', 'p'], (a) => {
    const p = a.has('p') ? a.tf.fill(shapeOfTensor(a, 'self'), a.number('p')) : asFloat(a.tf, a.tensor('self'));
    return a.tf.cast(compare(a.tf, '<', uniform(a, [...p.shape], 0, 1), p), 'float32');
  }),
};

/** `torch.empty(...)` / `torch.empty_like(x)`: uninitialised memory, only ever read after an in-place fill; zeros here. */
export const torchEmptyCalls: OpTable = {
  'torch.empty': op(['size'], (a) => a.tf.zeros(shapeOf(a, 'size'))),
  'torch.empty_like': op(['input'], (a) => a.tf.zeros(shapeOfTensor(a, 'input'))),
};

/** TF / Keras: `shape, mean|minval, stddev|maxval` (Keras' old `std=` too); `maxval=None` is 1 for floats. */
const tfNormal: OpSpec = op(['shape', 'mean', 'stddev|std'], (a) => normal(a, shapeOf(a, 'shape'), a.number('mean', 0), a.number('stddev', 1)));
const tfUniform: OpSpec = op(['shape', 'minval', 'maxval'], (a) => uniform(a, shapeOf(a, 'shape'), a.number('minval', 0), a.number('maxval', 1)));
const tfTruncated: OpSpec = op(['shape', 'mean', 'stddev'], (a) =>
  a.tf.truncatedNormal(shapeOf(a, 'shape'), a.number('mean', 0), a.number('stddev', 1), 'float32', seedOf(a)),
);

export const kerasRandomCalls: OpTable = Object.fromEntries([
  ...['tf.random.normal', 'tf.random_normal', 'K.random_normal', 'tf.keras.random.normal', 'tf.keras.backend.random_normal'].map((n) => [n, tfNormal]),
  ...['tf.random.uniform', 'tf.random_uniform', 'K.random_uniform', 'tf.keras.random.uniform', 'tf.keras.backend.random_uniform'].map((n) => [n, tfUniform]),
  ...['tf.random.truncated_normal', 'tf.truncated_normal', 'K.truncated_normal', 'tf.keras.random.truncated_normal'].map((n) => [n, tfTruncated]),
]);

/** TF.js: `tf.randomNormal(shape, mean, stdDev)`, `tf.randomUniform(shape, minval, maxval)`, `tf.truncatedNormal`. */
export const tfjsRandomCalls: OpTable = {
  'tf.randomNormal': op(['shape', 'mean', 'stdDev'], (a) => normal(a, shapeOf(a, 'shape'), a.number('mean', 0), a.number('stdDev', 1))),
  'tf.randomUniform': op(['shape', 'minval', 'maxval'], (a) => uniform(a, shapeOf(a, 'shape'), a.number('minval', 0), a.number('maxval', 1))),
  'tf.randomStandardNormal': op(['shape'], (a) => normal(a, shapeOf(a, 'shape'), 0, 1)),
  'tf.truncatedNormal': op(['shape', 'mean', 'stdDev'], (a) =>
    a.tf.truncatedNormal(shapeOf(a, 'shape'), a.number('mean', 0), a.number('stdDev', 1), 'float32', seedOf(a)),
  ),
};
