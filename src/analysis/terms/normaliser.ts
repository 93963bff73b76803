// A Gaussian likelihood with a predicted scale, `0.5 * exp(-log_var) * (y - mu)² + 0.5 * log_var` (heteroscedastic
// regression, Kendall & Gal's uncertainty weighting of several tasks), or `log(sigma) + (y - mu)² / (2 sigma²)`:
// the `log_var` / `log(sigma)` term is the likelihood's normaliser, what keeps the predicted variance from growing
// without bound. It is part of the data-fit term, not a constraint to weigh with a λ (nor one "added without λ").
import type { Expr } from '../ir';
import { type CallLike, nodesOf, opName, operandsOf, writtenKey } from './expr';
import { reductionOps } from './ops';

const isCall = (e: Expr): e is CallLike => e.kind === 'call' || e.kind === 'method';
const isNumber = (e: Expr): boolean => e.kind === 'number' || (e.kind === 'unary' && e.operand.kind === 'number');

/** `0.5 * mean(log_var)`, `log_var.sum() / 2` → log_var: the piece without its reductions and number factors. */
function core(e: Expr): Expr {
  if (isCall(e) && reductionOps[opName(e) ?? ''] && operandsOf(e)[0]) return core(operandsOf(e)[0]!);
  if (e.kind === 'binary' && e.op === '*' && isNumber(e.left)) return core(e.right);
  if (e.kind === 'binary' && (e.op === '*' || e.op === '/') && isNumber(e.right)) return core(e.left);
  return e;
}

/** `log(sigma)`, `log(sigma ** 2)`, `log(sigma * sigma)`, `log(var + eps)` → sigma / var: the scale a log reads. */
function loggedScale(e: Expr): Expr | undefined {
  if (!isCall(e) || opName(e) !== 'log') return undefined;
  const x = operandsOf(e)[0];
  if (!x) return undefined;
  if (x.kind === 'binary' && (x.op === '**' || x.op === '+') && isNumber(x.right)) return x.left;
  if (x.kind === 'binary' && x.op === '*' && writtenKey(x.left) === writtenKey(x.right)) return x.left;
  return x;
}

const mentions = (e: Expr, key: string): boolean => {
  for (const n of nodesOf(e)) if (writtenKey(n) === key) return true;
  return false;
};

/** An `exp(…)` of the log-scale in the base (`exp(-log_var) * err`), or the scale in a denominator (`err / sigma²`). */
function scalesTheFit(base: Expr, scale: Expr, logScale: boolean): boolean {
  const key = writtenKey(scale);
  for (const n of nodesOf(base)) {
    if (logScale && isCall(n) && opName(n) === 'exp' && operandsOf(n)[0] && mentions(operandsOf(n)[0]!, key)) return true;
    if (n.kind === 'binary' && n.op === '/' && mentions(n.right, key)) return true;
  }
  return false;
}

/**
 * True when `piece` is the normaliser of a Gaussian likelihood among `bases`: a log-scale (`log_var`) that one of them
 * is weighted by through `exp`, or a `log(sigma)` whose sigma divides one of them.
 */
export function isLikelihoodNormaliser(piece: Expr, bases: readonly Expr[]): boolean {
  const c = core(piece);
  const scale = loggedScale(c);
  if (scale) return bases.some((b) => scalesTheFit(b, scale, false));
  if (c.kind === 'number') return false;
  return bases.some((b) => scalesTheFit(b, c, true));
}
