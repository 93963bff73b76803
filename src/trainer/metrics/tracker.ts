// Per-run bookkeeping: the last and best measured step, how the run ended.
import type { RunSpec, RunSummary, StepMetrics } from '../../protocol/trainer';

export class RunTracker {
  final: StepMetrics | null = null;
  bestStep: number | null = null;
  bestTotal: number | null = null;
  status: RunSummary['status'] = 'completed';
  message: string | undefined;
  stepsDone = 0;
  endedAt: number | undefined;

  constructor(readonly run: RunSpec) {}

  get active(): boolean {
    return this.endedAt === undefined;
  }

  record(point: StepMetrics): void {
    this.final = point;
    this.stepsDone = point.step + 1;
    if (this.bestTotal === null || point.total < this.bestTotal) {
      this.bestTotal = point.total;
      this.bestStep = point.step;
    }
  }

  end(status: RunSummary['status'], now: number, message?: string): void {
    if (!this.active) return;
    this.status = status;
    this.message = message;
    this.endedAt = now;
  }

  summary(startedAt: number, now: number): RunSummary {
    const wallSeconds = ((this.endedAt ?? now) - startedAt) / 1000;
    return {
      runId: this.run.id,
      lambda: this.run.lambda,
      steps: this.stepsDone,
      final: this.final,
      bestStep: this.bestStep,
      bestTotal: this.bestTotal,
      stepsPerSecond: wallSeconds > 0 ? this.stepsDone / wallSeconds : 0,
      wallSeconds,
      status: this.status,
      ...(this.message ? { message: this.message } : {}),
    };
  }
}
