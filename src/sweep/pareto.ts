// The Pareto front of a sweep: runs for which no other run has both a lower (or equal) validation base loss and a
// lower (or equal) violation, with one of them strictly lower. Both are minimised.

export interface FrontPoint {
  /** Validation base loss. */
  loss: number;
  /** Violation (normalised by ε when there are several constraints: the worst of them). */
  violation: number;
}

/** Indices of the non-dominated points, ordered by violation (then loss); non-finite points are never on it. */
export function paretoFront(points: readonly (FrontPoint | undefined)[]): number[] {
  const ok = (p: FrontPoint | undefined): p is FrontPoint => !!p && Number.isFinite(p.loss) && Number.isFinite(p.violation);
  const dominates = (a: FrontPoint, b: FrontPoint) => a.loss <= b.loss && a.violation <= b.violation && (a.loss < b.loss || a.violation < b.violation);
  const front = points.flatMap((p, i) => (ok(p) && !points.some((q) => ok(q) && dominates(q, p)) ? [i] : []));
  // Equal points: keep the first only, so the front has no duplicate.
  const seen = new Set<string>();
  return front
    .filter((i) => {
      const key = `${points[i]!.loss}|${points[i]!.violation}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => points[a]!.violation - points[b]!.violation || points[a]!.loss - points[b]!.loss);
}
