// One λ to use, with reasons: the feasible run with the lowest validation base loss (ties: the smaller λ); when no
// run is feasible, the run with the smallest violation, saying that the constraint was not met and what to try.
import type { RunVerdict, SweepConstraint } from './analyse';

export interface Recommendation {
  runId: string;
  lambda: number;
  feasible: boolean;
  /** One sentence: the answer. */
  headline: string;
  /** Why, and what the gradient-norm ratio says about this run. */
  reasons: string[];
  /** When no run is feasible: what to try next, most likely first. */
  tryNext: string[];
}

/** Validation losses this close (relative) are a tie, broken by the smaller λ. */
const TIE = 1e-3;

export const fmt = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '—' : Number.parseFloat(v.toPrecision(3)).toString());

const names = (constraints: SweepConstraint[]) => constraints.map((c) => `'${c.label}' (ε = ${fmt(c.epsilon)})`).join(' and ');

function gradReasons(run: RunVerdict): string[] {
  const notes: Record<string, (r: number) => string> = {
    dominates: (r) => `the penalty dominates the gradient (‖λ∇P‖/‖∇L‖ = ${fmt(r)} > 10): the base loss barely trains`,
    negligible: (r) => `the penalty is negligible in the gradient (‖λ∇P‖/‖∇L‖ = ${fmt(r)} < 0.01)`,
    balanced: (r) => `‖λ∇P‖/‖∇L‖ = ${fmt(r)}`,
  };
  const out: string[] = [];
  if (run.grad.start !== undefined) out.push(`at the start ${notes[run.grad.startVerdict!]!(run.grad.start)}`);
  if (run.grad.end !== undefined) out.push(`at the end ${notes[run.grad.endVerdict!]!(run.grad.end)}`);
  return out;
}

function byLossThenLambda(a: RunVerdict, b: RunVerdict): number {
  const la = a.valLoss!;
  const lb = b.valLoss!;
  if (Math.abs(la - lb) <= TIE * Math.max(Math.abs(la), Math.abs(lb), 1e-12)) return a.lambda - b.lambda;
  return la - lb;
}

function feasibleChoice(feasible: RunVerdict[], all: RunVerdict[], constraints: SweepConstraint[]): Recommendation {
  const best = [...feasible].sort(byLossThenLambda)[0]!;
  const reasons = [
    constraints.length > 0
      ? `${feasible.length} of ${all.length} runs meet ${names(constraints)}; this one has the lowest validation base loss (${fmt(best.valLoss)})`
      : `the lowest validation base loss (${fmt(best.valLoss)})`,
  ];
  const unconstrained = all.find((r) => r.lambda === 0 && r.valLoss !== undefined);
  if (unconstrained && unconstrained.runId !== best.runId && !unconstrained.feasible) {
    reasons.push(`λ = 0 reaches ${fmt(unconstrained.valLoss)} but violates the constraint (${fmt(unconstrained.violation)})`);
  }
  return {
    runId: best.runId,
    lambda: best.lambda,
    feasible: true,
    headline: `Use λ = ${fmt(best.lambda)}: feasible, validation base loss ${fmt(best.valLoss)}`,
    reasons: [...reasons, ...gradReasons(best)],
    tryNext: [],
  };
}

function closestChoice(candidates: RunVerdict[], all: RunVerdict[], constraints: SweepConstraint[]): Recommendation {
  const best = [...candidates].sort((a, b) => a.violation! - b.violation! || byLossThenLambda(a, b))[0]!;
  const largest = Math.max(...all.map((r) => r.lambda));
  const tryNext = [
    best.lambda === largest || best.grad.endVerdict === 'negligible'
      ? `a larger λ than ${fmt(largest)} (the violation falls as λ grows)`
      : `a λ between the runs around ${fmt(best.lambda)}`,
    'a smooth penalty (squared instead of absolute value), which keeps pulling near the constraint',
    `more steps (the runs may not have converged)`,
  ];
  if (best.grad.endVerdict === 'dominates') tryNext.splice(1, 0, 'a smaller learning rate: the penalty dominates the step and may overshoot');
  return {
    runId: best.runId,
    lambda: best.lambda,
    feasible: false,
    headline: `No λ met ${names(constraints)}: λ = ${fmt(best.lambda)} came closest (violation ${fmt(best.violation)})`,
    reasons: [`the smallest violation of the ${all.length} runs; its validation base loss is ${fmt(best.valLoss)}`, ...gradReasons(best)],
    tryNext,
  };
}

export function recommend(runs: RunVerdict[], constraints: SweepConstraint[]): Recommendation | undefined {
  const measured = runs.filter((r) => r.valLoss !== undefined);
  const feasible = measured.filter((r) => r.feasible);
  if (feasible.length > 0) return feasibleChoice(feasible, runs, constraints);
  const candidates = measured.filter((r) => r.violation !== undefined);
  return candidates.length > 0 ? closestChoice(candidates, runs, constraints) : undefined;
}
