// A run whose values all turn NaN at once names the first non-finite term (columns.ts nonFinite), which is only where
// the NaN was first read: when another term's value had run away the step before (a `1 / Σp²` the base drove to a
// zero denominator), that term's gradient overflowed and carried the NaN into every weight. This names it, and says
// when its weight in the run was 0: 0 · ∞ is NaN in PyTorch and TensorFlow too, so a penalty that only blows up
// where nothing holds the model away (λ = 0) still ends the run.
import type { Term } from '../../analysis/ir';
import type { StepMetrics } from '../../protocol/trainer';

/** A value this large is past where float32 gradients of a division or a log overflow (1/x² of its denominator). */
export const RUNAWAY_VALUE = 1e12;

export interface Runaway {
  term: Term;
  value: number;
  step: number;
  /** The term's weight in this run was 0 (a penalty at λ = 0). */
  unweighted: boolean;
}

/** The term with the largest finite |value| above RUNAWAY_VALUE at the step before the NaN, if any. */
export function runawayTerm(previous: StepMetrics | null, terms: readonly Term[]): Runaway | undefined {
  if (!previous) return undefined;
  let found: Runaway | undefined;
  for (const term of terms) {
    const v = previous.terms[term.id];
    if (!v || !Number.isFinite(v.raw) || Math.abs(v.raw) < RUNAWAY_VALUE) continue;
    if (found && Math.abs(v.raw) <= Math.abs(found.value)) continue;
    found = { term, value: v.raw, step: previous.step, unweighted: v.weighted === 0 };
  }
  return found;
}

/** The clause the divergence message ends with; `line` is where the term's value is computed. */
export function describeRunaway(r: Runaway, line: number): string {
  const grew = `term ${r.term.id} '${r.term.label}' (line ${line}) had grown to ${r.value.toPrecision(3)} at step ${r.step}, so its gradient overflowed`;
  const zero = r.unweighted
    ? ` (its weight in this run is 0, and 0 · ∞ is NaN in PyTorch and TensorFlow alike: nothing in this run holds the model away from where it blows up, e.g. a division by a sum the base drives to 0)`
    : ' (a division or log whose argument the training drove to 0)';
  return `; before it, ${grew}${zero}`;
}
