// One λ to use, with reasons: the feasible run with the lowest validation base loss (ties: the smaller λ); when no
// run is feasible, the run with the smallest violation, saying that the constraint was not met and what to try.
import type { RunVerdict, SweepConstraint } from './analyse';
import { byLambdas, type PenaltyName } from './order';

export interface Recommendation {
  runId: string;
  lambda: number;
  /** Several penalty λs: the value of every one, in the loss's order (what "Use λ" writes). */
  lambdas?: (PenaltyName & { value: number })[];
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

/** `λ = 0.1`, or with several penalty λs every one of them: `lam_sum = 0.1, lam_bound = 3.2`. */
export function lambdaText(run: Pick<RunVerdict, 'lambda' | 'lambdas'>, penalties: readonly PenaltyName[] | undefined): string {
  if (!penalties || !run.lambdas) return `λ = ${fmt(run.lambda)}`;
  return penalties.map((p) => `${p.label} = ${fmt(run.lambdas![p.id])}`).join(', ');
}

/** What "Use λ" writes, said: `λ = 0.1`, or every penalty's `lam_sum = 0.1, lam_box = 3.2`. */
export function choiceText(choice: { lambda: number; lambdas?: readonly { label: string; value: number }[] }): string {
  return choice.lambdas ? choice.lambdas.map((l) => `${l.label} = ${fmt(l.value)}`).join(', ') : `λ = ${fmt(choice.lambda)}`;
}

function lambdasOf(run: RunVerdict, penalties: readonly PenaltyName[] | undefined): Pick<Recommendation, 'lambdas'> {
  if (!penalties || !run.lambdas) return {};
  return { lambdas: penalties.flatMap((p) => (run.lambdas![p.id] !== undefined ? [{ ...p, value: run.lambdas![p.id]! }] : [])) };
}

/** By validation base loss; a tie goes to the smaller λ (with several, compared in the loss's order). */
function byLossThenLambda(penalties: readonly PenaltyName[] | undefined): (a: RunVerdict, b: RunVerdict) => number {
  const byLambda = byLambdas(penalties);
  return (a, b) => {
    const la = a.valLoss!;
    const lb = b.valLoss!;
    if (Math.abs(la - lb) <= TIE * Math.max(Math.abs(la), Math.abs(lb), 1e-12)) return byLambda(a, b);
    return la - lb;
  };
}

function feasibleChoice(feasible: RunVerdict[], all: RunVerdict[], constraints: SweepConstraint[], penalties?: readonly PenaltyName[]): Recommendation {
  const best = [...feasible].sort(byLossThenLambda(penalties))[0]!;
  const reasons = [
    constraints.length > 0
      ? `${feasible.length} of ${all.length} runs meet ${names(constraints)}; this one has the lowest validation base loss (${fmt(best.valLoss)})`
      : `the lowest validation base loss (${fmt(best.valLoss)})`,
  ];
  const unconstrained = all.find((r) => (r.lambdas ? Object.values(r.lambdas).every((v) => v === 0) : r.lambda === 0) && r.valLoss !== undefined);
  if (unconstrained && unconstrained.runId !== best.runId && !unconstrained.feasible) {
    const zero = unconstrained.lambdas ? 'every λ = 0' : 'λ = 0';
    reasons.push(`${zero} reaches ${fmt(unconstrained.valLoss)} but violates the constraint (${fmt(unconstrained.violation)})`);
  }
  return {
    runId: best.runId,
    lambda: best.lambda,
    ...lambdasOf(best, penalties),
    feasible: true,
    headline: `Use ${lambdaText(best, penalties)}: feasible, validation base loss ${fmt(best.valLoss)}`,
    reasons: [...reasons, ...gradReasons(best)],
    tryNext: [],
  };
}

/** Several penalty λs: for each constraint the closest run misses, a larger value of the λ that weights it. */
function knobAdvice(best: RunVerdict, all: RunVerdict[], constraints: SweepConstraint[], penalties: readonly PenaltyName[]): string[] {
  const missed = constraints.filter((_c, k) => !best.constraints[k]?.feasible);
  const advice = missed.flatMap((c) => {
    const knob = penalties.find((p) => p.terms?.includes(c.id));
    if (!knob) return [];
    const tried = Math.max(...all.map((r) => r.lambdas?.[knob.id] ?? 0));
    return [`a larger ${knob.label} for '${c.label}' (not met; the sweep tried up to ${fmt(tried)}, this run has ${fmt(best.lambdas?.[knob.id])})`];
  });
  return advice.length > 0 ? [...new Set(advice)] : [`larger λs around ${lambdaText(best, penalties)}`];
}

function closestChoice(candidates: RunVerdict[], all: RunVerdict[], constraints: SweepConstraint[], penalties?: readonly PenaltyName[]): Recommendation {
  const tie = byLossThenLambda(penalties);
  const best = [...candidates].sort((a, b) => a.violation! - b.violation! || tie(a, b))[0]!;
  const largest = Math.max(...all.map((r) => r.lambda));
  const tryNext = [
    ...(penalties && best.lambdas
      ? knobAdvice(best, all, constraints, penalties)
      : [best.lambda === largest || best.grad.endVerdict === 'negligible' ? `a larger λ than ${fmt(largest)} (the violation falls as λ grows)` : `a λ between the runs around ${fmt(best.lambda)}`]),
    'a smooth penalty (squared instead of absolute value), which keeps pulling near the constraint',
    `more steps (the runs may not have converged)`,
  ];
  if (best.grad.endVerdict === 'dominates') tryNext.splice(1, 0, 'a smaller learning rate: the penalty dominates the step and may overshoot');
  return {
    runId: best.runId,
    lambda: best.lambda,
    ...lambdasOf(best, penalties),
    feasible: false,
    headline: `No λ met ${names(constraints)}: ${lambdaText(best, penalties)} came closest (violation ${fmt(best.violation)})`,
    reasons: [`the smallest violation of the ${all.length} runs; its validation base loss is ${fmt(best.valLoss)}`, ...gradReasons(best)],
    tryNext,
  };
}

export function recommend(runs: RunVerdict[], constraints: SweepConstraint[], penalties?: readonly PenaltyName[]): Recommendation | undefined {
  const measured = runs.filter((r) => r.valLoss !== undefined);
  const feasible = measured.filter((r) => r.feasible);
  if (feasible.length > 0) return feasibleChoice(feasible, runs, constraints, penalties);
  const candidates = measured.filter((r) => r.violation !== undefined);
  return candidates.length > 0 ? closestChoice(candidates, runs, constraints, penalties) : undefined;
}
