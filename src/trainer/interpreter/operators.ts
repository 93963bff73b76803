// Python/JS operators on numbers and tensors: numbers stay numbers (Python semantics for `//`, `%`, `**`),
// anything with a tensor becomes a tfjs op with NumPy broadcasting.
import type { BinaryOp, UnaryOp } from '../../analysis/ir';
import { broadcastShape, type CompareKind, compare, matmul } from './ops/shared';
import type { Tensor, Tf, Value } from './types';
import { asFloat, asTensor, describe, isTensor } from './values';

type NumberOp = (a: number, b: number) => number | boolean;

const numberOps: Record<BinaryOp, NumberOp> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '//': (a, b) => Math.floor(a / b),
  '%': (a, b) => a - b * Math.floor(a / b),
  '**': (a, b) => a ** b,
  '@': (a, b) => a * b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  and: (a, b) => (a ? b : a),
  or: (a, b) => (a ? a : b),
  // Python ints: bitwise (two bools keep their type: `binary` below)
  '&': (a, b) => a & b,
  '|': (a, b) => a | b,
  '^': (a, b) => a ^ b,
};

type TensorOp = (tf: Tf, a: Tensor, b: Tensor) => Tensor;

const tensorOps: Record<BinaryOp, TensorOp> = {
  '+': (tf, a, b) => tf.add(asFloat(tf, a), asFloat(tf, b)),
  '-': (tf, a, b) => tf.sub(asFloat(tf, a), asFloat(tf, b)),
  '*': (tf, a, b) => tf.mul(asFloat(tf, a), asFloat(tf, b)),
  '/': (tf, a, b) => tf.div(asFloat(tf, a), asFloat(tf, b)),
  '//': (tf, a, b) => tf.floorDiv(asFloat(tf, a), asFloat(tf, b)),
  '%': (tf, a, b) => tf.mod(asFloat(tf, a), asFloat(tf, b)),
  '**': power,
  '@': (tf, a, b) => matmul(tf, a, b),
  '<': (tf, a, b) => compare(tf, '<', a, b),
  '<=': (tf, a, b) => compare(tf, '<=', a, b),
  '>': (tf, a, b) => compare(tf, '>', a, b),
  '>=': (tf, a, b) => compare(tf, '>=', a, b),
  '==': (tf, a, b) => compare(tf, '==', a, b),
  '!=': (tf, a, b) => compare(tf, '!=', a, b),
  and: (tf, a, b) => compare(tf, 'and', a, b),
  or: (tf, a, b) => compare(tf, 'or', a, b),
  '&': (tf, a, b) => logical(tf, '&', a, b),
  '|': (tf, a, b) => logical(tf, '|', a, b),
  '^': (tf, a, b) => logical(tf, '^', a, b),
};

const logicalKinds: Readonly<Record<'&' | '|' | '^', CompareKind>> = { '&': 'and', '|': 'or', '^': 'xor' };

/**
 * `mask_a & mask_b` on tensors: torch and TF give the element-wise logical op on boolean tensors (a mask, then
 * `.float()`), and a bitwise op on integers, which tfjs has no kernel for: refused, saying so.
 */
function logical(tf: Tf, op: '&' | '|' | '^', a: Tensor, b: Tensor): Tensor {
  const notBool = [a, b].find((t) => t.dtype !== 'bool');
  if (notBool) throw new Error(`\`${op}\` on a ${notBool.dtype} tensor is a bitwise operation, which the trainer does not interpret: apply it to boolean masks (comparisons such as \`x > 0\`)`);
  return compare(tf, logicalKinds[op], a, b);
}

const isBitwise = (op: BinaryOp): op is '&' | '|' | '^' => op === '&' || op === '|' || op === '^';

/** A Python number or bool beside a boolean mask: a boolean scalar, as torch and TF promote it. */
const scalarBeside = (tf: Tf, op: BinaryOp, v: number | boolean, other: Tensor): Tensor =>
  isBitwise(op) && other.dtype === 'bool' && (typeof v === 'boolean' || v === 0 || v === 1) ? tf.scalar(Boolean(v), 'bool') : tf.scalar(Number(v));

