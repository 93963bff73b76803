// A Gaussian likelihood with a predicted scale, `0.5 * exp(-log_var) * (y - mu)² + 0.5 * log_var` (heteroscedastic
// regression, Kendall & Gal's uncertainty weighting of several tasks), or `log(sigma) + (y - mu)² / (2 sigma²)`:
// the `log_var` / `log(sigma)` term is the likelihood's normaliser, what keeps the predicted variance from growing
// without bound. It is part of the data-fit term, not a constraint to weigh with a λ (nor one "added without λ").
import type { Expr } from '../ir';
import { type CallLike, nodesOf, operandsOf, opName, writtenKey } from './expr';
import { clampOps, maximumOps, reductionOps } from './ops';

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

/** Bounds that keep a value finite (`maximum(minimum(w, 1e6), 1e-6)`, `clip(w, eps, None)`) → w. */
function unclipped(e: Expr): Expr {
  const name = isCall(e) ? (opName(e) ?? '') : '';
  const bounding = maximumOps.has(name) || clampOps.has(name) || name === 'minimum' || name === 'min' || name === 'fmin';
  const args = isCall(e) ? operandsOf(e) : [];
  const value = args.filter((a) => !isNumber(a) && a.kind !== 'none');
  return bounding && value.length === 1 ? unclipped(value[0]!) : e;
}

/** `log(1 / w)`, `-log(w)` (or the term subtracted): the precision w whose log is taken with a minus; else undefined. */
function negLoggedPrecision(e: Expr, sign: 1 | -1): Expr | undefined {
  const negFactor = e.kind === 'binary' && e.op === '*' && isNumber(e.left) && e.left.text.trim().startsWith('-');
  const negated = (e.kind === 'unary' && e.op === '-') || negFactor;
  const c = core(e.kind === 'unary' && e.op === '-' ? e.operand : e);
  if (!isCall(c) || opName(c) !== 'log' || !operandsOf(c)[0]) return undefined;
  const x = operandsOf(c)[0]!;
  if (x.kind === 'binary' && x.op === '/' && isNumber(x.left)) return negated || sign < 0 ? undefined : unclipped(x.right);
  return negated !== sign < 0 ? unclipped(x) : undefined;
}

/**
 * True when `piece` (added with `sign`) is the normaliser of a Gaussian likelihood written with a predicted precision:
 * `w * err + log(1 / w)` or `w * err - log(w)` (w possibly clipped), where a fit term is multiplied by w. Like the
 * variance forms above, it belongs to the likelihood and wants no λ of its own.
 */
export function isPrecisionNormaliser(piece: Expr, sign: 1 | -1, bases: readonly Expr[]): boolean {
  const precision = negLoggedPrecision(piece, sign);
  if (!precision) return false;
  const key = writtenKey(precision);
  return bases.some((b) => [...nodesOf(b)].some((n) => n.kind === 'binary' && n.op === '*' && (writtenKey(unclipped(n.left)) === key || writtenKey(unclipped(n.right)) === key)));
}
