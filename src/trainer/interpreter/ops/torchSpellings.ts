// Further PyTorch spellings real losses use beside the main table: tensors built like another (`x.new_zeros(n)`,
// `x.new_ones(…)`, `x.new_full(…, v)`, `x.new_tensor([…])`), `torch.lerp`/`x.lerp`, `torch.addmm`/`x.addmm_`, `torch.special.xlogy`/`entr`, `F.softmin`, `torch.linspace`, `torch.cumprod`, `torch.logcumsumexp`.
import { op } from '../args';
import type { OpArgs, OpTable, Tensor } from '../types';
import { asFloat, asTensor, isTensor } from '../values';
import { shapeArg } from './builders';
import { torchMathOps } from './mathMore';
import { compare, softmax } from './shared';

const float = (a: OpArgs, name: string): Tensor => asFloat(a.tf, a.tensor(name));

/** start + weight·(end − start), the weight a number or a tensor. */
const lerp = op(['input', 'end', 'weight'], (a) => {
  const { tf } = a;
  const start = float(a, 'input');
  const w = a.value('weight');
  return tf.add(start, tf.mul(isTensor(w) ? asFloat(tf, w) : a.number('weight'), tf.sub(float(a, 'end'), start)));
});

/**
 * β·input + α·(mat1 @ mat2) (`torch.addmm`, `x.addmm_(a, b, beta=1, alpha=-2)`: a center loss's squared distances);
 * the in-place form's value is the result, which the front end binds to the name it updates.
 */
const addmm = op(['input', 'mat1', 'mat2', 'beta', 'alpha'], (a) => {
  const { tf } = a;
  const product = tf.matMul(float(a, 'mat1'), float(a, 'mat2'));
  return tf.add(tf.mul(float(a, 'input'), a.number('beta', 1)), tf.mul(product, a.number('alpha', 1)));
});

/** −x·log x, 0 at x = 0 (and −∞ below, as torch). */
const entr = op(['input'], (a) => {
  const { tf } = a;
  const x = float(a, 'input');
  const safe = tf.where(compare(tf, '>', x, tf.scalar(0)), x, tf.onesLike(x));
  const value = tf.neg(tf.mul(x, tf.log(safe)));
  return tf.where(compare(tf, '<', x, tf.scalar(0)), tf.fill(x.shape, Number.NEGATIVE_INFINITY), value);
});

const cumprod = op(['input', 'dim'], (a) => {
  const { tf } = a;
  const x = float(a, 'input');
  const dim = a.number('dim');
  const slices = tf.unstack(x, dim);
  const out: Tensor[] = [];
  for (const s of slices) out.push(out.length === 0 ? s : tf.mul(out[out.length - 1]!, s));
  return tf.stack(out, dim);
});

/** log Σ_{j≤i} exp(x_j) along `dim`, stable: m + log cumsum(exp(x − m)) with m the max along `dim`. */
const logcumsumexp = op(['input', 'dim'], (a) => {
  const { tf } = a;
  const x = float(a, 'input');
  const dim = a.number('dim');
  const m = tf.max(x, dim, true);
  return tf.add(tf.log(tf.cumsum(tf.exp(tf.sub(x, m)), dim)), m);
});

/** `x.new_tensor(data)`: a constant tensor from a list or number. */
const newTensor = op(['self', 'data'], (a) => {
  const t = asTensor(a.tf, a.value('data'));
  if (!t) throw new Error('new_tensor needs a number or a list of numbers');
  return asFloat(a.tf, t);
});

/**
 * The elements of `input` where `mask` holds, flattened (torch.masked_select; the mask broadcasts). The mask has no
 * gradient, so it is read; the values are cut as runs of kept elements and joined, which every backend differentiates
 * (a gather would need a kernel wasm lacks, or a one-hot product the size of the input squared).
 */
const maskedSelectOf = (input: string) => op([input, 'mask'], (a) => {
  const { tf } = a;
  const x = tf.reshape(float(a, input), [-1]);
  const keep = tf.broadcastTo(tf.cast(a.tensor('mask'), 'bool'), float(a, input).shape).dataSync();
  const runs: Tensor[] = [];
  for (let i = 0; i < keep.length; ) {
    if (!keep[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < keep.length && keep[j]) j++;
    runs.push(tf.slice(x, [i], [j - i]));
    i = j;
  }
  return runs.length === 0 ? tf.zeros([0]) : runs.length === 1 ? runs[0]! : tf.concat(runs);
});

/** `Variable(x, requires_grad=False)` (torch.autograd, deprecated): the tensor itself. */
const variable = op(['data'], (a) => float(a, 'data'));

/**
 * `x.nonzero()`, `torch.argwhere(x)`: the indices of the non-zero elements, one row per element in row-major order
 * ([n, ndim], integers); `as_tuple=True` gives one 1-D tensor per axis. Read off the values (indices carry no gradient).
 */
const nonzero = (asTupleByDefault: boolean) =>
  op(['input', 'as_tuple'], (a) => {
    const { tf } = a;
    const x = a.tensor('input');
    const values = x.dataSync();
    const strides = x.shape.map((_, d) => x.shape.slice(d + 1).reduce((p, n) => p * n, 1));
    const rows: number[][] = [];
    values.forEach((v, i) => {
      if (v !== 0) rows.push(strides.map((s, d) => Math.floor(i / s) % x.shape[d]!));
    });
    const indices = tf.tensor2d(rows.flat(), [rows.length, x.rank], 'int32');
    return a.bool('as_tuple', asTupleByDefault) ? tf.unstack(indices, 1) : indices;
  });

export const torchSpellingCalls: OpTable = {
  'torch.masked_select': maskedSelectOf('input'),
  'torch.autograd.Variable': variable,
  // a NumPy array the loss turns into a tensor: its values (a float64 array is float32 here, as every tensor)
  'torch.from_numpy': op(['ndarray'], (a) => a.tensor('ndarray')),
  'torch.nonzero': nonzero(false),
  'torch.argwhere': nonzero(false),
  'torch.lerp': lerp,
  'torch.addmm': addmm,
  'torch.special.xlogy': torchMathOps.xlogy!,
  'torch.special.entr': entr,
  'torch.special.expm1': torchMathOps.expm1!,
  'torch.special.erf': torchMathOps.erf!,
  'F.softmin': op(['input', 'dim'], (a) => softmax(a.tf, a.tf.neg(float(a, 'input')), a.number('dim', -1))),
  'torch.linspace': op(['start', 'end', 'steps'], (a) => a.tf.linspace(a.number('start'), a.number('end'), a.number('steps'))),
  'torch.cumprod': cumprod,
  'torch.logcumsumexp': logcumsumexp,
};

export const torchSpellingMethods: OpTable = {
  nonzero: nonzero(false),
  argwhere: nonzero(false),
  new_zeros: op(['self', 'size'], (a) => a.tf.zeros(shapeArg(a, 'size'))),
  new_ones: op(['self', 'size'], (a) => a.tf.ones(shapeArg(a, 'size'))),
  new_full: op(['self', 'size', 'fill_value'], (a) => a.tf.fill(shapeArg(a, 'size'), a.number('fill_value'))),
  new_tensor: newTensor,
  masked_select: maskedSelectOf('self'),
  lerp,
  addmm,
  addmm_: addmm,
  cumprod,
  logcumsumexp,
};
