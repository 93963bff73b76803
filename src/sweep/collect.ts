// Gathers a sweep's trainer messages into what analyseSweep reads: the terms, each run's points and status, the
// grid. The CLI and the editor feed it the same messages, so they read the sweep the same way.
import type { RunSummary, StepMetrics, SweepGrid, TrainerToHost } from '../protocol/trainer';
import { analyseSweep, type SweepOptions, type SweepResult, type SweepRunInput, type SweepTerm } from './analyse';

export class SweepCollector {
  terms: SweepTerm[] = [];
  grid: SweepGrid | undefined;
  steps = 0;
  private readonly runs = new Map<string, { lambda: number; lambdas?: Record<string, number>; label: string; status: SweepRunInput['status']; points: StepMetrics[] }>();

  add(m: TrainerToHost): void {
    if (m.type === 'started') {
      this.terms = m.terms.map((t) => ({ id: t.id, role: t.role, label: t.label, ...(t.constraint ? { constraint: t.constraint } : {}) }));
      this.grid = m.grid;
      this.steps = m.steps;
      for (const r of m.runs) this.runs.set(r.id, { lambda: r.lambda, ...(r.lambdas ? { lambdas: r.lambdas } : {}), label: r.label, status: 'running', points: [] });
    } else if (m.type === 'metrics') {
      for (const p of m.points) this.runs.get(p.runId)?.points.push(p);
    } else if (m.type === 'run-ended') {
      this.end(m.summary);
    } else if (m.type === 'done') {
      for (const s of m.summaries) this.end(s);
    }
  }

  private end(s: RunSummary): void {
    const run = this.runs.get(s.runId);
    if (run) run.status = s.status;
  }

  labelOf(runId: string): string | undefined {
    return this.runs.get(runId)?.label;
  }

  inputs(): SweepRunInput[] {
    return [...this.runs.entries()].map(([runId, r]) => ({ runId, lambda: r.lambda, ...(r.lambdas ? { lambdas: r.lambdas } : {}), status: r.status, points: r.points }));
  }

  analyse(options: SweepOptions): SweepResult {
    // the knobs held in every run are columns too: the table says the value each run used
    const grid = this.grid;
    const penalties = grid?.penalties ? [...grid.penalties, ...(grid.held ?? [])].map((p) => ({ id: p.id, label: p.label, ...(p.terms ? { terms: p.terms } : {}) })) : undefined;
    return analyseSweep(this.terms, this.inputs(), { ...options, ...(penalties ? { penalties } : {}) });
  }
}
