// A finished (or stopped) sweep read as the user's question "which λ?": per run its validation base loss, each
// constraint's feasibility, its place on the Pareto front and its gradient-norm ratios; then one recommendation.
import type { ConstraintKind } from '../analysis/ir';
import type { RunSummary, StepMetrics } from '../protocol/trainer';
import { type ConstraintInfo, type ConstraintResult, constraintResult } from './feasibility';
import { type GradVerdict, gradVerdict, worstRatio } from './gradRatio';
import { byLambdas, type PenaltyName } from './order';
import { paretoFront } from './pareto';
import { type Recommendation, recommend } from './recommend';
import { type Tolerance, toleranceFor } from './tolerance';

export type { PenaltyName } from './order';

export interface SweepTerm {
  id: string;
  role: 'base' | 'penalty';
  label: string;
  constraint?: ConstraintKind | string;
}

export interface SweepRunInput {
  runId: string;
  lambda: number;
  status: RunSummary['status'] | 'running';
  /** Several penalty λs: each knob's value in this run (RunSpec.lambdas). */
  lambdas?: Record<string, number>;
  /** The run's measured steps, in step order. */
  points: StepMetrics[];
}

export interface SweepOptions {
  /** lossLab.sweep.tolerance: ε where the constraint's kind gives none. */
  tolerance: number;
  /** ε set for this sweep (--tolerance, or edited in the panel): for every penalty, or per term id. */
  override?: number | Record<string, number>;
  /** Several penalty λs: the knobs (id, label) in the loss's order, as the grid names them (SweepGrid.penalties). */
  penalties?: PenaltyName[];
}


export interface RunGradRatio {
  /** The hardest-pulling penalty's ratio at the first and last step. */
  start?: number;
  end?: number;
  startVerdict?: GradVerdict;
  endVerdict?: GradVerdict;
}

export interface RunVerdict {
  runId: string;
  lambda: number;
  /** Several penalty λs: each knob's value. */
  lambdas?: Record<string, number>;
  status: SweepRunInput['status'];
  /** Validation base loss at the last validation step (the last batch's base loss when there is none). */
  valLoss: number | undefined;
  constraints: ConstraintResult[];
  feasible: boolean;
  /** The front's horizontal coordinate: the violation, or with several constraints the worst violation/ε. */
  violation: number | undefined;
  onFront: boolean;
  grad: RunGradRatio;
}

export interface SweepConstraint extends ConstraintInfo, Tolerance {}

export interface SweepResult {
  constraints: SweepConstraint[];
  /** In λ order. */
  runs: RunVerdict[];
  /** Run ids on the front, by increasing violation. */
  front: string[];
  /** With several constraints: per constraint id, the front of validation base loss against that violation alone. */
  fronts?: Record<string, string[]>;
  /** Several penalty λs: the knobs, in the loss's order (the columns of the table). */
  penalties?: PenaltyName[];
  /** Whether `violation` is normalised by ε (several constraints). */
  normalised: boolean;
  recommendation: Recommendation | undefined;
}

const KNOWN: ReadonlySet<string> = new Set<ConstraintKind>(['sum-to-one', 'bounds', 'output-sparsity', 'weight-sparsity', 'non-negativity', 'monotone', 'parity']);

export function sweepConstraints(terms: SweepTerm[], options: SweepOptions): SweepConstraint[] {
  return terms
    .filter((t) => t.role === 'penalty')
    .map((t) => {
      const kind = t.constraint && KNOWN.has(t.constraint) ? (t.constraint as ConstraintKind) : undefined;
      const override = typeof options.override === 'number' ? options.override : options.override?.[t.id];
      const tol = toleranceFor(kind, options.tolerance, override);
      return { id: t.id, label: t.label, recognised: kind !== undefined, ...tol };
    });
}

function lastValue(points: StepMetrics[], read: (p: StepMetrics) => number | undefined): number | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = read(points[i]!);
    if (v !== undefined && Number.isFinite(v)) return v;
  }
  return undefined;
}

function gradOf(points: StepMetrics[]): RunGradRatio {
  const measured = points.filter((p) => p.gradRatios);
  const start = worstRatio(measured[0]?.gradRatios);
  const end = measured.length > 1 ? worstRatio(measured[measured.length - 1]!.gradRatios) : undefined;
  return {
    ...(start !== undefined ? { start, startVerdict: gradVerdict(start) } : {}),
    ...(end !== undefined ? { end, endVerdict: gradVerdict(end) } : {}),
  };
}

function verdictOf(run: SweepRunInput, constraints: SweepConstraint[]): Omit<RunVerdict, 'onFront'> {
  const results = constraints.map((c) => constraintResult(run.points, c));
  const healthy = run.status !== 'diverged' && run.status !== 'failed';
  const valLoss = lastValue(run.points, (p) => p.valOriginal) ?? lastValue(run.points, (p) => p.original);
  const violation =
    results.length === 0 || results.some((r) => r.finalViolation === undefined)
      ? results.length === 0 ? 0 : undefined
      : results.length === 1
        ? results[0]!.finalViolation
        : Math.max(...results.map((r, i) => r.finalViolation! / Math.max(constraints[i]!.epsilon, Number.MIN_VALUE)));
  return {
    runId: run.runId,
    lambda: run.lambda,
    ...(run.lambdas ? { lambdas: run.lambdas } : {}),
    status: run.status,
    valLoss: healthy ? valLoss : undefined,
    constraints: results,
    feasible: healthy && valLoss !== undefined && results.every((r) => r.feasible),
    violation: healthy ? violation : undefined,
    grad: gradOf(run.points),
  };
}

/** Per constraint, the runs on the front of validation base loss against that constraint's violation alone. */
function frontsPerConstraint(runs: Omit<RunVerdict, 'onFront'>[], constraints: SweepConstraint[]): Record<string, string[]> {
  return Object.fromEntries(
    constraints.map((c, k) => {
      const points = runs.map((r) => {
        const v = r.constraints[k]?.finalViolation;
        return r.valLoss !== undefined && v !== undefined ? { loss: r.valLoss, violation: v } : undefined;
      });
      return [c.id, paretoFront(points).map((i) => runs[i]!.runId)];
    }),
  );
}

export function analyseSweep(terms: SweepTerm[], runs: SweepRunInput[], options: SweepOptions): SweepResult {
  const constraints = sweepConstraints(terms, options);
  const penalties = options.penalties && options.penalties.length > 1 ? options.penalties : undefined;
  const verdicts = [...runs].sort(byLambdas(penalties)).map((r) => verdictOf(r, constraints));
  const frontIdx = paretoFront(verdicts.map((v) => (v.valLoss !== undefined && v.violation !== undefined ? { loss: v.valLoss, violation: v.violation } : undefined)));
  const onFront = new Set(frontIdx);
  const result: RunVerdict[] = verdicts.map((v, i) => ({ ...v, onFront: onFront.has(i) }));
  return {
    constraints,
    runs: result,
    front: frontIdx.map((i) => result[i]!.runId),
    ...(constraints.length > 1 ? { fronts: frontsPerConstraint(verdicts, constraints) } : {}),
    ...(penalties ? { penalties } : {}),
    normalised: constraints.length > 1,
    recommendation: recommend(result, constraints, penalties),
  };
}
