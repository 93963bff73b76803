// LL108: a sum over every element (or over axis 0) inside a penalty. The penalty then grows with the batch
// size while the base loss is a mean, so the effective λ changes whenever the batch size does.
import { sumToMean } from '../fixes/ops';
import type { Expr } from '../ir';
import { type CallExpr, type MethodExpr, argument, dependsOnData, opName, operand, walk } from './expr';
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

export const checkBatchSum: Check = (ctx) => {
  const out: Report[] = [];
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
      const op = opName(n);
      if (!op || !SUMS.has(op)) return;
      const call = n as CallExpr | MethodExpr;
      const x = operand(call);
      if (!x || !dependsOnData(x)) return;
      // Python's builtin sum() over a list is not a tensor reduction.
      if (call.kind === 'call' && call.callee === 'sum') return;
      if (!coversBatch(argument(call, ['axis', 'dim'], 1))) return;
      // `reduce_sum(x) / batch_size` is a mean written by hand.
      const parent = ancestors[ancestors.length - 1];
      if (parent?.kind === 'binary' && parent.op === '/' && parent.left === n) return;
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
