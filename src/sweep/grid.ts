// The λ grid of a sweep, centred where the penalty and the base loss weigh the same on the untrained model: at
// λ = |L|/|P| the weighted penalty starts as large as the base loss, so a grid over a few decades around it
// spans "penalty negligible" to "penalty dominates" whatever the losses' scales. Plain TS (the trainer builds
// the grid, the CLI and the panel show it).
import type { RunSpec, SweepGrid } from '../protocol/trainer';

export interface GridSettings {
  /** Log-spaced values (lossLab.sweep.count, default 9). */
  count: number;
  /** Decades they span, centred on the ratio (lossLab.sweep.decades, default 4). */
  decades: number;
}

export const DEFAULT_GRID: GridSettings = { count: 9, decades: 4 };

/** Below this, |P| counts as zero (the constraint holds on the untrained model): no ratio to centre on. */
const ZERO = 1e-12;

/** λ rounded to 2 significant digits, so labels read 0.032, not 0.0316227766. */
export function roundLambda(value: number): number {
  return value === 0 ? 0 : Number.parseFloat(value.toPrecision(2));
}

const fmt = (v: number) => Number.parseFloat(v.toPrecision(3)).toString();

/** The centre and why, from the mean |L_original| and |P| measured on the first batches. */
export function gridCentre(base: number, penalty: number, codeLambda: number | undefined): { centre: number; reason: string } {
  const fallback = codeLambda !== undefined && codeLambda > 0 ? codeLambda : 1;
  const fallbackName = codeLambda !== undefined && codeLambda > 0 ? `the code's λ (${fmt(fallback)})` : 'λ = 1';
  if (!Number.isFinite(base) || !Number.isFinite(penalty)) {
    return { centre: fallback, reason: `the untrained model's losses are not finite (|L| = ${fmt(base)}, |P| = ${fmt(penalty)}): centred on ${fallbackName}` };
  }
  if (penalty <= ZERO * Math.max(1, base)) {
    return { centre: fallback, reason: `the penalty is 0 on the untrained model (the constraint already holds there): centred on ${fallbackName}` };
  }
  if (base <= ZERO) {
    return { centre: fallback, reason: `the base loss is 0 on the untrained model: centred on ${fallbackName}` };
  }
  const centre = base / penalty;
  return { centre, reason: `|L| / |P| = ${fmt(base)} / ${fmt(penalty)} on the first batches of the untrained model: at λ ≈ ${fmt(centre)} the penalty weighs as much as the loss` };
}

/** `count` values spaced evenly in log over `decades` decades centred on `centre`, rounded, ascending, distinct. */
export function logGrid(centre: number, settings: GridSettings): number[] {
  const count = Math.max(1, Math.round(settings.count));
  const values = Array.from({ length: count }, (_, i) => {
    const t = count === 1 ? 0 : i / (count - 1) - 0.5;
    return roundLambda(centre * 10 ** (settings.decades * t));
  });
  return [...new Set(values)].sort((a, b) => a - b);
}

/** The whole grid: the log-spaced values plus λ = 0 and the code's λ. */
export function sweepGrid(base: number, penalty: number, codeLambda: number | undefined, settings: GridSettings): SweepGrid {
  const { centre, reason } = gridCentre(base, penalty, codeLambda);
  const spaced = logGrid(centre, settings);
  const values = [...new Set([0, ...spaced, ...(codeLambda !== undefined ? [codeLambda] : [])])].sort((a, b) => a - b);
  return { values, centre, base, penalty, reason };
}

const label = (v: number) => Number.parseFloat(v.toPrecision(6)).toString();

/** The runs of a grid, keeping the fixed runs' ids and labels (the code's λ says "(code)"). */
export function gridRuns(grid: SweepGrid, fixed: RunSpec[]): RunSpec[] {
  const byKey = new Map<string, RunSpec>();
  for (const v of grid.values) byKey.set(label(v), { id: `lambda-${label(v)}`, label: `λ = ${label(v)}`, lambda: v });
  for (const r of fixed) byKey.set(label(r.lambda), r);
  return [...byKey.values()].sort((a, b) => a.lambda - b.lambda).slice(0, 32);
}
