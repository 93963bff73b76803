// Python builtins and `math` constants that loss code uses on numbers and tensors (`abs(x)`, `sum([...])`, `math.pi`).
import { op } from '../args';
import type { OpTable, Value } from '../types';
import { asFloat, isTensor, iterationItems } from '../values';
import { constantOp, stopGradient, sumList } from './builders';
import { numpyFills } from './numpyFills';

const asArray = constantOp(['object', 'dtype']);
const numpyArray = op(['object', 'dtype'], (a) => {
  const t = asArray.fn(a);
  return isTensor(t) ? stopGradient(a.tf, t) : t;
});

const numeric = (f: (x: number) => number) => op(['x'], (a) => f(a.number('x')));

/** Methods of Python strings a loss calls on a parameter's name (`name.endswith("weight")`). */
export const pythonStringMethods: OpTable = {
  endswith: op(['self', 'suffix'], (a) => a.string('self', '').endsWith(a.string('suffix', ''))),
  startswith: op(['self', 'prefix'], (a) => a.string('self', '').startsWith(a.string('prefix', ''))),
  // `"bias" not in name` (expr.ts reads `in` as the method Python calls): a substring, or an item of a list
  __contains__: op(['self', 'item'], (a) => {
    const container = a.value('self');
    return Array.isArray(container) ? container.includes(a.value('item') ?? null) : a.string('self', '').includes(a.string('item', ''));
  }),
  // `name.split(".")[-1] == "thresh"`: the parts as Python gives them (no separator: split on runs of whitespace)
  split: op(['self', 'sep', 'maxsplit'], (a) => splitString(a.string('self', ''), a.string('sep', ''), a.optNumber('maxsplit') ?? -1)),
};

/** Python's `str.split(sep, maxsplit)`; an empty `sep` stands for None (runs of whitespace, no empty parts). */
export function splitString(s: string, sep: string, maxsplit: number): string[] {
  const parts = sep === '' ? s.trim().split(/\s+/).filter((p) => p !== '') : s.split(sep);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  const glue = sep === '' ? ' ' : sep;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(glue)];
}

export const pythonBuiltins: OpTable = {
  abs: op(['x'], (a) => {
    const v = a.value('x');
    return typeof v === 'number' ? Math.abs(v) : a.tf.abs(asFloat(a.tf, a.tensor('x')));
  }),
  sum: op(['iterable', 'start'], (a) => {
    const v = a.value('iterable');
    const start = a.optNumber('start') ?? 0;
    if (Array.isArray(v)) {
      if (v.every((x) => typeof x === 'number')) return (v as number[]).reduce((s, x) => s + x, start);
      return a.tf.add(sumList(a.tf, v), start);
    }
    // Iterating a tensor walks its first axis.
    return a.tf.add(a.tf.sum(asFloat(a.tf, a.tensor('iterable')), 0), start);
  }),
  max: op(['a', 'b'], (a) => pick(a.value('a'), a.value('b'), a.rest, Math.max)),
  min: op(['a', 'b'], (a) => pick(a.value('a'), a.value('b'), a.rest, Math.min)),
  float: op(['x'], (a) => a.number('x')),
  int: op(['x'], (a) => Math.trunc(a.number('x'))),
  len: op(['x'], (a) => {
    const v = a.value('x');
    if (Array.isArray(v)) return v.length;
    if (isTensor(v) && v.rank > 0) return v.shape[0];
    throw new Error('len() needs a tuple or a tensor');
  }),
  // `list(map(f, xs))`, `tuple(t.unbind(0))`: the items, as Python lists them (a tensor by its first axis)
  list: op(['iterable'], (a) => iterationItems(a.tf, a.value('iterable') ?? [])),
  tuple: op(['iterable'], (a) => iterationItems(a.tf, a.value('iterable') ?? [])),
  // Loops (`for i in range(k)`, `zip(a, b)`, `enumerate(xs)`) iterate these lists (evaluate.ts: evalLoop).
  range: op(['start', 'stop', 'step'], (a) => {
    const [start, stop] = a.has('stop') ? [a.number('start'), a.number('stop')] : [0, a.number('start')];
    const step = a.number('step', 1);
    if (step === 0) throw new Error('range() step must not be zero');
    const out: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
    return out;
  }),
  zip: op(['a', 'b'], (a) => {
    const lists = [a.value('a'), a.value('b'), ...a.rest].filter((v) => v !== undefined).map((v) => iterationItems(a.tf, v as Value));
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
  }),
  enumerate: op(['iterable', 'start'], (a) => {
    const start = a.number('start', 0);
    return iterationItems(a.tf, a.value('iterable') ?? null).map((v, i) => [i + start, v]);
  }),
  pow: op(['base', 'exp'], (a) => a.number('base') ** a.number('exp')),
  // `round(time_len * ratio)`, `math.ceil(n / 2)`: sizes and counts a loss derives from static numbers
  round: op(['number', 'ndigits'], (a) => pythonRound(a.number('number'), a.optNumber('ndigits'))),
  'math.sqrt': numeric(Math.sqrt),
  'math.log': op(['x', 'base'], (a) => Math.log(a.number('x')) / (a.has('base') ? Math.log(a.number('base')) : 1)),
  'math.log2': numeric(Math.log2),
  'math.log10': numeric(Math.log10),
  'math.exp': numeric(Math.exp),
  'math.fabs': numeric(Math.abs),
  'math.floor': numeric(Math.floor),
  'math.ceil': numeric(Math.ceil),
  'math.pow': op(['x', 'y'], (a) => a.number('x') ** a.number('y')),
  // `np.prod(input_shape)`, `math.prod(x.shape[1:])`: the product of static numbers (a tensor's is the framework op)
  'math.prod': op(['iterable'], (a) => productOf(a.value('iterable'))),
  'np.prod': op(['a'], (a) => productOf(a.value('a'))),
  // an array written in the loss (`np.array([0.5, 2.0])`, then `torch.from_numpy` or `tf.constant`): its values,
  // outside any graph as a NumPy array is
  'np.array': numpyArray,
  'np.asarray': numpyArray,
  ...numpyFills,
  // numpy on a loss's static numbers (`z * sigma * np.sqrt(horizon)`); on a tensor numpy leaves the graph (below)
  ...numpyOnNumbers({ sqrt: Math.sqrt, log: Math.log, log2: Math.log2, log10: Math.log10, exp: Math.exp, abs: Math.abs, floor: Math.floor, ceil: Math.ceil, square: (x) => x * x }),
};

