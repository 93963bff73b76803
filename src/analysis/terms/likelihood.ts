// A cross-entropy written by hand: `-torch.mean(torch.sum(soft_targets * log_probs, dim=-1))`,
// `-K.sum(y_true * K.log(y_pred))`. A log-probability is non-positive, so a target (or any non-negative weight)
// times it, summed or averaged, is a log-likelihood (≤ 0), and its negation the positive loss it is: one base term,
// not a penalty subtracted from nothing (issue 9 §4).
import type { Expr } from '../ir';
import { type CallLike, operandsOf, opName } from './expr';
import { reductionOps } from './ops';

/** Ops whose value is a log-probability (≤ 0): `log_softmax`, `nn.LogSoftmax()(x)`, `log_sigmoid`, `log(p)`. */
const LOG_PROB_OPS: ReadonlySet<string> = new Set(['log_softmax', 'logsoftmax', 'log_sigmoid', 'logsigmoid', 'log']);

const isCall = (e: Expr): e is CallLike => e.kind === 'call' || e.kind === 'method';

/** `mean(x)`, `x.sum(-1)` → x. */
function unreduced(e: Expr): Expr {
  return isCall(e) && reductionOps[opName(e) ?? ''] && operandsOf(e)[0] ? unreduced(operandsOf(e)[0]!) : e;
}

const isNegativeNumber = (e: Expr): boolean => (e.kind === 'number' && e.value < 0) || (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number');

function factors(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === '*' ? [...factors(e.left), ...factors(e.right)] : [e];
}

const isLogProb = (e: Expr): boolean => isCall(e) && LOG_PROB_OPS.has(opName(e) ?? '');

/**
 * True for a (reduced) log-likelihood: a log-probability, or a product with one log-probability factor and no
 * negative number, or a sum of those (`y * log(p) + (1 - y) * log(1 - p)`).
 */
export function isLogLikelihood(e: Expr): boolean {
  const x = unreduced(e);
  if (x.kind === 'binary' && x.op === '+') return isLogLikelihood(x.left) && isLogLikelihood(x.right);
  const fs = factors(x);
  return fs.filter(isLogProb).length === 1 && !fs.some(isNegativeNumber);
}

/** `-mean(sum(t * log_p))`: the negation of a log-likelihood, a cross-entropy written by hand. */
export const isNegatedLogLikelihood = (e: Expr): boolean => e.kind === 'unary' && e.op === '-' && isLogLikelihood(e.operand);
