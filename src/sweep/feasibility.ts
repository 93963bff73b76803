// Per run and constraint: the final violation on the validation split, the share of the last 20% of steps that
// were feasible, and the first step from which it stayed feasible. A recognised constraint is measured by its
// violation metric; any other penalty by its raw value (a penalty is ≥ 0 and 0 when its constraint holds).
import type { StepMetrics } from '../protocol/trainer';

export interface ConstraintInfo {
  /** Term id of the penalty. */
  id: string;
  label: string;
  /** The penalty has a recognised constraint: it is measured by the constraint's violation metric. */
  recognised: boolean;
  epsilon: number;
}

export interface ConstraintResult {
  id: string;
  /** The validation split's violation at the last validation step (the last training batch's when there is none). */
  finalViolation: number | undefined;
  /** Share of the last 20% of the measured steps whose batch violation was ≤ ε. */
  feasibleShare: number;
  /** The first step from which every later measured step was feasible (undefined: it never settled). */
  firstFeasibleStep: number | undefined;
  feasible: boolean;
}

/** The violation of one constraint at one step: on the training batch, or on the validation split. */
export function violationAt(p: StepMetrics, c: ConstraintInfo, split: 'train' | 'val'): number | undefined {
  const v = split === 'val'
    ? (c.recognised ? p.valViolations?.[c.id] : p.valTerms?.[c.id])
    : (c.recognised ? p.violations[c.id] : p.terms[c.id]?.raw);
  return v === undefined || !Number.isFinite(v) ? undefined : Math.abs(v);
}

const TAIL = 0.2;

/** One constraint over one run's points (in step order). */
export function constraintResult(points: StepMetrics[], c: ConstraintInfo): ConstraintResult {
  const series = points.flatMap((p) => {
    const v = violationAt(p, c, 'train');
    return v === undefined ? [] : [{ step: p.step, ok: v <= c.epsilon }];
  });
  const tail = series.slice(Math.floor(series.length * (1 - TAIL)));
  const feasibleShare = tail.length > 0 ? tail.filter((s) => s.ok).length / tail.length : 0;
  let firstFeasibleStep: number | undefined;
  for (let i = series.length - 1; i >= 0 && series[i]!.ok; i--) firstFeasibleStep = series[i]!.step;
  const lastVal = [...points].reverse().map((p) => violationAt(p, c, 'val')).find((v) => v !== undefined);
  const finalViolation = lastVal ?? (points.length > 0 ? violationAt(points[points.length - 1]!, c, 'train') : undefined);
  return { id: c.id, finalViolation, feasibleShare, firstFeasibleStep, feasible: finalViolation !== undefined && finalViolation <= c.epsilon };
}
