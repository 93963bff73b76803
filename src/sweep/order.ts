// Several penalty λs: their names, and the order runs are listed and ties broken in (the smaller λ first).

export interface PenaltyName {
  id: string;
  label: string;
  /** The penalty term ids this λ weights (SweepGrid.penalties[].terms), so advice can say which λ a constraint needs. */
  terms?: string[];
}

/** λ order: by `lambda`, then (several penalty λs) by each knob's value in the loss's order. */
export function byLambdas(penalties: readonly PenaltyName[] | undefined): (a: { lambda: number; lambdas?: Record<string, number> }, b: { lambda: number; lambdas?: Record<string, number> }) => number {
  return (a, b) => {
    for (const p of penalties ?? []) {
      const d = (a.lambdas?.[p.id] ?? 0) - (b.lambdas?.[p.id] ?? 0);
      if (d !== 0) return d;
    }
    return a.lambda - b.lambda;
  };
}
