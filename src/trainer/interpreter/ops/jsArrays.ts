// Plain JS arrays and numbers around TF.js tensors (the front end reads `arr.map(…)`, `Array.from({ length: n }, …)`
// and `arr.reduce(…)` as loops, tsjs/arrays.ts): `Array(n)`, `Array.from(x)`, `arr.fill(v)`, `arr.flat()`. A tensor
// read back as numbers (`t.dataSync()`) stays unsupported: the penalty it feeds has no gradient (LL106), and a trial
// of it would only show a flat curve.
import { op } from '../args';
import type { OpArgs, OpSpec, OpTable, Value } from '../types';
import { describe, isTensor } from '../values';
import { cast } from './shared';

function list(a: OpArgs, name: string): Value[] {
  const v = a.value(name);
  if (!Array.isArray(v)) throw new Error(`${a.op} works on a JS array, not ${describe(v)}`);
  return v;
}

/** `Array(n)` is n empty slots (read as null), `Array(a, b, …)` the list of its arguments. */
const arrayOf = op(['first'], (a) => {
  const first = a.value('first');
  if (a.rest.length === 0 && typeof first === 'number') {
    if (!Number.isInteger(first) || first < 0) throw new Error(`Array(${first}): the length must be a whole number`);
    return new Array<Value>(first).fill(null);
  }
  return first === undefined ? [] : [first, ...a.rest];
});

/** `arr.flat(depth)`: nested lists flattened `depth` levels (1 by default). */
function flat(items: Value[], depth: number): Value[] {
  return depth <= 0 ? [...items] : items.flatMap((x) => (Array.isArray(x) ? flat(x, depth - 1) : [x]));
}

export const jsArrayCalls: OpTable = {
  Array: arrayOf,
  'Array.of': op([], (a) => [...a.rest]),
  'Array.from': op(['items'], (a) => {
    const v = a.value('items');
    if (Array.isArray(v)) return [...v];
    if (isTensor(v)) throw new Error('Array.from of a tensor reads its values out of the graph: write the piece with tensor ops');
    throw new Error(`Array.from needs an array or { length: n }, not ${describe(v)}`);
  }),
};

export const jsArrayMethods: OpTable = {
  fill: op(['self', 'value', 'start', 'end'], (a) => {
    const items = list(a, 'self');
    const from = a.number('start', 0);
    const to = a.number('end', items.length);
    const value = a.value('value') ?? null;
    return items.map((x, i) => (i >= from && i < to ? value : x));
  }),
  flat: op(['self', 'depth'], (a) => flat(list(a, 'self'), a.number('depth', 1))),
  entries: op(['self'], (a) => list(a, 'self').map((x, i) => [i, x])),
};

/**
 * `tf.tensor(values, shape, dtype)`, `tf.tensor2d(flat, [h, w])`: the values (a flat JS array too) in the shape
 * given, else as nested; `tf.tensor1d(values, dtype)` takes no shape.
 */
export function tfjsTensorOp(takesShape: boolean): OpSpec {
  return op(takesShape ? ['values', 'shape', 'dtype'] : ['values', 'dtype'], (a) => {
    const values = a.tensor('values');
    const shape = takesShape ? a.value('shape') : undefined;
    const shaped = Array.isArray(shape) && shape.every((d) => typeof d === 'number') ? a.tf.reshape(values, shape as number[]) : values;
    return cast(a.tf, shaped, a.value(typeof shape === 'string' ? 'shape' : 'dtype'));
  });
}
