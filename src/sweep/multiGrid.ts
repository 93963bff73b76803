// The runs of a sweep over several penalty λs (knobs.ts). Each knob gets its own centre |L| / |P_knob| (its
// penalties' raw sum on the untrained model), so each λ is swept where it matters whatever the other's scale.
//   oneAtATime (default): each knob in turn over its grid (0, log-spaced values, the code's λ), the others held at
//     the code's values: the runs answer "which λ for this penalty, the rest as written".
//   grid2: a small grid (GRID2_AXIS values a side) over two knobs, plus both at 0 and both at the code's values.
// At most MAX_RUNS runs (the batched trainer's limit): with many knobs each gets fewer values.

import type { PenaltyKnob } from '../analysis/knobs';
import type { RunSpec, SweepGrid } from '../protocol/trainer';
import { type GridSettings, gridCentre, logGrid, roundLambda, sweepGrid } from './grid';

export type MultiPenaltyMode = 'oneAtATime' | 'grid2';

/** A knob and the mean |P| of its penalties on the first batches of the untrained model. */
export interface KnobMeasure {
  knob: PenaltyKnob;
  penalty: number;
}

export const MAX_RUNS = 32;
export const GRID2_AXIS = 5;

type Axis = NonNullable<SweepGrid['penalties']>[number];

const fmt = (v: number) => Number.parseFloat(v.toPrecision(6)).toString();

/** Values per axis so that the runs fit: oneAtATime shares one code run, each knob adds 0 and its spaced values. */
const axisCount: Record<MultiPenaltyMode, (settings: GridSettings, axes: number) => number> = {
  oneAtATime: (s, axes) => Math.max(1, Math.min(s.count, Math.floor((MAX_RUNS - 1) / axes) - 1)),
  grid2: (s) => Math.max(1, Math.min(s.count, GRID2_AXIS)),
};

function axisOf(base: number, m: KnobMeasure, settings: GridSettings, mode: MultiPenaltyMode, fixed?: readonly number[]): Axis {
  const { knob, penalty } = m;
  const grid = sweepGrid(base, penalty, knob.code, settings);
  const values = fixed ? [...fixed] : mode === 'grid2' ? logGrid(grid.centre, settings) : grid.values;
  return { id: knob.id, label: knob.label, values, centre: grid.centre, penalty, reason: grid.reason, terms: knob.terms, ...(knob.code !== undefined ? { code: knob.code } : {}) };
}

/** A knob's value where it is not swept: the code's, else the centre of its own grid. */
const heldValue = (base: number, m: KnobMeasure): number => m.knob.code ?? roundLambda(gridCentre(base, m.penalty, undefined).centre);

/** Vectors of knob values, one per run, in the order the mode lays them out. */
const layouts: Record<MultiPenaltyMode, (axes: Axis[], held: Record<string, number>) => { lambdas: Record<string, number>; lambda: number }[]> = {
  oneAtATime: (axes, held) => axes.flatMap((a) => a.values.map((v) => ({ lambdas: { ...held, [a.id]: v }, lambda: v }))),
  grid2: (axes, held) => {
    const [a, b] = axes as [Axis, Axis];
    const corners = [{ [a.id]: 0, [b.id]: 0 }, { [a.id]: held[a.id]!, [b.id]: held[b.id]! }];
    const product = a.values.flatMap((x) => b.values.map((y) => ({ [a.id]: x, [b.id]: y })));
    return [...corners, ...product].map((pair) => ({ lambdas: { ...held, ...pair }, lambda: pair[a.id]! }));
  },
};

function runOf(knobs: PenaltyKnob[], v: { lambdas: Record<string, number>; lambda: number }, index: number): RunSpec {
  const parts = knobs.map((k) => `${k.label} = ${fmt(v.lambdas[k.id]!)}`);
  const isCode = knobs.every((k) => k.code === v.lambdas[k.id]);
  const id = `lambdas-${knobs.map((k) => fmt(v.lambdas[k.id]!)).join('_')}`;
  return {
    id: id.length <= 64 ? id : `lambdas-run-${index}`,
    label: `${parts.join(', ')}${isCode ? ' (code)' : ''}`.slice(0, 128),
    lambda: v.lambda,
    lambdas: v.lambdas,
  };
}

const reasons: Record<MultiPenaltyMode, (axes: Axis[]) => string> = {
  oneAtATime: (axes) => `each penalty's λ in turn (${axes.map((a) => a.label).join(', ')}), the others held at the code's values; each centred on |L| / its own |P|`,
  grid2: (axes) => `a ${axes[0]!.values.length} × ${axes[1]!.values.length} grid over ${axes[0]!.label} and ${axes[1]!.label}, plus both at 0 and both at the code's values; each centred on |L| / its own |P|`,
};

/**
 * The grid and runs of a sweep over several knobs. `selected`: the knob ids to sweep (checked by the caller);
 * default all for oneAtATime, the first two for grid2. grid2 with fewer than two knobs sweeps one at a time.
 * `fixed`: the values of every swept knob (`loss-lab sweep --lambdas LIST`) instead of a grid around |L|/|P|.
 */
export function multiGrid(base: number, measured: KnobMeasure[], settings: GridSettings, requested: MultiPenaltyMode, selected?: readonly string[], fixed?: readonly number[]): { grid: SweepGrid; runs: RunSpec[] } {
  // ids that name no knob (a spec from an older analysis) sweep them all rather than nothing
  const picked = measured.filter((m) => selected?.includes(m.knob.id));
  const chosen = picked.length > 0 ? picked : measured;
  const mode: MultiPenaltyMode = requested === 'grid2' && chosen.length >= 2 ? 'grid2' : 'oneAtATime';
  const swept = mode === 'grid2' ? chosen.slice(0, 2) : chosen;
  const axisSettings = { ...settings, count: axisCount[mode](settings, swept.length) };
  const axes = swept.map((m) => axisOf(base, m, axisSettings, mode, fixed));
  const heldAll = Object.fromEntries(measured.map((m) => [m.knob.id, heldValue(base, m)]));
  const knobs = measured.map((m) => m.knob);
  const byKey = new Map<string, RunSpec>();
  for (const v of layouts[mode](axes, heldAll)) {
    const key = knobs.map((k) => fmt(v.lambdas[k.id]!)).join('|');
    if (!byKey.has(key)) byKey.set(key, runOf(knobs, v, byKey.size));
  }
  const sweptIds = new Set(swept.map((m) => m.knob.id));
  const held = knobs.filter((k) => !sweptIds.has(k.id)).map((k) => ({ id: k.id, label: k.label, value: heldAll[k.id]!, terms: k.terms }));
  const first = axes[0]!;
  const total = measured.reduce((s, m) => s + m.penalty, 0);
  return {
    grid: { values: first.values, centre: first.centre, base, penalty: total, reason: reasons[mode](axes), mode, penalties: axes, ...(held.length > 0 ? { held } : {}) },
    runs: [...byKey.values()].slice(0, MAX_RUNS),
  };
}
