// LL108: a sum over every element (or over axis 0) inside a penalty. The penalty then grows with the batch
// size while the base loss is a mean, so the effective λ changes whenever the batch size does.
import { sumToMean } from '../fixes/ops';
import type { Expr } from '../ir';
import { type CallExpr, type MethodExpr, argument, collect, dependsOnData, opName, operand, walk } from './expr';
import { code, termLabel } from './format';
import type { Check, Report } from './types';

const SUMS = new Set(['reduce_sum', 'sum', 'nansum']);

/** Does the axis argument include the batch axis (absent, None, 0, or a tuple with 0)? */
function coversBatch(axis: Expr | undefined): boolean {
  if (!axis || axis.kind === 'none') return true;
  if (axis.kind === 'number') return axis.value === 0;
  if (axis.kind === 'tuple') return axis.items.some((i) => i.kind === 'number' && i.value === 0);
  return false;
}

const DIVIDES = new Set(['div', 'divide', 'true_divide', 'truediv']);

/**
 * True when the sum is the numerator of a division, through sums, products and signs only: a hand-normalised
 * sum (`.sum() / n`, `lam * x.sum() / n`, `(a.sum() + b.sum()) / (2 * n)`, `x.sum().div(n)`) or a ratio.
 */
function normalised(node: Expr, ancestors: readonly Expr[]): boolean {
  let child = node;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    if (a.kind === 'binary' && (a.op === '/' || a.op === '//')) return a.left === child;
    if ((a.kind === 'call' && DIVIDES.has(opName(a) ?? '') && a.args[0] === child) || (a.kind === 'method' && DIVIDES.has(a.method) && a.object === child)) return true;
    if (a.kind === 'binary' && a.op === '*' && isReciprocal(a.left === child ? a.right : a.left)) return true;
    if (!((a.kind === 'binary' && ['+', '-', '*'].includes(a.op)) || a.kind === 'unary')) return false;
    child = a;
  }
  return false;
}

/** `1 / n`, `1.0 / x.numel()`: multiplying by it divides. */
const isReciprocal = (e: Expr): boolean => e.kind === 'binary' && e.op === '/' && e.left.kind === 'number';

/** A tensor sum over every element or the batch axis of something read from the data, not normalised by hand. */
function isBatchSum(n: Expr, ancestors: readonly Expr[]): boolean {
  const op = opName(n);
  if (!op || !SUMS.has(op)) return false;
  const call = n as CallExpr | MethodExpr;
  const x = operand(call);
  if (!x || !dependsOnData(x)) return false;
  // Python's builtin sum() over a list is not a tensor reduction.
  if (call.kind === 'call' && call.callee === 'sum') return false;
  if (!coversBatch(argument(call, ['axis', 'dim'], 1))) return false;
  // `reduce_sum(x) / batch_size`, `(dx.sum() + dy.sum()) / (bs * c * h * w)`: a mean written by hand.
  return !normalised(n, ancestors);
}

export const checkBatchSum: Check = (ctx) => {
  const out: Report[] = [];
  // `torch.sum(err + lam * balance)` split into terms: the base sums over the batch too, so their ratio holds.
  const base = ctx.model.terms.find((t) => t.role === 'base');
  const baseSums = !!base && collect(base.expr, isBatchSum).length > 0;
  for (const t of ctx.model.terms) {
    if (t.role !== 'penalty') continue;
    walk(t.expr, (n, ancestors) => {
      // F.mse_loss(…, reduction='sum') inside a penalty: the same batch-size scaling, chosen by a keyword.
      const reduction = n.kind === 'call' ? n.kwargs.reduction : undefined;
      if (reduction?.kind === 'string' && reduction.value === 'sum') {
        const written = ctx.text.slice(reduction.range);
        out.push({
          range: n.range,
          termId: t.id,
          message:
            `Penalty ${termLabel(t)} uses ${code(`reduction='sum'`)}: its scale grows with the batch size while the base loss is a mean, ` +
            'so the effective λ changes with the batch size. Use reduction=\'mean\'.',
          fixes: [{ title: "Use reduction='mean' (batch-size independent)", edits: [{ range: reduction.range, newText: written.replace('sum', 'mean') }], isPreferred: true }],
        });
        return;
      }
      if (!isBatchSum(n, ancestors) || baseSums) return;
      const call = n as CallExpr | MethodExpr;
      const fix = sumToMean(ctx.text, call);
      out.push({
        range: n.range,
        termId: t.id,
        message:
          `Penalty ${termLabel(t)} sums over the batch (${call.kind === 'call' ? call.callee : `.${call.method}()`} without a feature axis): its scale grows with the ` +
          'batch size while the base loss is a mean, so the effective λ changes with the batch size. Use a mean.',
        fixes: fix ? [fix] : [],
      });
    });
  }
  return out;
};
