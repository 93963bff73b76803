// A penalty that is positive through two negations: `-c * tf.minimum(c - p, 0)` (a negative weight times a
// non-positive value) or `se - c * K.minimum(x, 0)` (a subtraction of one). The term is normalised to `+ c · (-m)`,
// so rules that look for a negative λ or a subtracted penalty see the positive penalty it is; the value (and so
// the trainer's total) is unchanged. Only values that are non-positive by construction count.
import type { Expr } from '../ir';
import { type CallLike, operandsOf, opName } from './expr';
import { reductionOps } from './ops';
import { additivePieces, type Piece } from './split';

const NON_NEGATIVE_OPS: ReadonlySet<string> = new Set([
  'relu', 'relu6', 'abs', 'absolute', 'square', 'exp', 'softplus', 'sigmoid', 'softmax', 'norm', 'sqrt', 'cosh', 'elu_plus_one',
]);

const isCall = (e: Expr): e is CallLike => e.kind === 'call' || e.kind === 'method';
const isZero = (e: Expr | undefined): boolean => e?.kind === 'number' && e.value === 0;

/** `mean(x)` / `x.sum(1)` → x: reductions keep the sign of what they reduce. */
function unreduced(e: Expr): Expr {
  return isCall(e) && reductionOps[opName(e) ?? ''] && operandsOf(e)[0] ? unreduced(operandsOf(e)[0]!) : e;
}

/**
 * What keeps one sign when each of its parts has it: `where(c, a, b)` (either branch), and a fold that adds the same
 * kind of value on every pass from zero (`acc = 0; for t, p in …: acc += where(t < 1, minimum(0.1 - p, 0), 0)`).
 */
function signParts(x: Expr): Expr[] | undefined {
  if (x.kind === 'loop' && x.accumulator && (!x.init || (x.init.kind === 'number' && x.init.value === 0))) {
    const acc = (e: Expr) => e.kind === 'name' && e.name === x.accumulator;
    return x.body.kind === 'binary' && x.body.op === '+' && acc(x.body.left) ? [x.body.right] : undefined;
  }
  const args = isCall(x) && opName(x) === 'where' ? operandsOf(x) : [];
  return args.length === 3 ? args.slice(1) : undefined;
}

/** `tf.shape(x)[0]`, `x.shape[0]`, `x.size(0)`: a size, never negative. */
const isSize = (e: Expr): boolean =>
  (e.kind === 'subscript' && ((isCall(e.object) && opName(e.object) === 'shape') || (e.object.kind === 'attr' && e.object.name === 'shape'))) ||
  (isCall(e) && (opName(e) === 'size' || opName(e) === 'numel'));
/** Conversions that keep a value's sign (`tf.cast(n, tf.float32)`, `float(n)`). */
const KEEPS_SIGN: ReadonlySet<string> = new Set(['cast', 'float', 'to_float', 'convert_to_tensor', 'float32']);

export function nonNegative(e: Expr): boolean {
  const x = unreduced(e);
  if (x.kind === 'number') return x.value >= 0;
  if (isSize(x)) return true;
  // a count over a count, `1 / batch_size`: a quotient of non-negatives
  if (x.kind === 'binary' && x.op === '/') return nonNegative(x.left) && nonNegative(x.right);
  if (isCall(x) && KEEPS_SIGN.has(opName(x) ?? '') && operandsOf(x)[0]) return nonNegative(operandsOf(x)[0]!);
  const parts = signParts(x);
  if (parts) return parts.every(nonNegative);
  if (x.kind === 'binary' && x.op === '**') return x.right.kind === 'number' && x.right.value % 2 === 0;
  if (x.kind === 'binary' && (x.op === '*' || x.op === '+')) return nonNegative(x.left) && nonNegative(x.right);
  if (x.kind === 'unary' && x.op === '-') return nonPositive(x.operand);
  if (!isCall(x)) return false;
  const op = opName(x) ?? '';
  const args = operandsOf(x);
  if (NON_NEGATIVE_OPS.has(op)) return true;
  // `mu.pow(2)`, `torch.pow(mu, 2)`: an even power
  const power = args[1] ?? x.kwargs.exponent;
  if (op === 'pow' && power?.kind === 'number' && power.value % 2 === 0) return true;
  if (op === 'maximum') return args.some(isZero) || args.some(nonNegative);
  if (op === 'clamp' || op === 'clip' || op === 'clamp_min' || op === 'clip_by_value') return isZero(x.kwargs.min ?? args[1]);
  return false;
}

/**
 * `1 + a - exp(a) - …` with every other piece non-positive: non-positive because exp(a) ≥ 1 + a. It is how the
 * VAE's KL is written, `-0.5 * sum(1 + logvar - mu ** 2 - exp(logvar))`, a positive penalty under a negative weight.
 */
