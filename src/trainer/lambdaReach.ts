// Which penalties a run's λ sets, as the trainer applies it (runLoss.ts, interpreter/compile.ts optionsFor): with a
// λ parameter, the penalties it weights; without one, those added with no weight (the λ scales them) and the literal
// weights it stands in for (literalPenaltyWeight, ownLiteralWeights: bare or wrapped numbers); with a sweep over
// several knobs, every penalty a knob sets. Every other penalty keeps the code's weight in every run. The trial
// never pretends otherwise: the header names the penalties held, and when a run's λ would set no penalty at all,
// "Train" trains the code's weights once (src/trial/spec.ts lambdaRuns) and "Sweep λ" refuses.
import type { LossModel, Term } from '../analysis/ir';
import { penaltyKnobs } from '../analysis/knobs';
import { some } from '../analysis/terms/expr';
import { literalPenaltyWeight, ownLiteralWeights } from './interpreter/compile';
import { scheduledLambda } from './interpreter/schedule';

const penaltiesOf = (model: LossModel): Term[] => model.terms.filter((t) => t.role === 'penalty');

/** Whether a penalty's weight reads the λ parameter (`lam`, `self.beta`, `lam * 0.5`). */
function readsLambdaParam(term: Term, param: string): boolean {
  if (term.weightParam === param) return true;
  return !!term.weight && some(term.weight, (n) => (n.kind === 'name' && n.name === param) || (n.kind === 'attr' && n.text === param));
}

/** The penalties a run's λ leaves at the code's weight; `byKnobs`: the runs set each knob (a multi-penalty sweep). */
export function heldPenalties(model: LossModel, byKnobs = false): Term[] {
  const penalties = penaltiesOf(model);
  if (byKnobs) {
    const set = new Set(penaltyKnobs(model).flatMap((k) => k.terms));
    return penalties.filter((t) => !set.has(t.id));
  }
  const param = model.lambdaParam;
  if (param) return penalties.filter((t) => !readsLambdaParam(t, param));
  if (scheduledLambda(model)) return [];
  if (literalPenaltyWeight(model) !== undefined || ownLiteralWeights(model)) return [];
  return penalties.filter((t) => t.weight !== undefined);
}

/** Whether the loss has penalties and a run's λ sets none of them (no λ parameter, literal or unweighted penalty). */
export function lambdaSetsNothing(model: LossModel): boolean {
  const penalties = penaltiesOf(model);
  return penalties.length > 0 && heldPenalties(model).length === penalties.length;
}

const line = (t: Term): number => (t.weight ?? t.expr).range.startLine + 1;

/** `'l1' (line 12) weighted by \`self.w\``, or `'kl' (line 9) added with no weight`. */
function heldText(t: Term): string {
  return `'${t.label}' (line ${line(t)}) ${t.weight ? `weighted by \`${t.weight.text}\`` : 'added with no weight'}`;
}

/** Why a run's λ sets nothing in this loss and what to do, or undefined when it sets a penalty. */
export function unsetLambdaReason(model: LossModel): { message: string; line: number } | undefined {
  if (!lambdaSetsNothing(model)) return undefined;
  const held = heldPenalties(model);
  const which = held.length === 1 ? `its penalty ${heldText(held[0]!)}` : `its penalties ${held.map(heldText).join(', ')}`;
  return {
    message: `a run's λ cannot set the weight of ${which} (not one number literal or a parameter of the loss), so every λ would train the code's weight: write the weight as a number or a parameter to compare λs`,
    line: line(held[0]!),
  };
}

/** The header's note on the penalties every run trains at the code's weight; none when the λ sets them all. */
export function heldNote(model: LossModel, byKnobs = false): string[] {
  const reason = byKnobs ? undefined : unsetLambdaReason(model);
  if (reason) return [`one run, with the code's weights: ${reason.message}`];
  const held = heldPenalties(model, byKnobs);
  if (held.length === 0) return [];
  return [`every run keeps the code's weight for ${held.map(heldText).join(', ')} (a run's λ does not set ${held.length === 1 ? 'it' : 'them'})`];
}
