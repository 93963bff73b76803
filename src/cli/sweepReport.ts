// What `loss-lab sweep` prints: the grid and why, one row per λ (validation base loss, each constraint's
// violation and whether it is met, in words, the gradient-norm ratio), the Pareto front and the recommendation.
import type { SweepGrid } from '../protocol';
import { fmt, lambdaText, type RunVerdict, type SweepResult } from '../sweep';

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

/** The grid and why: its centre, or with several penalty λs how they were swept and each one's centre. */
function gridLines(grid: SweepGrid): string[] {
  if (!grid.penalties) return [`grid: centred on λ ≈ ${fmt(grid.centre)}: ${grid.reason}`];
  return [
    `grid: ${grid.reason}`,
    ...grid.penalties.map((p) => `  ${p.label}: ${p.values.map(fmt).join(', ')} (centred on ${fmt(p.centre)}: ${p.reason})`),
    ...(grid.held ?? []).map((h) => `  ${h.label}: held at ${fmt(h.value)}`),
  ];
}

/** Several constraints: each one's own front of validation base loss against its violation, one line each. */
function frontLines(result: SweepResult): string[] {
  if (!result.fronts) return [];
  const byId = new Map(result.runs.map((r) => [r.runId, r]));
  const rows = result.constraints.map((c, k) => [
    c.label,
    (result.fronts![c.id] ?? []).map((id) => {
      const r = byId.get(id)!;
      return `${lambdaText(r, result.penalties)} (loss ${fmt(r.valLoss)}, violation ${fmt(r.constraints[k]?.finalViolation)})`;
    }).join(' · ') || 'none',
  ]);
  return ['Front per constraint (validation base loss vs that violation alone):', ...table([['constraint', 'runs on its front, by violation'], ...rows]).map((l) => `  ${l}`)];
}

/** The λ cells of a row: one per penalty λ with several, else the run's λ. */
function lambdaCells(r: RunVerdict, result: SweepResult): string[] {
  return result.penalties ? result.penalties.map((p) => fmt(r.lambdas?.[p.id])) : [fmt(r.lambda)];
}

export function formatSweep(name: string, where: string, grid: SweepGrid | undefined, result: SweepResult): string {
  const lines: string[] = [`Sweep of ${name} (${where}): ${result.runs.length} ${result.penalties ? 'runs' : 'λ values'}`];
  if (grid) lines.push(...gridLines(grid));
  for (const c of result.constraints) lines.push(`constraint '${c.label}': feasible when its ${c.recognised ? 'violation' : 'value'} ≤ ${fmt(c.epsilon)} (${c.source})`);
  lines.push('');
  const many = result.constraints.length > 1;
  const lambdaColumns = result.penalties?.map((p) => p.label) ?? ['λ'];
  const header = [...lambdaColumns, 'val base loss', ...result.constraints.flatMap((c) => {
    const tag = many ? ` ${c.label}` : '';
    return [`violation${tag}`, `met${tag}`, 'last 20% met', 'met from step'];
  }), '‖λ∇P‖/‖∇L‖ start → end', 'front', 'run'];
  const rec = result.recommendation?.runId;
  const rows = result.runs.map((r) => [
    ...lambdaCells(r, result).map((cell, i) => (i === 0 && r.runId === rec ? `${cell} ←` : cell)),
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
    return `${lambdaText(r, result.penalties)} (loss ${fmt(r.valLoss)}, violation${result.normalised ? '/ε' : ''} ${fmt(r.violation)}${r.feasible ? ', feasible' : ''})`;
  });
  lines.push(`Pareto front (validation base loss vs violation${result.normalised ? ' / ε, worst constraint' : ''}): ${frontText.join(' · ') || 'none'}`);
  lines.push(...frontLines(result));
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
