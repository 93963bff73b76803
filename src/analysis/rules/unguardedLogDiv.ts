// LL112: log(x) or a / x where x depends on the data and nothing keeps it away from zero (no epsilon, clip,
// maximum). Softmax/sigmoid outputs underflow to exactly 0 in float32: one such sample makes the loss inf/NaN.
import { addEpsilon } from '../fixes/ops';
import type { Expr, LossModel } from '../ir';
import { writtenKey } from '../terms/expr';
import { nonNegative } from '../terms/sign';
import { countNames, isCount } from './counts';
import { argument, type CallExpr, dependsOnData, type MethodExpr, numberValue, operand, opName, paramDefault, valueNames, walk } from './expr';
import { code } from './format';
import type { Check, Report } from './types';

const LOGS = new Set(['log', 'log2', 'log10']);
const DIVS = new Set(['div', 'divide', 'truediv', 'true_divide']);
/** Ops whose result stays away from zero when given a positive floor (checked below) or always. */
const FLOORED = new Set(['clip_by_value', 'clip', 'clamp', 'clipByValue', 'maximum', 'clamp_min', 'add']);
const POSITIVE = new Set(['exp', 'softplus', 'cosh', 'ones_like', 'ones']);

// (a running sum or product of positives, `log(cumsum(exp(risk)))` in a Cox likelihood's risk set, is positive too)
const REDUCTIONS = new Set(['sum', 'reduce_sum', 'mean', 'reduce_mean', 'cumsum', 'cumprod', 'prod', 'reduce_prod']);
const MULS = new Set(['mul', 'multiply']);
/** Differences written as calls (`tf.scalar(1).sub(p)`, `tf.sub(1, p)`, `torch.subtract(1, p)`). */
const SUBS = new Set(['sub', 'subtract']);
/** Calls that make a tensor of one number (`tf.scalar(1)`, `torch.tensor(1.0)`): that number, as a constant. */
const NUMBER_TENSOR = /(?:^|\.)(?:scalar|tensor|constant|as_tensor|convert_to_tensor)$/;

/** The two operands of `tf.div(a, b)` / `a.div(b)`, else undefined. */
function callOperands(call: CallExpr | MethodExpr): [Expr, Expr] | undefined {
  const first = operand(call);
  const second = argument(call, ['other', 'y'], 1);
  return first && second ? [first, second] : undefined;
}

/** Where a clip's bounds are written, by op: [lower bound's keywords, upper bound's keywords] (position 1 and 2). */
const CLIP_BOUNDS: Readonly<Record<string, [string[], string[]]>> = {
  clip_by_value: [['clip_value_min'], ['clip_value_max']],
  clipByValue: [['clipValueMin'], ['clipValueMax']],
  clip: [['a_min', 'min', 'clip_value_min'], ['a_max', 'max', 'clip_value_max']],
  clamp: [['min'], ['max']],
  clip_: [['min'], ['max']],
};

/** Whether an expression reads the data: the prediction, the target, or an extra tensor argument (`codes`, `mu`). */
/** `settingValue`: the number a setting of the loss holds (`EPS = 1e-5` at module level, `self.eps` with its default). */
type DataTest = ((e: Expr) => boolean) & { settingValue?: (e: Expr) => number | undefined };

function dataTest(model: LossModel): DataTest {
  const tensors = new Set(model.params.filter((p) => p.role === 'tensor').map((p) => p.name));
  const test: DataTest = (e) => dependsOnData(e) || (tensors.size > 0 && [...valueNames(e)].some((n) => tensors.has(n)));
  test.settingValue = (e) => (e.kind === 'name' || e.kind === 'attr' ? paramDefault(model, e.kind === 'name' ? e.name : e.text.replace(/\s+/g, '')) : undefined);
  return test;
}

/** Framework calls that return a fixed number: Keras's fuzz factor (`keras.backend.epsilon()`, `K.epsilon()`) is 1e-7. */
const FIXED_CALLS: Readonly<Record<string, number>> = { epsilon: 1e-7 };

const fixedCall = (e: Expr): number | undefined => (e.kind === 'call' && e.args.length === 0 ? FIXED_CALLS[opName(e) ?? ''] : undefined);

/** A constant: a number written out (`1.0 - 1e-6`) or a setting's (`EPS`), folded. */
function constant(e: Expr | undefined, isData: DataTest): number | undefined {
  if (!e || isData(e)) return undefined;
  const n = numberValue(e) ?? isData.settingValue?.(e) ?? fixedCall(e);
  if (n !== undefined) return n;
  if (e.kind === 'call' && NUMBER_TENSOR.test(e.callee) && e.args.length === 1) return constant(e.args[0], isData);
  if (e.kind !== 'binary') return undefined;
  const [a, b] = [constant(e.left, isData), constant(e.right, isData)];
  if (a === undefined || b === undefined) return undefined;
  return e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : e.op === '/' && b !== 0 ? a / b : undefined;
}

/** The constant lower and upper bounds a clip, clamp, maximum or minimum puts on its result. */
function bounds(x: Expr, isData: DataTest): { lower?: number; upper?: number } {
  const op = opName(x);
  if (!op || (x.kind !== 'call' && x.kind !== 'method')) return {};
  const call = x as CallExpr | MethodExpr;
  const clip = CLIP_BOUNDS[op];
  if (clip) return { lower: constant(argument(call, clip[0], 1), isData), upper: constant(argument(call, clip[1], 2), isData) };
  if (op === 'clamp_min') return { lower: constant(argument(call, ['min'], 1), isData) };
  if (op === 'clamp_max') return { upper: constant(argument(call, ['max'], 1), isData) };
  const pair = call.kind === 'method' ? [call.object, ...call.args] : call.args;
  const c = pair.map((p) => constant(p, isData)).find((v) => v !== undefined);
  if (op === 'maximum' || op === 'fmax') return { lower: c };
  if (op === 'minimum' || op === 'fmin') return { upper: c };
  return {};
}

