// Values a loss reads by a module-level name that are built from an expression, not written as one literal
// (`const targetRamp = tf.linspace(0, 1, SIZE)`, `EYE = torch.eye(4)`, `STEP = 1.0 / N`): each front end reads the
// assignment (tsjs/outsideValues.ts, python/outsideValues.ts) and this gathers the ones a loss reads, and the ones
// those are built from, into LossModel.outsideValues. Whether a value can be computed before training is the
// trainer's to say (interpreter/outside.ts): a batch read from a file stays refused there, by its name and line.
import type { Expr, LossModel, OutsideValue } from './ir';
import { childrenOf } from './terms/expr';

/** The value a module-level name is assigned, read as an expression; undefined when there is none to read. */
export type ReadOutside = (name: string) => OutsideValue | undefined;

/** Enough for a loss's tensors and the constants they are built from; a runaway chain stops here. */
const MAX_OUTSIDE_VALUES = 32;

/** A node's children, with what the trainer also evaluates (a loss class's forward, a module's constructor arguments). */
const inner = (e: Expr): Expr[] => (e.kind === 'call' && e.forward ? [...childrenOf(e), e.forward] : e.kind === 'call' && e.ctorArgs ? [...childrenOf(e), ...e.ctorArgs] : childrenOf(e));

export function withOutsideValues(m: LossModel, read: ReadOutside): LossModel {
  const taken = new Set(m.params.map((p) => p.name));
  const table: Record<string, OutsideValue> = {};
  let count = 0;
  const visit = (e: Expr): void => {
    if (e.kind === 'name' && e.ref === 'global' && !taken.has(e.name) && !Object.hasOwn(table, e.name) && count < MAX_OUTSIDE_VALUES) {
      const v = read(e.name);
      if (v) {
        table[e.name] = v;
        count++;
        visit(v.expr);
      }
    }
    for (const c of inner(e)) visit(c);
  };
  visit(m.body);
  for (const t of m.terms) {
    visit(t.expr);
    if (t.weight) visit(t.weight);
  }
  return count > 0 ? { ...m, outsideValues: table } : m;
}