/**
 * `np.sqrt(n)` etc. on numbers. On a tensor numpy computes outside the framework's graph (no gradient flows back in
 * TensorFlow or PyTorch), so the trial refuses it by name rather than train a penalty the code never differentiates.
 */
function numpyOnNumbers(fns: Record<string, (x: number) => number>): OpTable {
  const entries = Object.entries(fns).map(([name, f]) => [
    `np.${name}`,
    op(['x'], (a) => {
      if (isTensor(a.value('x'))) throw new Error(`np.${name} of a tensor computes outside the framework (no gradient): use the framework's op (tf.math.${name}, torch.${name})`);
      return f(a.number('x'));
    }),
  ]);
  return Object.fromEntries(entries) as OpTable;
}

/** Python 3's round: halves go to the even neighbour (`round(2.5) == 2`); with ndigits, to that many decimals. */
export function pythonRound(x: number, ndigits?: number): number {
  const scale = 10 ** (ndigits ?? 0);
  const scaled = x * scale;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const even = floor % 2 === 0 ? floor : floor + 1;
  const rounded = Math.abs(diff - 0.5) < 1e-9 ? even : Math.round(scaled);
  return rounded / scale;
}

function productOf(v: Value | undefined): number {
  const items = Array.isArray(v) ? v : [v];
  if (!items.every((x) => typeof x === 'number')) throw new Error('prod() of a tensor: use the framework op (tf.reduce_prod, torch.prod)');
  return (items as number[]).reduce((p, x) => p * x, 1);
}

function pick(x: Value | undefined, y: Value | undefined, rest: Value[], f: (...n: number[]) => number): Value {
  const items = y === undefined ? (Array.isArray(x) ? x : [x]) : [x, y, ...rest];
  if (!items.every((v) => typeof v === 'number')) throw new Error('max()/min() of tensors: use the framework op (tf.maximum, torch.maximum)');
  return f(...(items as number[]));
}

export const pythonConstants: Record<string, Value> = {
  'math.pi': Math.PI,
  'math.e': Math.E,
  'math.inf': Number.POSITIVE_INFINITY,
  'np.pi': Math.PI,
  'np.e': Math.E,
  'np.inf': Number.POSITIVE_INFINITY,
  'np.float32': 'float32',
  'np.newaxis': null,
};
