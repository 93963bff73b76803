// Peeling helpers for the constraint table: reductions, squares, absolute values and hinges, in every spelling.
import type { Expr } from '../ir';
import { type CallLike, isYPred, operandsOf, opName } from './expr';
import { absOps, clampOps, maximumOps, powOps, reductionOps, reluOps, squareOps } from './ops';

const isCall = (e: Expr): e is CallLike => e.kind === 'call' || e.kind === 'method';
const isZero = (e: Expr | undefined): boolean => e?.kind === 'number' && e.value === 0;

/** The reduction kind and its operand: `tf.reduce_mean(x)`, `x.mean()`, `torch.sum(x, 1)`. */
export function reductionOf(e: Expr): { op: 'mean' | 'sum'; operand: Expr } | undefined {
  if (!isCall(e)) return undefined;
  const op = reductionOps[opName(e) ?? ''];
  const operand = operandsOf(e)[0];
  // `max`/`sum` over two tensors is elementwise; a reduction has one tensor operand (axes are numbers or tuples).
  if (!op || !operand) return undefined;
  return { op, operand };
}

/** Removes every outer mean/sum: `mean(sum(x, 1))` → x. */
export function stripReductions(e: Expr): Expr {
  let cur = e;
  for (let r = reductionOf(cur); r; r = reductionOf(cur)) cur = r.operand;
  return cur;
}

/** x from `square(x)`, `x ** 2`, `pow(x, 2)`, `x.pow(2)`, `x.square()`. */
export function squaredOf(e: Expr): Expr | undefined {
  if (e.kind === 'binary' && e.op === '**' && e.right.kind === 'number' && e.right.value === 2) return e.left;
  if (!isCall(e)) return undefined;
  const name = opName(e) ?? '';
  const ops = operandsOf(e);
  if (squareOps.has(name)) return ops[0];
  if (powOps.has(name) && ops[1]?.kind === 'number' && ops[1].value === 2) return ops[0];
  return undefined;
}

/** x from `abs(x)`, `x.abs()`. */
export function absOf(e: Expr): Expr | undefined {
  return isCall(e) && absOps.has(opName(e) ?? '') ? operandsOf(e)[0] : undefined;
}

/** x from `|x|` or `x²` (either residual form of a penalty). */
export function magnitudeOf(e: Expr): Expr | undefined {
  return absOf(e) ?? squaredOf(e);
}

/** x from `relu(x)`, `max(x, 0)`, `maximum(0, x)`, `clamp(x, min=0)`, `x.clamp(min=0)`, `clip_by_value(x, 0, …)`. */
export function hingeOf(e: Expr): Expr | undefined {
  if (!isCall(e)) return undefined;
  const name = opName(e) ?? '';
  const ops = operandsOf(e);
  if (reluOps.has(name)) return ops[0];
  if (maximumOps.has(name) && ops.length === 2) {
    if (isZero(ops[1])) return ops[0];
    if (isZero(ops[0])) return ops[1];
  }
  if (clampOps.has(name)) {
    const min = e.kwargs.min ?? e.kwargs.min_value ?? e.kwargs.clip_value_min ?? ops[1];
    if (isZero(min)) return ops[0];
  }
  return undefined;
}

/** `hinge(x)` or `hinge(x)²`. */
export function hingeOrSquaredHinge(e: Expr): Expr | undefined {
  return hingeOf(e) ?? hingeOf(squaredOf(e) ?? e);
}

/** A subscript or slice of the prediction: `y_pred[:, 1:]`. */
export function isYPredSlice(e: Expr): boolean {
  return e.kind === 'subscript' && isYPred(e.object);
}

/** `sum(y_pred, axis=-1)` / `y_pred.sum(-1)`. */
export function isSumOfYPred(e: Expr): boolean {
  const r = reductionOf(e);
  return r?.op === 'sum' && isYPred(r.operand);
}
