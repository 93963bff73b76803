// `model.losses`: the layers' own regularisation penalties as the framework collects them (Keras and TF.js layers with
// kernel/activity/embeddings regularizers). A loss written where training happens adds them itself:
// `loss += sum(model.losses)` in a Keras custom loop, `ce.add(tf.addN(model.losses))` in a TF.js variableGrads
// closure. That term IS the layers' penalties: it is replaced by them, each with its factor as λ, as a compiled loss
// gets them (python/builtinRegularizerModel.ts), so rules and the trainer see the penalties the layers define.
import type { Expr, LossModel } from './ir';
import { type RegularizedFile, withLayerPenalties } from './python/builtinRegularizerModel';
import type { BuiltinUse } from './python/builtinRegularizers';
import { some } from './terms/expr';

/** Whether `e` reads a model's `losses` (`model.losses`, `self.losses`, `vae.losses`). */
export const readsModelLosses = (e: Expr): boolean => some(e, (n) => n.kind === 'attr' && n.name === 'losses' && n.object.kind === 'name');

/** The first loss that adds `model.losses` itself, or -1. */
export const modelLossesReader = (models: readonly LossModel[]): number => models.findIndex((m) => m.terms.some((t) => readsModelLosses(t.expr)));

/**
 * One regularizer object shared by several layers (`const l2 = tf.regularizers.l2({ l2: 1e-3 })` given to three) is,
 * inside the one term the code wrote for model.losses, one penalty with one λ: its uses are read once (the trial has
 * one regularized layer). Objects of their own stay penalties of their own.
 */
function distinctObjects(uses: readonly BuiltinUse[]): BuiltinUse[] {
  const seen = new Set<string>();
  return uses.filter((u) => {
    const key = `${u.range.startLine}:${u.range.startCol}:${u.regularizes.on}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `model` with its `model.losses` term replaced by the layers' penalties. */
export function withModelLosses(model: LossModel, uses: readonly BuiltinUse[], file?: RegularizedFile): LossModel {
  const kept = { ...model, terms: model.terms.filter((t) => !readsModelLosses(t.expr)) };
  return withLayerPenalties(kept, distinctObjects(uses), file);
}
