// A penalty that sums the prediction over its outputs (`tf.sum(tf.sigmoid(yPred), -1)` against a cap of 1, a count
// of labels per sample) reads several outputs per sample: with the one output a binary task gets by default, that
// sum is the one probability and a cap of 1 can never be passed, so the penalty would read 0 at every λ. Read from
// the loss's syntax: a sum over the last axis (written -1, or 1) of an expression that reads the prediction.
import type { Expr, LossModel } from '../analysis/ir';
import { nodesOf } from '../analysis/terms/expr';
import { reductionOf } from '../analysis/terms/shapes';

const number = (e: Expr | undefined): number | undefined =>
  e?.kind === 'number' ? e.value : e?.kind === 'unary' && e.op === '-' && e.operand.kind === 'number' ? -e.operand.value : undefined;

/** The axis a reduction call names (`tf.sum(x, -1)`, `x.sum(dim=1)`, `tf.reduce_sum(x, axis=-1)`). */
function axisOf(e: Expr): number | undefined {
  if (e.kind === 'call') return number(e.args[1] ?? e.kwargs['axis'] ?? e.kwargs['dim']);
  if (e.kind === 'method') return number(e.args[0] ?? e.kwargs['axis'] ?? e.kwargs['dim']);
  return undefined;
}

const readsPrediction = (e: Expr): boolean => [...nodesOf(e)].some((n) => n.kind === 'name' && n.ref === 'yPred');

/** A penalty's sum of the prediction over its outputs, when the loss has one; undefined otherwise. */
export function penaltySumOverOutputs(model: LossModel): Expr | undefined {
  for (const t of model.terms) {
    if (t.role !== 'penalty') continue;
    for (const n of nodesOf(t.expr)) {
      const r = reductionOf(n);
      const axis = r?.op === 'sum' ? axisOf(n) : undefined;
      if (r && (axis === -1 || axis === 1) && readsPrediction(r.operand)) return n;
    }
  }
  return undefined;
}
