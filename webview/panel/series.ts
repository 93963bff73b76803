// Which charts the panel draws and which series each holds, as data (DOM-free, unit-tested):
//   (a) total and original loss per run, (b) per penalty term its raw P and violation per run, (c) λ per run, only
//   when some run's λ moves (a fixed λ would be a flat line: the legend and the summary already say it).
import type { PanelModel, RunData, Value } from './model';

export interface SeriesSpec {
  /** Unique in its chart; also the legend label. */
  label: string;
  runId: string;
  runIndex: number;
  /** Dashed: the second quantity of a run in the same chart (original loss, violation). */
  dashed: boolean;
  values: (run: RunData) => Value[];
}

export interface ChartSpec {
  key: string;
  title: string;
  /** λ is shown as it is, never smoothed or on a log scale. */
  raw: boolean;
  series: SeriesSpec[];
}

export function chartSpecs(model: PanelModel): ChartSpec[] {
  const runs = model.runs;
  const perRun = (label: (r: RunData) => string, values: (r: RunData) => Value[], dashed = false): SeriesSpec[] =>
    runs.map((r) => ({ label: label(r), runId: r.spec.id, runIndex: r.index, dashed, values }));
  const charts: ChartSpec[] = [
    {
      key: 'loss',
      title: 'Loss: total (solid) and original (dashed)',
      raw: false,
      series: runs.flatMap((r) => [
        { label: `${r.spec.label} total`, runId: r.spec.id, runIndex: r.index, dashed: false, values: (x: RunData) => x.total },
        { label: `${r.spec.label} original`, runId: r.spec.id, runIndex: r.index, dashed: true, values: (x: RunData) => x.original },
      ]),
    },
  ];
  for (const term of model.penaltyTerms) {
    const measured = term.constraint !== undefined || runs.some((r) => (r.violation[term.id]?.length ?? 0) > 0);
    charts.push({
      key: `term:${term.id}`,
      title: measured
        ? `Constraint ${term.label}${term.constraint ? ` (${term.constraint}${term.constraintOn ? ` on ${term.constraintOn}(outputs)` : ''})` : ''}: raw P (solid) and violation (dashed)`
        : `Constraint ${term.label}: raw P`,
      raw: false,
      series: runs.flatMap((r) => [
        { label: `${r.spec.label} P`, runId: r.spec.id, runIndex: r.index, dashed: false, values: (x: RunData) => x.raw[term.id] ?? [] },
        ...(measured
          ? [{ label: `${r.spec.label} violation`, runId: r.spec.id, runIndex: r.index, dashed: true, values: (x: RunData) => x.violation[term.id] ?? [] }]
          : []),
      ]),
    });
  }
  if (runs.some(lambdaMoves)) charts.push({ key: 'lambda', title: 'λ per run', raw: true, series: perRun((r) => r.spec.label, (r) => r.lambda) });
  return charts;
}

/** Whether a run's λ takes more than one value over its steps. */
export function lambdaMoves(run: RunData): boolean {
  let first: Value | undefined;
  for (const v of run.lambda) {
    if (v === null || v === undefined) continue;
    if (first === undefined) first = v;
    else if (v !== first) return true;
  }
  return false;
}

/** Number of points a series holds (non-null values): what the e2e test and the bench count. */
export function pointCount(values: readonly Value[]): number {
  let n = 0;
  for (const v of values) if (v !== null && v !== undefined) n++;
  return n;
}