/** Exact ops for common constant powers: cheaper, and clean gradients at 0 (`pow`'s gradient takes log(x)). */
const constantPowers: Record<number, (tf: Tf, x: Tensor) => Tensor> = {
  1: (_tf, x) => x,
  2: (tf, x) => tf.square(x),
  3: (tf, x) => tf.mul(tf.square(x), x),
  0.5: (tf, x) => tf.sqrt(x),
};

/** `x ** p` with a tensor base. */
export function power(tf: Tf, a: Tensor, b: Tensor | number): Tensor {
  const base = asFloat(tf, a);
  if (typeof b === 'number') return constantPowers[b]?.(tf, base) ?? tf.pow(base, b);
  return tf.pow(base, asFloat(tf, b));
}

function toOperand(tf: Tf, v: Value): Tensor | number | boolean | undefined {
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return asTensor(tf, v);
}

/** `[0.2] * 6` / `3 * [0, 1]`: Python repeats a list (or tuple) by an int; undefined for anything else. */
function repeatedList(left: Value, right: Value): Value[] | undefined {
  const [list, times] = Array.isArray(left) ? [left, right] : Array.isArray(right) ? [right, left] : [];
  if (!list || typeof times !== 'number' || !Number.isInteger(times)) return undefined;
  return Array.from({ length: Math.max(0, times) }, () => list).flat(1) as Value[];
}

/** Applies a binary operator; throws a plain Error with a readable reason (the evaluator adds the location). */
export function binary(tf: Tf, op: BinaryOp, left: Value, right: Value): Value {
  // `self.reduction == 'mean'`, `mode != None`: Python compares strings and None by value
  const plain = (v: Value) => typeof v === 'string' || v === null;
  if ((op === '==' || op === '!=') && (plain(left) || plain(right))) return (left === right) === (op === '==');
  const repeated = op === '*' ? repeatedList(left, right) : undefined;
  if (repeated) return repeated;
  const a = toOperand(tf, left);
  const b = toOperand(tf, right);
  if (a === undefined || b === undefined) {
    throw new Error(`cannot apply \`${op}\` to ${describe(left)} and ${describe(right)}`);
  }
  if (!isTensor(a) && !isTensor(b)) {
    const value = numberOps[op](Number(a), Number(b));
    return isBitwise(op) && typeof a === 'boolean' && typeof b === 'boolean' ? Boolean(value) : value;
  }
  if (op === '**' && isTensor(a) && !isTensor(b)) return power(tf, a, Number(b));
  const ta = isTensor(a) ? a : scalarBeside(tf, op, a as number | boolean, b as Tensor);
  const tb = isTensor(b) ? b : scalarBeside(tf, op, b as number | boolean, ta);
  if (op !== '@') broadcastShape(ta.shape, tb.shape);
  return tensorOps[op](tf, ta, tb);
}

const numberUnary: Readonly<Record<UnaryOp, (a: number) => number | boolean>> = {
  '-': (a) => -a,
  '+': (a) => a,
  not: (a) => !a,
  // Python's invert of an int (of a bool too: `~True` is -2)
  '~': (a) => -Math.trunc(a) - 1,
};

export function unary(tf: Tf, op: UnaryOp, operand: Value): Value {
  if (typeof operand === 'number' || typeof operand === 'boolean') return numberUnary[op](Number(operand));
  const t = asTensor(tf, operand);
  if (!t) throw new Error(`cannot apply \`${op}\` to ${describe(operand)}`);
  if (op === '-') return tf.neg(asFloat(tf, t));
  if (op === '+') return t;
  if (op === '~' && t.dtype !== 'bool') throw new Error(`\`~\` on a ${t.dtype} tensor is a bitwise invert, which the trainer does not interpret: apply it to a boolean mask (a comparison such as \`x > 0\`)`);
  return compare(tf, '==', t, tf.scalar(0));
}