function gibbsSum(x: Expr): boolean {
  if (x.kind !== 'binary' || (x.op !== '+' && x.op !== '-')) return false;
  const pieces = additivePieces(x);
  const key = (e: Expr): string => e.text.replace(/\s+/g, '');
  const exps = pieces.flatMap((p) => (p.sign < 0 && isCall(p.expr) && opName(p.expr) === 'exp' && operandsOf(p.expr)[0] ? [{ p, a: key(operandsOf(p.expr)[0]!) }] : []));
  for (const { p: exp, a } of exps) {
    const linear = pieces.find((p) => p.sign > 0 && key(p.expr) === a);
    const one = pieces.find((p) => p.sign > 0 && p.expr.kind === 'number' && p.expr.value === 1);
    if (!linear || !one) continue;
    const rest = pieces.filter((p) => p !== exp && p !== linear && p !== one);
    if (rest.every((p) => (p.sign > 0 ? nonPositive(p.expr) : nonNegative(p.expr)))) return true;
  }
  return false;
}

export function nonPositive(e: Expr): boolean {
  const x = unreduced(e);
  if (x.kind === 'number') return x.value <= 0;
  const parts = signParts(x);
  if (parts) return parts.every(nonPositive);
  if (gibbsSum(x)) return true;
  if (x.kind === 'unary' && x.op === '-') return nonNegative(x.operand);
  if (x.kind === 'binary' && x.op === '+') return nonPositive(x.left) && nonPositive(x.right);
  // a non-positive total scaled by a non-negative (`1 / batch_size * sum(minimum(e - t, 0))`, `total / n`)
  if (x.kind === 'binary' && x.op === '*') return (nonNegative(x.left) && nonPositive(x.right)) || (nonPositive(x.left) && nonNegative(x.right));
  if (x.kind === 'binary' && x.op === '/') return nonPositive(x.left) && nonNegative(x.right);
  if (!isCall(x)) return false;
  const op = opName(x) ?? '';
  const args = operandsOf(x);
  if (op === 'minimum') return args.some(isZero) || args.some(nonPositive);
  if (op === 'clamp' || op === 'clip' || op === 'clip_by_value') return isZero(x.kwargs.max ?? args[2]);
  return false;
}

/** The weight without its negations, when it is a product of factors with an odd number of them; else undefined. */
function negatedWeight(w: Expr): Expr | undefined {
  if (w.kind === 'unary' && w.op === '-') return w.operand;
  if (w.kind === 'number' && w.value < 0) return { ...w, value: -w.value, text: String(-w.value) };
  if (w.kind === 'binary' && w.op === '*') {
    const left = negatedWeight(w.left);
    if (left && !negatedWeight(w.right)) return { ...w, left, text: `${left.text} * ${w.right.text}` };
    const right = negatedWeight(w.right);
    if (right && !left) return { ...w, right, text: `${w.left.text} * ${right.text}` };
  }
  return undefined;
}

/** The piece as `+ |weight| · (-expr)` when its sign and weight make a non-positive value positive. */
export function positiveByConstruction(p: Piece): Piece {
  if (!nonPositive(p.expr)) return p;
  const positiveWeight = p.weight && negatedWeight(p.weight);
  const negations = (p.sign < 0 ? 1 : 0) + (positiveWeight ? 1 : 0);
  if (negations !== 1) return p;
  const negated: Expr = { kind: 'unary', op: '-', operand: p.expr, range: p.expr.range, text: `-(${p.expr.text})` };
  // the ½ of the Gaussian KL (`-0.5 * sum(1 + logvar - mu² - exp(logvar))`) is the formula's, not a λ
  const { half, rest } = gibbsSum(unreduced(p.expr)) ? withoutHalf(positiveWeight ?? p.weight) : { half: undefined, rest: positiveWeight ?? p.weight };
  const expr: Expr = half ? { kind: 'binary', op: '*', left: half, right: negated, range: p.whole.range, text: `${half.text} * ${negated.text}` } : negated;
  const out: Piece = { sign: 1, whole: p.whole, expr };
  if (rest) out.weight = rest;
  return out;
}

const isHalf = (e: Expr): boolean => e.kind === 'number' && e.value === 0.5;

/** A weight's literal ½ factor apart from the rest (`0.5` → ½ and none; `beta * 0.5` → ½ and beta). */
function withoutHalf(w: Expr | undefined): { half?: Expr; rest?: Expr } {
  if (!w) return {};
  if (isHalf(w)) return { half: w };
  if (w.kind === 'binary' && w.op === '*' && isHalf(w.left)) return { half: w.left, rest: w.right };
  if (w.kind === 'binary' && w.op === '*' && isHalf(w.right)) return { half: w.right, rest: w.left };
  return { rest: w };
}
