// What `loss-lab train` prints on a terminal: a one-line progress bar while training, and the final table.
import type { LossModel } from '../analysis/ir';
import type { RunSummary, StepMetrics, TrainerToHost } from '../protocol';
import { violationMetrics } from '../templates/violations';

const fmt = (v: number | null | undefined): string => {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(4);
};

export class ProgressBar {
  private last = new Map<string, StepMetrics>();
  private labels = new Map<string, string>();
  private lastDraw = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly steps: number,
  ) {}

  /** Names the runs (from the `started` message). */
  setRuns(runs: { id: string; label: string }[]): void {
    for (const r of runs) this.labels.set(r.id, r.label);
  }

  update(points: StepMetrics[], stepsPerSecond: number): void {
    for (const p of points) this.last.set(p.runId, p);
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const step = Math.max(0, ...[...this.last.values()].map((p) => p.step + 1));
    const width = 24;
    const filled = Math.round((width * step) / this.steps);
    const losses = [...this.last.values()].map((p) => `${this.labels.get(p.runId) ?? p.runId}: ${fmt(p.total)}`).join('  ');
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${step}/${this.steps}  ${stepsPerSecond.toFixed(0)} steps/s  total ${losses}`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
  }

  clear(): void {
    this.stream.write('\r\x1b[K');
  }
}

/** `where`: the loss's place as the user reads it, "file.py:3" or "notebook.ipynb, cell 3, line 1". */
export function formatSummary(model: LossModel, messages: TrainerToHost[], summaries: RunSummary[], where: string): string {
  const started = messages.find((m): m is Extract<TrainerToHost, { type: 'started' }> => m.type === 'started');
  const done = messages.find((m): m is Extract<TrainerToHost, { type: 'done' }> => m.type === 'done');
  const constrained = model.terms.filter((t) => t.constraint);
  const penalties = model.terms.filter((t) => t.role === 'penalty');
  const lines: string[] = [];
  lines.push(`${model.name} (${where})`);
  if (started) {
    lines.push(`backend: ${started.backend} — ${started.backendReason}`);
    lines.push(`output activation: ${started.outputActivation}`);
    if (started.trial) lines.push(`trial model: ${started.trial.model}`);
    lines.push(`data: ${started.trial?.data ?? started.dataset.description} (${started.dataset.trainSamples} train / ${started.dataset.valSamples} validation)`);
  }
  const header = [
    'run',
    'λ',
    'status',
    'total',
    'original',
    ...penalties.map((t) => `P ${t.label}`),
    ...constrained.map((t) => violationMetrics[t.constraint!.kind].label),
    'val loss',
    'best total (step)',
    'steps/s',
    'wall s',
  ];
  const rows = summaries.map((s) => {
    const f = s.final;
    const lastVal = [...messages]
      .reverse()
      .flatMap((m) => (m.type === 'metrics' ? [...m.points].reverse() : []))
      .find((p) => p.runId === s.runId && p.valLoss !== undefined)?.valLoss;
    return [
      started?.runs.find((r) => r.id === s.runId)?.label ?? s.runId,
      Number.parseFloat(s.lambda.toPrecision(6)).toString(),
      s.status,
      fmt(f?.total),
      fmt(f?.original),
      ...penalties.map((t) => fmt(f?.terms[t.id]?.raw)),
      ...constrained.map((t) => fmt(f?.violations[t.id])),
      fmt(lastVal),
      s.bestTotal === null ? '–' : `${fmt(s.bestTotal)} (${s.bestStep})`,
      s.stepsPerSecond.toFixed(0),
      s.wallSeconds.toFixed(2),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const render = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push('', render(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(render));
  for (const t of constrained) {
    const on = t.constraint!.on ? `, on ${t.constraint!.on}(outputs) as the loss computes it` : '';
    lines.push(`${violationMetrics[t.constraint!.kind].label} (${t.label}, line ${t.range.startLine + 1}${on}): ${violationMetrics[t.constraint!.kind].describe}`);
  }
  for (const s of summaries) if (s.message) lines.push(`${s.runId}: ${s.message}`);
  if (done) lines.push(`done in ${done.wallSeconds.toFixed(2)} s`);
  return `${lines.join('\n')}\n`;
}