/**
 * Positive by construction: `exp`, `softplus`, a sum or mean of positives, a positive plus a non-negative
 * (`x ** 2 + eps`, `e.sum() + p.abs()`), products and roots of positives, a clip with a positive floor
 * (`clip_by_value(r, 1e-6, 1 - 1e-6)`) and a constant above a clip's ceiling less it (`1 - r` of that r). (A
 * softmax or sigmoid is not: it underflows to exactly 0 in float32, which is what this rule is about.)
 */
function positive(x: Expr, isData: DataTest): boolean {
  if (!isData(x)) return numberValue(x) === undefined || (numberValue(x) ?? 0) > 0;
  if (x.kind === 'binary' && x.op === '+') return guardedBy(x.left, x.right, isData) || guardedBy(x.right, x.left, isData);
  // `1 - r` (also `tf.scalar(1).sub(r)`) with r clipped below 1: a constant above the clip's ceiling, less it
  const difference = x.kind === 'binary' && x.op === '-' ? [x.left, x.right] : SUBS.has(opName(x) ?? '') ? callOperands(x as CallExpr | MethodExpr) : undefined;
  if (difference) {
    const c = constant(difference[0], isData);
    const upper = bounds(difference[1], isData).upper;
    return c !== undefined && upper !== undefined && c > upper;
  }
  if ((bounds(x, isData).lower ?? 0) > 0) return true;
  if (x.kind === 'binary' && (x.op === '*' || x.op === '/')) return positive(x.left, isData) && positive(x.right, isData);
  const op = opName(x);
  if (!op) return false;
  // `tf.div(pc, qc)`, `a.mul(b)`: a quotient or product written as a call, positive when both operands are
  const operands = DIVS.has(op) || MULS.has(op) ? callOperands(x as CallExpr | MethodExpr) : undefined;
  if (operands) return operands.every((o) => positive(o, isData));
  if (POSITIVE.has(op)) return true;
  // a floor written by hand (`where(v < 1e-6, ones_like(v) * 1e-6, v)`), also inside the denominator (`sqrt(v * 12)`)
  if (op === 'where' && replacesSmall(x, isData)) return true;
  const call = x as CallExpr | MethodExpr;
  if (REDUCTIONS.has(op) || op === 'sqrt') return !!operand(call) && positive(operand(call) as Expr, isData);
  return false;
}

/**
 * `where(abs(x) < eps, eps * ones_like(x), x)`: x where it is away from zero, a positive value where it is not (a
 * safe denominator written by hand).
 */
function replacesSmall(x: Expr, isData: DataTest): boolean {
  if (x.kind !== 'call' || x.args.length < 3) return false;
  const [test, small, kept] = x.args as [Expr, Expr, Expr];
  if (test.kind !== 'binary' || (test.op !== '<' && test.op !== '<=')) return false;
  const measured = opName(test.left) === 'abs' ? operand(test.left as CallExpr | MethodExpr) : test.left;
  return !!measured && writtenKey(measured) === writtenKey(kept) && positive(small, isData);
}

/**
 * `a + b` is kept positive by `b`: a positive constant added to data is an epsilon (`mean(y) + EPS`, so that
 * `w = 1 / (mean(y) + EPS)` and `w / sum(w)` are positive by construction), else a positive plus a non-negative.
 */
const guardedBy = (a: Expr, b: Expr, isData: DataTest): boolean => (!isData(b) && positive(b, isData)) || (nonNegative(a) && positive(b, isData));

/** True when nothing in `x` keeps it away from zero. */
function unguarded(x: Expr | undefined, isData: DataTest): boolean {
  if (!x || !isData(x) || positive(x, isData)) return false;
  if (x.kind === 'binary' && x.op === '+') return isData(x.left) && isData(x.right);
  if (x.kind === 'unary') return unguarded(x.operand, isData);
  const op = opName(x);
  if (op && POSITIVE.has(op)) return false;
  if (op === 'where' && replacesSmall(x, isData)) return false;
  if (op && FLOORED.has(op)) {
    const call = x as CallExpr | MethodExpr;
    const others = call.kind === 'method' ? [...call.args, ...Object.values(call.kwargs)] : [...call.args.slice(1), ...Object.values(call.kwargs)];
    return !others.some((a) => !isData(a) && numberValue(a) !== 0);
  }
  return true;
}

export const checkUnguardedLogDiv: Check = (ctx) => {
  const out: Report[] = [];
  const counts = countNames(ctx.model.body);
  const isData = dataTest(ctx.model);
  walk(ctx.model.body, (n) => {
    let x: Expr | undefined;
    let what = '';
    const op = opName(n);
    if (op && LOGS.has(op)) {
      x = operand(n as CallExpr | MethodExpr);
      what = 'log';
    } else if (op && DIVS.has(op)) {
      x = argument(n as CallExpr | MethodExpr, ['other'], 1);
      what = 'division';
    } else if (n.kind === 'binary' && (n.op === '/' || n.op === '//')) {
      x = n.right;
      what = 'division';
    }
    if (!x || !unguarded(x, isData) || (what === 'division' && isCount(x, counts))) return;
    const fix = addEpsilon(ctx.text, x, what === 'division', ctx.model.language);
    out.push({
      range: n.range,
      message:
        `${what === 'log' ? 'log' : 'Division'} of ${code(x.text)}, which can reach zero with no epsilon: one such value makes the loss ` +
        'inf or NaN and training diverges. Add a small epsilon (or clip).',
      fixes: fix ? [fix] : [],
    });
  });
  return out;
};
