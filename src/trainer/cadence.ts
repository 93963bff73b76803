// How often a trial measures its validation split and reports its points. A chart is a few hundred pixels wide,
// so a run of 200,000 steps reports every 100th step: what streams to the editor stays bounded by the chart, not
// by the trainer's speed (a panel fed every step of a long trial fell minutes behind, and the editor with it).
// Every step is still trained and checked for NaN; the summaries (best step, final values) see every step.

/** Every this many steps a point is reported, so a run reports at most `maxPointsPerRun` points (plus its last). */
export function reportEvery(steps: number, maxPointsPerRun: number): number {
  return Math.max(1, Math.ceil(steps / Math.max(1, maxPointsPerRun)));
}

/**
 * Validation about 20 times a trial, at least every 50 steps, and always on a reported step (a validation nobody
 * sees is wasted work).
 */
export function validateEvery(steps: number, report: number): number {
  const base = Math.max(1, Math.min(50, Math.ceil(steps / 20)));
  return Math.ceil(base / report) * report;
}
