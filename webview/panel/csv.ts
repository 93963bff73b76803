// The panel's CSV export: every measured step of every run, and once the runs ended each run's sweep verdict.
import type { PanelModel } from './model';

const fmt = (v: number | undefined | null): string => (v === undefined || v === null ? '' : String(v));

/** Every measured point as CSV: one row per run and step; once the runs ended, each row also carries its run's verdict. */
export function toCsv(model: PanelModel): string {
  const terms = model.penaltyTerms;
  const sweep = sweepColumns(model);
  const lambdaNames = lambdaColumns(model);
  const header = ['run', 'lambda', ...lambdaNames.map((n) => `lambda ${n}`), 'step', 'total', 'original', ...terms.flatMap((t) => [`${t.label} P`, `${t.label} violation`]), ...sweep.header];
  const lines = [header.map(csvCell).join(',')];
  for (const run of model.runs) {
    const verdict = sweep.cells(run.spec.id);
    for (let i = 0; i < run.total.length; i++) {
      if (run.total[i] === undefined || (run.total[i] === null && run.original[i] == null)) continue;
      const cells = [run.spec.label, fmt(run.spec.lambda), ...lambdaNames.map((n) => fmt(run.spec.lambdas?.[n])), String(i), fmt(run.total[i]), fmt(run.original[i])];
      for (const t of terms) cells.push(fmt(run.raw[t.id]?.[i]), fmt(run.violation[t.id]?.[i]));
      lines.push([...cells, ...verdict].map(csvCell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** With several penalties, each run's λ of each one gets its own column (names in the order first seen). */
function lambdaColumns(model: PanelModel): string[] {
  const names = new Set<string>();
  for (const run of model.runs) for (const name of Object.keys(run.spec.lambdas ?? {})) names.add(name);
  return [...names];
}

/**
 * The sweep's reading of each run as CSV columns (the same numbers as the panel's table): validation base loss,
 * feasible, on the Pareto front, recommended, per constraint its final violation, ε, feasible share of the last 20%
 * and first feasible step, and the gradient-norm ratio at the start and the end. None while the runs still go.
 */
function sweepColumns(model: PanelModel): { header: string[]; cells: (runId: string) => string[] } {
  if (!model.sweepReady) return { header: [], cells: () => [] };
  const result = model.sweepResult();
  const constraints = result.constraints;
  const header = [
    'val base loss',
    'feasible',
    'on front',
    'recommended',
    ...constraints.flatMap((c) => [`${c.label} final violation`, `${c.label} epsilon`, `${c.label} feasible share (last 20%)`, `${c.label} feasible from step`]),
    'grad ratio start',
    'grad ratio end',
  ];
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  const cells = (runId: string): string[] => {
    const r = result.runs.find((v) => v.runId === runId);
    if (!r) return header.map(() => '');
    const perConstraint = constraints.flatMap((c) => {
      const v = r.constraints.find((x) => x.id === c.id);
      return [fmt(v?.finalViolation), fmt(c.epsilon), fmt(v?.feasibleShare), fmt(v?.firstFeasibleStep)];
    });
    return [fmt(r.valLoss), yesNo(r.feasible), yesNo(r.onFront), yesNo(result.recommendation?.runId === runId), ...perConstraint, fmt(r.grad.start), fmt(r.grad.end)];
  };
  return { header, cells };
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
