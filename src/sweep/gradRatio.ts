// What a gradient-norm ratio ‖λ∇P‖ / ‖∇L‖ says: above 10 the penalty dominates the step (the base loss barely
// trains), below 0.01 it is negligible (λ changes nothing).
export type GradVerdict = 'dominates' | 'negligible' | 'balanced';

const verdicts: { when: (r: number) => boolean; verdict: GradVerdict }[] = [
  { when: (r) => r > 10, verdict: 'dominates' },
  { when: (r) => r < 0.01, verdict: 'negligible' },
];

export function gradVerdict(ratio: number): GradVerdict {
  return verdicts.find((v) => v.when(ratio))?.verdict ?? 'balanced';
}

/** The largest ratio over the penalties (the one that pulls hardest), undefined when none was measured. */
export function worstRatio(ratios: Record<string, number> | undefined): number | undefined {
  const values = Object.values(ratios ?? {}).filter((v) => Number.isFinite(v));
  return values.length > 0 ? Math.max(...values) : undefined;
}
