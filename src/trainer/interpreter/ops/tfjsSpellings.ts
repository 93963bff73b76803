// Further TF.js spellings real losses use beside the main table: `tf.atan`, `tf.erf`, `tf.mod`, `tf.floorDiv`,
// `tf.isNaN`/`isFinite`, `tf.reverse`, `tf.selu` (also chained: `x.erf()`), `tf.split`, `tf.range`, `tf.linspace`,
// `tf.pad`, and the chained `a.concat(b, axis)` / `a.stack(b, axis)`.
import { op } from '../args';
import type { OpArgs, OpTable, Tensor } from '../types';
import { asFloat, asTensor, isTensor } from '../values';
import { binaryOp, unaryOp } from './builders';

const float = (a: OpArgs, name: string): Tensor => asFloat(a.tf, a.tensor(name));

/** Ops TF.js has both as `tf.x(t, …)` and `t.x(…)`. */
/** A pool's window or strides: a number, or [height, width]. */
function poolSize(a: OpArgs, name: string): number | [number, number] {
  const v = a.value(name);
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return v as [number, number];
  return a.number(name);
}

/** TF.js's own pools on an NHWC image (`tf.maxPool(mask, 5, 1, 'same')`, a mask dilated to a ring): as written. */
const pool = (kind: 'maxPool' | 'avgPool') =>
  op(['x', 'filterSize', 'strides', 'pad'], (a) => {
    const pad = a.value('pad');
    if (pad !== 'same' && pad !== 'valid' && typeof pad !== 'number') throw new Error(`${kind}: pad must be 'same', 'valid' or a number`);
    return a.tf[kind](asFloat(a.tf, a.tensor('x')) as never, poolSize(a, 'filterSize'), poolSize(a, 'strides'), pad);
  });

export const tfjsMoreChainable: OpTable = {
  maxPool: pool('maxPool'),
  avgPool: pool('avgPool'),
  atan: unaryOp('x', (tf, x) => tf.atan(x)),
  erf: unaryOp('x', (tf, x) => tf.erf(x)),
  selu: unaryOp('x', (tf, x) => tf.selu(x)),
  isNaN: unaryOp('x', (tf, x) => tf.isNaN(x)),
  isFinite: unaryOp('x', (tf, x) => tf.isFinite(x)),
  mod: binaryOp(['a', 'b'], (tf, a, b) => tf.mod(a, b)),
  floorDiv: binaryOp(['a', 'b'], (tf, a, b) => tf.floorDiv(a, b)),
  reverse: op(['x', 'axis'], (a) => a.tf.reverse(float(a, 'x'), a.axis('axis'))),
  split: op(['x', 'numOrSizeSplits', 'axis'], (a) => {
    const v = a.value('numOrSizeSplits');
    const splits = Array.isArray(v) ? (v as number[]) : a.number('numOrSizeSplits');
    return a.tf.split(float(a, 'x'), splits, a.number('axis', 0));
  }),
  pad: op(['x', 'paddings', 'constantValue'], (a) => {
    const paddings = a.value('paddings');
    if (!Array.isArray(paddings)) throw new Error('paddings must be a list of [before, after] pairs');
    return a.tf.pad(float(a, 'x'), paddings as [number, number][], a.number('constantValue', 0));
  }),
};

/** `a.concat(b, axis)`, `a.stack(b, axis)`: the tensor first, then one tensor or a list of them. */
const joinMethod = (kind: 'concat' | 'stack') =>
  op(['x', 'others', 'axis'], (a) => {
    const { tf } = a;
    const others = a.value('others');
    const list = (Array.isArray(others) ? others : [others]).map((o) => (isTensor(o) ? o : asTensor(tf, o ?? null)));
    if (list.some((t) => t === undefined)) throw new Error(`${kind} needs tensors`);
    const all = [float(a, 'x'), ...(list as Tensor[]).map((t) => asFloat(tf, t))];
    return kind === 'concat' ? tf.concat(all, a.number('axis', 0)) : tf.stack(all, a.number('axis', 0));
  });

export const tfjsMoreMethods: OpTable = { concat: joinMethod('concat'), stack: joinMethod('stack') };

export const tfjsMoreCalls: OpTable = {
  'tf.range': op(['start', 'stop', 'step'], (a) => a.tf.range(a.number('start'), a.number('stop'), a.number('step', 1), 'float32')),
  'tf.linspace': op(['start', 'stop', 'num'], (a) => a.tf.linspace(a.number('start'), a.number('stop'), a.number('num'))),
};
