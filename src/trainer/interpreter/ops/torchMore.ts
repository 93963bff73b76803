// PyTorch functions and tensor methods real losses use beside pytorch.ts's: order statistics (median, quantile,
// cummax), NaN/inf masks and means, remainders, inverse trigonometry, hypot/logaddexp/erfc/sinc/heaviside, stacking
// and tiling, take_along_dim, diag_embed, tensordot, cross; and the F.* activations relu6, softsign, hardsigmoid,
// hardswish, glu, threshold, softshrink, tanhshrink. Checked against torch (scripts/golden/torch_ops.py).
import { op } from '../args';
import type { OpArgs, OpTable, Tensor, Value } from '../types';
import { asFloat, asTensor, isTensor } from '../values';
import { cross, firstAxisOfThree, hstack, takeAlongDim, tensordot, tile, vstack } from './arrange';
import { binaryOp, shapeArg, unaryOp } from './builders';
import * as E from './elementwise';
import { cummax, median, quantile } from './orderStats';
import { diagMatrix } from './shared';

const float = (a: OpArgs, name: string): Tensor => asFloat(a.tf, a.tensor(name));

function tensorList(a: OpArgs, name: string): Tensor[] {
  const v = a.value(name);
  if (!Array.isArray(v) || v.length === 0) throw new Error('expected a non-empty list of tensors');
  return v.map((item) => {
    const t = asTensor(a.tf, item);
    if (!t) throw new Error('expected a list of tensors');
    return asFloat(a.tf, t);
  });
}

/** `q` as torch takes it: a number (a scalar result) or a 1-D list/tensor (a leading axis of quantiles). */
function quantiles(v: Value | undefined): [number[], boolean] {
  if (typeof v === 'number') return [[v], true];
  if (isTensor(v)) return [Array.from(v.dataSync()), v.rank === 0];
  if (Array.isArray(v) && v.every((q) => typeof q === 'number')) return [v as number[], false];
  throw new Error('q must be a number or a 1-D list of numbers');
}

/** `tensordot`'s `dims`: a count or a pair of axis lists. */
function contraction(v: Value | undefined): number | [number[], number[]] {
  if (v === undefined || v === null) return 2;
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 2) return [[v[0]].flat() as number[], [v[1]].flat() as number[]];
  throw new Error('dims must be a number or a pair of lists of axes');
}

const unary = (fn: (tf: OpArgs['tf'], x: Tensor) => Tensor) => unaryOp('input', fn);

