// The tolerance ε under which a constraint counts as met, per recognised constraint kind, in the units of the
// trainer's violation metric for that kind (src/trainer/metrics/violations.ts, named in src/templates/violations.ts).
// Kinds whose metric has no natural "met" level (how sparse is sparse enough?) and penalties the analysis did not
// recognise use the setting lossLab.sweep.tolerance, on their metric or on the raw penalty value.
import type { ConstraintKind } from '../analysis/ir';

export interface Tolerance {
  epsilon: number;
  /** Where ε comes from, for the table and the panel. */
  source: string;
}

/** The template's meaning of "met", where it has one. */
const byKind: Partial<Record<ConstraintKind, Tolerance>> = {
  'sum-to-one': { epsilon: 1e-2, source: 'sum-to-one: rows sum to 1 within 1e-2' },
  bounds: { epsilon: 1e-2, source: 'bounds: at most 1% of outputs outside the bounds (beyond their 1% tolerance)' },
  'non-negativity': { epsilon: 1e-2, source: 'non-negativity: at most 1% of outputs below −0.01' },
  monotone: { epsilon: 1e-2, source: 'monotone: at most 1% of adjacent pairs out of order' },
  parity: { epsilon: 2e-2, source: 'parity: group means within 0.02' },
};

export const DEFAULT_TOLERANCE = 1e-2;

/** ε for one penalty: `override` (the --tolerance flag or a value edited in the panel) first, then the kind's, then the setting. */
export function toleranceFor(kind: ConstraintKind | undefined, setting: number, override?: number): Tolerance {
  if (override !== undefined && Number.isFinite(override) && override >= 0) return { epsilon: override, source: 'set for this sweep' };
  const known = kind ? byKind[kind] : undefined;
  if (known) return known;
  const what = kind ? `${kind} metric` : 'raw penalty value';
  return { epsilon: setting, source: `lossLab.sweep.tolerance on the ${what}` };
}
