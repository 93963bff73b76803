// Values of the loss known before training, without tfjs: numbers and lists from its parameters (module constants,
// defaults, closure and constructor values, see scope.ts), arithmetic on them, and the iterations of a loop with
// static bounds (`for i in range(N_OUT - 1)`, `for i, q in enumerate(QUANTILES)`, `zip(A, B)`). The trial's data
// shape reads them (`y_pred[:, i + 1]` inside the loop needs N_OUT outputs); the evaluator computes the same values
// at train time with the framework's semantics (evaluate.ts, ops/python.ts).
import type { Expr } from '../../analysis/ir';
import { dottedName } from './evaluate';

/** A value known statically: a number, a bool, a string, or a list of those. */
export type Known = number | string | boolean | Known[];

export type StaticLookup = (name: string) => unknown;

/** Loops longer than this are not unrolled for reading shapes (a static loop over outputs is short). */
export const MAX_STATIC_ITERATIONS = 256;

const isKnown = (v: unknown): v is Known =>
  typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || (Array.isArray(v) && v.every(isKnown));

const arithmetic: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '//': (a, b) => Math.floor(a / b),
  '%': (a, b) => a - Math.floor(a / b) * b,
  '**': (a, b) => a ** b,
};

/** The value of `e` when it is known before training, else undefined (tensors, the prediction, unknown calls). */
export function staticValue(e: Expr, lookup: StaticLookup): Known | undefined {
  switch (e.kind) {
    case 'number':
    case 'string':
    case 'bool':
      return e.value;
    case 'name': {
      if (e.ref === 'yTrue' || e.ref === 'yPred') return undefined;
      const v = lookup(e.name);
      return isKnown(v) ? v : undefined;
    }
    case 'attr': {
      const dotted = dottedName(e);
      const v = dotted === undefined ? undefined : lookup(dotted);
      return isKnown(v) ? v : undefined;
    }
    case 'unary': {
      const v = staticValue(e.operand, lookup);
      if (e.op === 'not') return v === undefined ? undefined : !truthy(v);
      return typeof v === 'number' ? (e.op === '-' ? -v : v) : undefined;
    }
    case 'binary':
      return staticBinary(e.op, staticValue(e.left, lookup), staticValue(e.right, lookup));
    case 'tuple': {
      const items = e.items.map((it) => staticValue(it, lookup));
      return items.every((v) => v !== undefined) ? (items as Known[]) : undefined;
    }
    case 'call':
      return staticCall(e, lookup);
    default:
      return undefined;
  }
}

const truthy = (v: Known): boolean => (Array.isArray(v) ? v.length > 0 : Boolean(v));

function staticBinary(op: string, l: Known | undefined, r: Known | undefined): Known | undefined {
  if (l === undefined || r === undefined) return undefined;
  if (typeof l === 'number' && typeof r === 'number') {
    const f = arithmetic[op];
    if (f) return f(l, r);
    if (op === '<') return l < r;
    if (op === '<=') return l <= r;
    if (op === '>') return l > r;
    if (op === '>=') return l >= r;
  }
  if (op === '==') return l === r;
  if (op === '!=') return l !== r;
  // list arithmetic as Python does it: `[0.5] * 3`, `[a] + [b]`
  if (op === '*' && Array.isArray(l) && typeof r === 'number' && Number.isInteger(r) && r >= 0 && l.length * r <= MAX_STATIC_ITERATIONS) {
    return Array.from({ length: r }, () => l).flat();
  }
  if (op === '+' && Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
  return undefined;
}

function staticCall(e: Extract<Expr, { kind: 'call' }>, lookup: StaticLookup): Known | undefined {
  const args = e.args.map((a) => staticValue(a, lookup));
  if (args.some((a) => a === undefined)) return undefined;
  const known = args as Known[];
  switch (e.callee) {
    case 'range': {
      const nums = known.filter((a): a is number => typeof a === 'number' && Number.isInteger(a));
      if (nums.length !== known.length || nums.length === 0 || nums.length > 3) return undefined;
      const [start, stop, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
      if (step === 0) return undefined;
      const out: number[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (out.length >= MAX_STATIC_ITERATIONS) return undefined;
        out.push(i);
      }
      return out;
    }
    case 'len':
      return Array.isArray(known[0]) ? known[0].length : undefined;
    case 'min':
    case 'max':
    case 'abs':
    case 'float':
    case 'math.exp':
    case 'np.exp':
    case 'math.cos':
    case 'np.cos':
    case 'np.clip':
    case 'np.minimum':
    case 'np.maximum':
      return scalarCall(e.callee, known);
    case 'enumerate': {
      const [list, start = 0] = known;
      return Array.isArray(list) && typeof start === 'number' ? list.map((v, i) => [i + start, v]) : undefined;
    }
    case 'zip': {
      if (known.length === 0 || !known.every(Array.isArray)) return undefined;
      const lists = known as Known[][];
      return Array.from({ length: Math.min(...lists.map((l) => l.length)) }, (_, i) => lists.map((l) => l[i]!));
    }
    case 'list':
    case 'tuple':
      return Array.isArray(known[0]) ? known[0] : undefined;
    default:
      return undefined;
  }
}

/**
 * The variables a loop binds on each pass, when its iterable is known before training (and not longer than
 * MAX_STATIC_ITERATIONS): `for i, q in enumerate([0.1, 0.9])` → [{i: 0, q: 0.1}, {i: 1, q: 0.9}]. Undefined otherwise
 * (a loop over a tensor's slices: its length is the data's).
 */
export function staticIterations(loop: Extract<Expr, { kind: 'loop' }>, lookup: StaticLookup): Map<string, Known>[] | undefined {
  const items = staticValue(loop.iterable, lookup);
  if (!Array.isArray(items) || items.length > MAX_STATIC_ITERATIONS) return undefined;
  const passes: Map<string, Known>[] = [];
  for (const item of items) {
    const vars = new Map<string, Known>();
    if (loop.variables.length === 1) vars.set(loop.variables[0]!, item);
    else if (Array.isArray(item) && item.length === loop.variables.length) {
      for (const [i, v] of loop.variables.entries()) vars.set(v, item[i]!);
    } else return undefined;
    passes.push(vars);
  }
  return passes;
}

/** Plain numeric functions of numbers (a λ schedule's `min(1.0, epoch / WARMUP)` at its start). */
const SCALAR_CALLS: Readonly<Record<string, (xs: number[]) => number | undefined>> = {
  min: (xs) => (xs.length > 0 ? Math.min(...xs) : undefined),
  max: (xs) => (xs.length > 0 ? Math.max(...xs) : undefined),
  'np.minimum': (xs) => (xs.length === 2 ? Math.min(...xs) : undefined),
  'np.maximum': (xs) => (xs.length === 2 ? Math.max(...xs) : undefined),
  abs: ([x]) => (x === undefined ? undefined : Math.abs(x)),
  float: ([x]) => x,
  'math.exp': ([x]) => (x === undefined ? undefined : Math.exp(x)),
  'np.exp': ([x]) => (x === undefined ? undefined : Math.exp(x)),
  'math.cos': ([x]) => (x === undefined ? undefined : Math.cos(x)),
  'np.cos': ([x]) => (x === undefined ? undefined : Math.cos(x)),
  'np.clip': ([x, lo, hi]) => (x === undefined || lo === undefined || hi === undefined ? undefined : Math.min(hi, Math.max(lo, x))),
};

function scalarCall(callee: string, args: Known[]): number | undefined {
  if (!args.every((a): a is number => typeof a === 'number')) return undefined;
  const v = SCALAR_CALLS[callee]?.(args);
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}
