// What `loss-lab sweep` prints: the grid and why, one row per λ (validation base loss, each constraint's
// violation and whether it is met, in words, the gradient-norm ratio), the Pareto front and the recommendation.
import type { SweepGrid } from '../protocol';
import { fmt, type RunVerdict, type SweepResult } from '../sweep';

const pct = (v: number) => `${Math.round(v * 100)}%`;
const verdictWord: Record<string, string> = { dominates: ' dominates', negligible: ' negligible', balanced: '' };

function ratioCell(r: RunVerdict): string {
  const { start, end, startVerdict, endVerdict } = r.grad;
  if (start === undefined && end === undefined) return '—';
  return `${fmt(start)}${verdictWord[startVerdict ?? 'balanced']} → ${fmt(end)}${verdictWord[endVerdict ?? 'balanced']}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

export function formatSweep(name: string, where: string, grid: SweepGrid | undefined, result: SweepResult): string {
  const lines: string[] = [`Sweep of ${name} (${where}): ${result.runs.length} λ values`];
  if (grid) lines.push(`grid: centred on λ ≈ ${fmt(grid.centre)}: ${grid.reason}`);
  for (const c of result.constraints) lines.push(`constraint '${c.label}': feasible when its ${c.recognised ? 'violation' : 'value'} ≤ ${fmt(c.epsilon)} (${c.source})`);
  lines.push('');
  const many = result.constraints.length > 1;
  const header = ['λ', 'val base loss', ...result.constraints.flatMap((c) => {
    const tag = many ? ` ${c.label}` : '';
    return [`violation${tag}`, `met${tag}`, 'last 20% met', 'met from step'];
  }), '‖λ∇P‖/‖∇L‖ start → end', 'front', 'run'];
  const rec = result.recommendation?.runId;
  const rows = result.runs.map((r) => [
    `${fmt(r.lambda)}${r.runId === rec ? ' ←' : ''}`,
    fmt(r.valLoss),
    ...r.constraints.flatMap((c) => [fmt(c.finalViolation), c.feasible ? '✓ yes' : '✗ no', pct(c.feasibleShare), c.firstFeasibleStep === undefined ? '—' : String(c.firstFeasibleStep)]),
    ratioCell(r),
    r.onFront ? '◆ front' : '',
    r.status,
  ]);
  lines.push(...table([header, ...rows]), '');
  const byId = new Map(result.runs.map((r) => [r.runId, r]));
  const frontText = result.front.map((id) => {
    const r = byId.get(id)!;
    return `λ = ${fmt(r.lambda)} (loss ${fmt(r.valLoss)}, violation${result.normalised ? '/ε' : ''} ${fmt(r.violation)}${r.feasible ? ', feasible' : ''})`;
  });
  lines.push(`Pareto front (validation base loss vs violation${result.normalised ? ' / ε, worst constraint' : ''}): ${frontText.join(' · ') || 'none'}`);
  const recommendation = result.recommendation;
  if (!recommendation) {
    lines.push('No recommendation: no run finished with measured values.');
  } else {
    lines.push('', `${recommendation.feasible ? '✓' : '✗'} ${recommendation.headline}`);
    for (const r of recommendation.reasons) lines.push(`  - ${r}`);
    if (recommendation.tryNext.length > 0) lines.push('  Try:', ...recommendation.tryNext.map((t) => `  - ${t}`));
  }
  return `${lines.join('\n')}\n`;
}