/** `torch.x(input, …)` that are also `input.x(…)`. */
export const torchMoreOps: OpTable = {
  median: op(['input', 'dim', 'keepdim'], (a) => median(a.tf, a.tensor('input'), a.optNumber('dim'), a.bool('keepdim', false))),
  quantile: op(['input', 'q', 'dim', 'keepdim', 'interpolation'], (a) => {
    const [qs, scalar] = quantiles(a.value('q'));
    const how = a.string('interpolation', 'linear') as Parameters<typeof quantile>[6];
    return quantile(a.tf, a.tensor('input'), qs, scalar, a.optNumber('dim'), a.bool('keepdim', false), how);
  }),
  nanmean: op(['input', 'dim', 'keepdim'], (a) => E.nanMean(a.tf, a.tensor('input'), a.axis('dim'), a.bool('keepdim', false))),
  cummax: op(['input', 'dim'], (a) => cummax(a.tf, a.tensor('input'), a.number('dim'))),
  isinf: op(['input'], (a) => E.isInfMask(a.tf, a.tensor('input'))),
  isfinite: op(['input'], (a) => E.isFiniteMask(a.tf, a.tensor('input'))),
  remainder: op(['input', 'other'], (a) => E.floorMod(a.tf, a.tensor('input'), a.tensor('other'))),
  fmod: op(['input', 'other'], (a) => E.truncMod(a.tf, a.tensor('input'), a.tensor('other'))),
  acos: unary((tf, x) => tf.acos(x)),
  arccos: unary((tf, x) => tf.acos(x)),
  asin: unary((tf, x) => tf.asin(x)),
  arcsin: unary((tf, x) => tf.asin(x)),
  arctan: unary((tf, x) => tf.atan(x)),
  arctan2: op(['input', 'other'], (a) => a.tf.atan2(float(a, 'input'), float(a, 'other'))),
  hypot: binaryOp(['input', 'other'], E.hypot),
  logaddexp: binaryOp(['input', 'other'], E.logAddExp),
  erfc: unary(E.erfc),
  sinc: unary(E.sinc),
  heaviside: op(['input', 'values'], (a) => E.heaviside(a.tf, a.tensor('input'), a.tensor('values'))),
  tile: op(['input', 'dims'], (a) => tile(a.tf, a.tensor('input'), shapeArg(a, 'dims'))),
  ravel: op(['input'], (a) => a.tf.reshape(a.tensor('input'), [-1])),
  broadcast_to: op(['input', 'size'], (a) => a.tf.broadcastTo(float(a, 'input'), shapeArg(a, 'size'))),
  take_along_dim: op(['input', 'indices', 'dim'], (a) => takeAlongDim(a.tf, a.tensor('input'), a.tensor('indices'), a.optNumber('dim'))),
  diag_embed: op(['input', 'offset', 'dim1', 'dim2'], (a) => {
    if (a.number('offset', 0) !== 0 || a.number('dim1', -2) !== -2 || a.number('dim2', -1) !== -1) throw new Error('diag_embed is supported with offset=0, dim1=-2, dim2=-1');
    return diagMatrix(a.tf, a.tensor('input'));
  }),
  cross: op(['input', 'other', 'dim'], (a) => {
    const x = a.tensor('input');
    return cross(a.tf, x, a.tensor('other'), a.optNumber('dim') ?? firstAxisOfThree(x));
  }),
};

/** `torch.x(…)` only. */
export const torchMoreCalls: OpTable = {
  'torch.hstack': op(['tensors'], (a) => hstack(a.tf, tensorList(a, 'tensors'))),
  'torch.vstack': op(['tensors'], (a) => vstack(a.tf, tensorList(a, 'tensors'))),
  'torch.tensordot': op(['a', 'b', 'dims'], (a) => tensordot(a.tf, a.tensor('a'), a.tensor('b'), contraction(a.value('dims')))),
  'torch.linalg.cross': op(['input', 'other', 'dim'], (a) => cross(a.tf, a.tensor('input'), a.tensor('other'), a.number('dim', -1))),
};

/** `F.x` activations (also under torch.nn.functional). */
export const torchMoreFunctional: OpTable = {
  relu6: unary(E.relu6),
  softsign: unary(E.softsign),
  hardsigmoid: unary(E.hardSigmoid),
  hardswish: unary(E.hardSwish),
  tanhshrink: unary(E.tanhShrink),
  softshrink: op(['input', 'lambd'], (a) => E.softShrink(a.tf, a.tensor('input'), a.number('lambd', 0.5))),
  threshold: op(['input', 'threshold', 'value'], (a) => E.threshold(a.tf, a.tensor('input'), a.number('threshold'), a.number('value'))),
  glu: op(['input', 'dim'], (a) => E.glu(a.tf, a.tensor('input'), a.number('dim', -1))),
};

/** The module forms, `nn.ReLU6()(x)`, `nn.Softshrink(0.3)(x)`: constructor arguments bound by name (ops/ctorParams.ts). */
const modules: OpTable = {
  ReLU6: unary(E.relu6),
  Softsign: unary(E.softsign),
  Hardsigmoid: unary(E.hardSigmoid),
  Hardswish: unary(E.hardSwish),
  Tanhshrink: unary(E.tanhShrink),
  Softshrink: torchMoreFunctional.softshrink!,
  Threshold: torchMoreFunctional.threshold!,
  GLU: torchMoreFunctional.glu!,
};

export const torchMoreModules: OpTable = Object.fromEntries(
  ['nn', 'torch.nn'].flatMap((prefix) => Object.entries(modules).map(([cls, spec]) => [`${prefix}.${cls}`, spec])),
);
