// The points the Pareto chart draws. With several constraints the chart can show the overall front (the worst
// violation / ε, a run feasible when every constraint is) or one constraint's own front (base loss against that
// violation alone, a run feasible when that constraint is met), so each λ's trade-off is read on its own axis.
import type { SweepResult } from '../../src/sweep';

export interface FrontPoint {
  runId: string;
  lambda: number;
  valLoss: number;
  violation: number;
  feasible: boolean;
  onFront: boolean;
}

/** Which front to draw: undefined for the overall one, else a constraint's id. */
export function frontPoints(result: SweepResult, constraintId?: string): FrontPoint[] {
  const own = constraintId === undefined ? undefined : result.fronts?.[constraintId];
  const points: FrontPoint[] = [];
  for (const r of result.runs) {
    const c = constraintId === undefined ? undefined : r.constraints.find((x) => x.id === constraintId);
    const violation = constraintId === undefined ? r.violation : c?.finalViolation;
    if (r.valLoss === undefined || violation === undefined) continue;
    const feasible = constraintId === undefined ? r.feasible : !!c?.feasible;
    const onFront = own ? own.includes(r.runId) : r.onFront;
    points.push({ runId: r.runId, lambda: r.lambda, valLoss: r.valLoss, violation, feasible, onFront });
  }
  return points.sort((a, b) => a.violation - b.violation);
}

/** The horizontal axis's title for that front. */
export function frontAxisLabel(result: SweepResult, constraintId?: string): string {
  const c = constraintId === undefined ? undefined : result.constraints.find((x) => x.id === constraintId);
  if (c) return `violation of ${c.label} (validation)`;
  return `violation${result.normalised ? ' / ε (worst)' : ''} (validation)`;
}
