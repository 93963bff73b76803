// LL107 (information): |residual| in a penalty. The absolute value has a kink exactly where the constraint holds,
// so the gradient flips sign around the target and never shrinks: training oscillates instead of settling.
import { absToSquare } from '../fixes/ops';
import type { Expr, LossModel } from '../ir';
import { type CallExpr, collect, dependsOnPred, type MethodExpr, numberValue, operand, opName } from './expr';
import { code, termLabel } from './format';
import { readsModel } from './noGradient';
import { isEdgeMatch, isFiniteDifference, isHighPass, isOwnRounding, isShiftDifference, isWeightTie } from './ownDifferences';
import type { Check, Report } from './types';

/**
 * `a - b` (a residual) of something training moves: the prediction, or another tensor of the model (a latent KL
 * against its capacity `|kl - C|`, a Gram of the weights against the identity), not a tensor against its own shifted
 * or filtered copy (ownDifferences.ts).
 */
const isResidual = (model: LossModel, e: Expr | undefined): boolean =>
  !!e && e.kind === 'binary' && e.op === '-' && readsModel(model, e) && !isFiniteDifference(e) && !isShiftDifference(e) && !isEdgeMatch(e) && !isHighPass(e) && !isOwnRounding(e) && !isWeightTie(e);

/** Ops that keep a value as it is for this rule's purpose (`tf.cast(s - mean(s), tf.float32)`). */
const KEEPS = new Set(['cast', 'float', 'to']);
const MEANS = new Set(['mean', 'reduce_mean', 'sum', 'reduce_sum']);

/** `s - mean(s)`, possibly cast: a variable centred on its mean. */
function isCentred(e: Expr): boolean {
  if ((e.kind === 'call' || e.kind === 'method') && KEEPS.has(opName(e) ?? '')) {
    const inner = operand(e);
    return !!inner && isCentred(inner);
  }
  if (e.kind !== 'binary' || e.op !== '-' || (e.right.kind !== 'call' && e.right.kind !== 'method')) return false;
  const of = MEANS.has(opName(e.right) ?? '') ? operand(e.right) : undefined;
  return of?.text === e.left.text;
}

/**
 * `mean((s - mean(s)) * y_pred)`: the covariance of the prediction with a centred variable, a signed quantity whose
 * constraint (decorrelation, a fairness covariance) holds at zero, as a residual's does.
 */
function isCovariance(e: Expr | undefined): boolean {
  if (!e || (e.kind !== 'call' && e.kind !== 'method') || !MEANS.has(opName(e) ?? '')) return false;
  const product = operand(e);
  return product?.kind === 'binary' && product.op === '*' && dependsOnPred(product) && (isCentred(product.left) || isCentred(product.right));
}

/** Hinges: zero below their threshold (`relu(x)`, `maximum(x, 0)`, `clamp(x, min=0)`). */
const HINGES = new Set(['relu', 'maximum', 'clamp', 'clamp_min', 'clip_by_value', 'clip', 'softplus']);
/** Squares of their operand (`tf.square(x)`, `x.pow(2)` is read by isSquare). */
const SQUARES = new Set(['square', 'squared_difference']);
/** Calls that make a tensor of one number (`tf.scalar(0.3)`, `torch.tensor(0.3)`). */
const NUMBER_TENSOR = /(?:^|\.)(?:scalar|tensor|constant|as_tensor|convert_to_tensor)$/;

/** A literal number, also wrapped in a call that makes a tensor of it. */
const constantValue = (e: Expr): number | undefined =>
  numberValue(e) ?? (e.kind === 'call' && NUMBER_TENSOR.test(e.callee) && e.args.length === 1 ? numberValue(e.args[0]) : undefined);

/** `x ** 2`, `x.pow(2)`, `tf.square(x)`, `torch.pow(x, 2)`: a square of x. */
function isSquare(e: Expr): boolean {
  if (e.kind === 'binary') return e.op === '**' && numberValue(e.right) === 2;
  const name = opName(e) ?? '';
  if (SQUARES.has(name)) return true;
  const exponent = e.kind === 'method' ? e.args[0] : e.kind === 'call' ? e.args[1] : undefined;
  return name === 'pow' && numberValue(exponent) === 2;
}

const COMPARISONS = new Set(['<', '<=', '>', '>=']);

/** `where(|r| > t, …, …)`: a selection gated by comparing the same |r| with a threshold. */
const gatedBy = (gate: Expr, abs: Expr): boolean =>
  gate.kind === 'call' && opName(gate) === 'where' && gate.args[0]?.kind === 'binary' && COMPARISONS.has(gate.args[0].op) && [gate.args[0].left, gate.args[0].right].some((x) => x.text === abs.text);

/**
 * `relu(|r| - tol)`, `where(|r| > tol, square(|r| - tol), 0)`: a tolerance band. The penalty is flat (zero) around
 * the target and active only where |r| is past tol, away from the kink, so the absolute value does no harm there.
 * `(|r| - c) ** 2` with c > 0 (neighbours pushed to a contrast c): the constraint holds at |r| = c, where the square
 * is smooth; the kink at r = 0 is where the penalty is largest, not where it settles.
 */
function inToleranceBand(abs: Expr, ancestors: readonly Expr[]): boolean {
  const band = ancestors.at(-1);
  const outer = ancestors.at(-2);
  if (!band || !outer || band.kind !== 'binary' || band.op !== '-' || band.left !== abs) return false;
  const tol = band.right;
  const value = constantValue(tol);
  if (isSquare(outer) && value !== undefined && value > 0) return true;
  if (dependsOnPred(tol) || value === 0 || (value ?? 1) < 0) return false;
  // the band may be squared before its gate: `relu(|r| - t) ** 2`, `where(|r| > t, square(|r| - t), 0)`
  for (let i = ancestors.length - 2; i >= 0; i--) {
    const wrap = ancestors[i] as Expr;
    if (HINGES.has(opName(wrap) ?? '') || gatedBy(wrap, abs)) return true;
    if (!isSquare(wrap)) return false;
  }
  return false;
}

/** Ops that read only their operand's shape (`zeros_like(|r|)`, a `where`'s zero branch). */
const SHAPE_ONLY = new Set(['zeros_like', 'ones_like', 'zerosLike', 'onesLike']);

/** `|r| > tol` (a mask, a `where`'s condition), `zeros_like(|r|)`: compared or shaped, never differentiated. */
const notDifferentiated = (ancestors: readonly Expr[]): boolean => {
  const parent = ancestors.at(-1);
  return (parent?.kind === 'binary' && COMPARISONS.has(parent.op)) || (!!parent && SHAPE_ONLY.has(opName(parent) ?? ''));
};

export const checkAbsResidual: Check = (ctx) => {
  const out: Report[] = [];
  for (const t of ctx.model.terms) {
    if (t.role !== 'penalty') continue;
    const abs = collect(t.expr, (n, ancestors) => opName(n) === 'abs' && (isResidual(ctx.model, operand(n as CallExpr | MethodExpr)) || isCovariance(operand(n as CallExpr | MethodExpr))) && !inToleranceBand(n, ancestors) && !notDifferentiated(ancestors));
    for (const node of abs) {
      const fix = absToSquare(ctx.text, node as CallExpr | MethodExpr);
      out.push({
        range: node.range,
        termId: t.id,
        message:
          `Penalty ${termLabel(t)} takes the absolute value of a residual (${code(node.text)}): it is not smooth where the ` +
          'constraint holds, so its gradient never shrinks near the target. A square (or a Huber penalty) settles smoothly.',
        fixes: fix ? [fix] : [],
      });
    }
  }
  return out;
};
