// What the runs ended with, derived from the panel's state: one summary row per run, the trade-off points, the
// violation column's heading and the text the screen-reader live region reads.
import type { StepMetrics } from '../../src/protocol';
import { violationMetrics } from '../../src/templates/violations';
import type { PanelModel, RunData, TermInfo } from './model';

/** The numbers a run ends with: from its summary's final step, else its last point. */
export function finalOf(run: RunData): StepMetrics | undefined {
  return run.summary?.final ?? run.last;
}

/** One number for "how much the constraint is violated": the sum of the recognised violations, else of raw P. */
export function violationOf(p: StepMetrics | undefined, terms: TermInfo[]): number | undefined {
  if (!p) return undefined;
  const measured = terms.filter((t) => p.violations[t.id] !== undefined);
  if (measured.length) return measured.reduce((s, t) => s + p.violations[t.id], 0);
  const raw = terms.filter((t) => p.terms[t.id] !== undefined);
  return raw.length ? raw.reduce((s, t) => s + p.terms[t.id].raw, 0) : undefined;
}

export interface SummaryRow {
  runId: string;
  label: string;
  lambda: number;
  finalOriginal: number | undefined;
  finalViolation: number | undefined;
  bestStep: number | null;
  status: string;
  stepsPerSecond: number | undefined;
}

/**
 * The heading of the summary's violation column: the catalog metric's name when one penalty is measured (so the
 * user knows what 0.014 means), "Final penalty P" when only raw penalties are known (violationOf falls back to them).
 */
export function violationHeading(model: PanelModel): string {
  const measured = model.measuredTerms;
  if (measured.length === 0) return model.penaltyTerms.length ? 'Final penalty P' : 'Final violation';
  const kind = measured.length === 1 ? measured[0]!.constraint : undefined;
  const metric = kind && Object.hasOwn(violationMetrics, kind) ? violationMetrics[kind as keyof typeof violationMetrics] : undefined;
  return metric ? `Final violation (${metric.label})` : 'Final violation';
}

export function summaryRows(model: PanelModel): SummaryRow[] {
  return model.runs.map((run) => {
    const final = finalOf(run);
    return {
      runId: run.spec.id,
      label: run.spec.label,
      lambda: run.spec.lambda,
      finalOriginal: final?.original,
      finalViolation: violationOf(final, model.penaltyTerms),
      bestStep: run.summary?.bestStep ?? null,
      status: run.summary?.status ?? (model.status === 'running' ? 'running' : model.status),
      stepsPerSecond: run.summary?.stepsPerSecond,
    };
  });
}

/** Final original loss against final violation, one point per λ, sorted by violation (uPlot wants ascending x). */
export function tradeoffPoints(model: PanelModel): { runIndex: number; label: string; lambda: number; violation: number; original: number }[] {
  const points = [];
  for (const row of summaryRows(model)) {
    if (row.finalOriginal === undefined || row.finalViolation === undefined) continue;
    if (!Number.isFinite(row.finalOriginal) || !Number.isFinite(row.finalViolation)) continue;
    const runIndex = model.runs.findIndex((r) => r.spec.id === row.runId);
    points.push({ runIndex, label: row.label, lambda: row.lambda, violation: row.finalViolation, original: row.finalOriginal });
  }
  return points.sort((a, b) => a.violation - b.violation);
}

const short = (v: number | undefined): string => (v === undefined ? 'n/a' : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(4));

/** The text a screen reader announces: where training is and how each run stands. */
export function textSummary(model: PanelModel): string {
  const parts: string[] = [];
  const name = model.title || 'Training';
  const { step, steps } = model.progress;
  const backend = model.started ? ` on ${model.started.backend}` : '';
  switch (model.status) {
    case 'idle':
      return `${name}: no training yet.`;
    case 'starting':
      return `${name}: starting the trainer.`;
    case 'running':
      parts.push(`${name}${backend}: step ${step} of ${steps}, ${Math.round(model.stepsPerSecond)} steps per second.`);
      break;
    case 'done':
    case 'stopped':
      parts.push(`${name}${backend}: training ${model.status === 'done' ? 'finished' : 'stopped'} after ${step} of ${steps} steps.`);
      break;
    case 'failed':
      parts.push(`${name}: training failed. ${model.errors.at(-1)?.message ?? ''}`.trim());
      break;
    case 'crashed':
      parts.push(`${name}: the trainer process ended unexpectedly. ${model.exitMessage ?? ''}`.trim());
      break;
  }
  for (const row of summaryRows(model)) {
    parts.push(`${row.label}: original loss ${short(row.finalOriginal)}, violation ${short(row.finalViolation)}.`);
  }
  return parts.join(' ');
}
