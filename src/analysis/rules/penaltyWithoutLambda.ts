// LL101: a penalty added with no weight. Its scale against the base loss is fixed by accident (units, batch
// reduction), and the trade-off between fitting and satisfying the constraint cannot be tuned.
import { insideAnotherLoss } from '../choose';
import { addLambda } from '../fixes/lambda';
import type { Expr, LossModel } from '../ir';
import { isLikelihoodNormaliser, isPrecisionNormaliser } from '../terms/normaliser';
import { baseLabel, termLabel } from './format';
import { hasNoGradient } from './noGradient';
import type { Check } from './types';

/**
 * A loss the file only builds or calls inside another of its losses (`self.edge_loss = EdgeLoss()` in a combined
 * loss's constructor) is a part of that loss: whether its value is weighted is decided where it is added, and this
 * rule judges it there. Its own unweighted pieces (`dh.mean() + dw.mean()`) are one quantity, not penalties.
 */
function isPartOfAnotherLoss(model: LossModel, models: readonly LossModel[]): boolean {
  return model.usages.length > 0 && model.usages.every((u) => insideAnotherLoss(model, models, u.range.startLine));
}

/** Ways a training step sums a Keras model's own losses: `sum(model.losses)`, `tf.add_n(self.decoder.losses)`. */
const SUMS_OF_LIST: ReadonlySet<string> = new Set(['sum', 'add_n', 'reduce_sum']);

/**
 * `tf.add_n(self.decoder.losses)`, `sum(model.losses)`: the losses Keras layers collect (their regularizers'
 * `l2(1e-4)`, their add_loss terms), each weighted where the layer is built; added bare, as Keras's own training
 * step does, they are already weighted.
 */
function isLayersLosses(model: LossModel, e: Expr): boolean {
  if (model.framework !== 'keras') return false;
  const inner = e.kind === 'call' && SUMS_OF_LIST.has(e.callee.slice(e.callee.lastIndexOf('.') + 1)) && e.args.length === 1 ? e.args[0]! : e;
  return inner.kind === 'attr' && inner.name === 'losses';
}

export const checkPenaltyWithoutLambda: Check = (ctx) => {
  if (isPartOfAnotherLoss(ctx.model, ctx.analysis.models)) return [];
  const bases = ctx.model.terms.filter((t) => t.role === 'base').map((t) => t.expr);
  // a likelihood's own normaliser (`log(1 / w)` beside `w * err`) is part of the fit: it wants no λ
  const normaliser = (t: (typeof ctx.model.terms)[number]): boolean => isPrecisionNormaliser(t.expr, t.sign, bases) || isLikelihoodNormaliser(t.expr, bases);
  return ctx.model.terms
    // a penalty with no gradient never changes the model, weighted or not: LL105 reports it, a λ would not help
    .filter((t) => t.role === 'penalty' && !t.weight && !normaliser(t) && !hasNoGradient(ctx.model, t) && !isLayersLosses(ctx.model, t.expr))
    .map((t) => {
      const fix = addLambda(ctx, t);
      return {
        range: t.range,
        termId: t.id,
        message:
          `Penalty ${termLabel(t)} is added without a weight λ: its scale against ${baseLabel(ctx.model)} is fixed, ` +
          'so the trade-off between the loss and the constraint cannot be tuned. Multiply it by a hyper-parameter.',
        fixes: fix ? [fix] : [],
      };
    });
};
