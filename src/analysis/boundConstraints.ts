// A recognised constraint whose bound is a setting the loss is built with (`relu(predictions - self.threshold)` with
// `ExcessPenaltyLoss(threshold=0.8, …)`): the terms are read before the file's calls are, so the bound was unknown
// and the violation metric measured against no bound (0 at every λ). Once the calls are read, the constraint is
// recognised again with every number the loss's names have where it is built (bound.ts valueLookup).
import { valueLookup } from './bound';
import type { LossModel, Term } from './ir';
import { recogniseConstraint } from './terms/constraints';
import { nodesOf } from './terms/expr';

/** The value params each kind needs; a constraint without them is read again. */
const NEEDS: Readonly<Record<string, readonly string[]>> = { bounds: ['lower', 'upper'], 'sum-to-one': ['target'] };

const unbound = (t: Term): boolean => {
  const needs = t.constraint ? NEEDS[t.constraint.kind] : undefined;
  return !!needs && !needs.some((k) => t.constraint!.params[k] !== undefined);
};

export function withBoundConstraints(m: LossModel): LossModel {
  if (!m.terms.some(unbound)) return m;
  const value = valueLookup(m);
  const terms = m.terms.map((t) => {
    if (!unbound(t)) return t;
    const defaults: Record<string, number> = {};
    for (const n of nodesOf(t.expr)) {
      const name = n.kind === 'name' ? n.name : n.kind === 'attr' ? n.text.replace(/\s+/g, '') : undefined;
      const v = name === undefined ? undefined : value(name);
      if (name !== undefined && typeof v === 'number') defaults[name] = v;
    }
    const again = recogniseConstraint(t.expr, defaults);
    return again && again.kind === t.constraint!.kind && !unbound({ ...t, constraint: again }) ? { ...t, constraint: again } : t;
  });
  return { ...m, terms };
}
