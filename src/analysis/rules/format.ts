// Small helpers for messages: how a term and the arguments are named to the user.
import type { LossModel, Term } from '../ir';

export const code = (s: string): string => `\`${s}\``;

export function baseLabel(model: LossModel): string {
  const base = model.terms.find((t) => t.role === 'base');
  return base ? code(base.label) : 'the base loss';
}

export const termLabel = (t: Term): string => code(t.label);
