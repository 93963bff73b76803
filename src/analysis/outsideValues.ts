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

/**
 * The module-level names an expression reads, in the order a depth-first walk meets them (repeats kept out), cached
 * by the expression: a 5,000-line file's loss models are mostly the same objects from one edit to the next
 * (parsing/definitionCache.ts), and walking every body again on each keystroke cost more than the rest of the edit's
 * lookups.
 */
const globalNames = new WeakMap<Expr, readonly string[]>();

function globalsOf(e: Expr): readonly string[] {
  const cached = globalNames.get(e);
  if (cached) return cached;
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (x: Expr): void => {
    if (x.kind === 'name' && x.ref === 'global' && !seen.has(x.name)) {
      seen.add(x.name);
      out.push(x.name);
    }
    for (const c of inner(x)) walk(c);
  };
  walk(e);
  globalNames.set(e, out);
  return out;
}

export function withOutsideValues(m: LossModel, read: ReadOutside): LossModel {
  const taken = new Set(m.params.map((p) => p.name));
  const table: Record<string, OutsideValue> = {};
  let count = 0;
  const visit = (e: Expr): void => {
    for (const name of globalsOf(e)) {
      if (taken.has(name) || Object.hasOwn(table, name) || count >= MAX_OUTSIDE_VALUES) continue;
      const v = read(name);
      if (!v) continue;
      table[name] = v;
      count++;
      visit(v.expr);
    }
  };
  visit(m.body);
  for (const t of m.terms) {
    visit(t.expr);
    if (t.weight) visit(t.weight);
  }
  return count > 0 ? { ...m, outsideValues: table } : m;
}
